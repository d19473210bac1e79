package io.fabricbinder.apstra;

/**
 * Apstra answered, but a long-running operation (an async task, a deploy, waiting for a lock) did
 * not finish before the caller's timeout. The operation may still complete later.
 */
public final class ApstraTimeoutException extends ApstraException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was awaited and for how long
     */
    public ApstraTimeoutException(String message) {
        super(message, null);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
