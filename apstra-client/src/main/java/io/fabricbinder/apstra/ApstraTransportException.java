package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * No HTTP response arrived (connect failure, TLS failure, dropped connection, timeout, deadline
 * exceeded, interrupted). A mutating call may or may not have been applied by Apstra.
 */
public final class ApstraTransportException extends ApstraException {
    private static final long serialVersionUID = 1L;

    private final String method;
    private final String path;

    /**
     * Creates the exception; public so that fakes of {@link ApstraClient} can throw it.
     *
     * @param method the HTTP method
     * @param path the request path, without query
     * @param reason what went wrong, e.g. "connection reset"
     * @param cause the underlying I/O error, if any
     */
    public ApstraTransportException(String method, String path, String reason, @Nullable Throwable cause) {
        super(method + " " + path + ": no response: " + reason, cause);
        this.method = method;
        this.path = path;
    }

    /** The HTTP method of the failed request. */
    public String method() {
        return method;
    }

    /** The path of the failed request, without query. */
    public String path() {
        return path;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
