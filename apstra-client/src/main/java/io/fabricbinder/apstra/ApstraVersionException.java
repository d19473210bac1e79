package io.fabricbinder.apstra;

/**
 * The Apstra server runs a version this client does not support (supported: 4.2 to 6.x). Set
 * {@link ApstraClient.Builder#allowUnsupportedVersion(boolean)} to talk to it anyway.
 */
public final class ApstraVersionException extends ApstraException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which version was found and which are supported
     */
    public ApstraVersionException(String message) {
        super(message, null);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
