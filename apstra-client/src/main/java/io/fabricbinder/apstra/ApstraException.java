package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * A call to Apstra failed. Unchecked: a reconciler usually lets it propagate and relies on its own
 * retry. Catch a subclass only when you can act on it. Messages never contain the session token, the
 * password or a request body.
 */
public abstract sealed class ApstraException extends RuntimeException
        permits ApstraTransportException,
                ApstraTlsException,
                ApstraHttpException,
                ApstraTimeoutException,
                ApstraDeployException,
                ApstraVersionException {
    private static final long serialVersionUID = 1L;

    ApstraException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /** Whether repeating the same call later, unchanged, may succeed. */
    public abstract boolean isRetryable();
}
