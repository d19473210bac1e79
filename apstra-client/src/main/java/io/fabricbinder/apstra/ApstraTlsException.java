package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * The TLS handshake with Apstra failed or got no answer: an untrusted or mismatched certificate, or
 * an {@code https://} URL pointing at a port that speaks plain HTTP (the handshake then gets no
 * TLS answer and is cut off after the client's TLS handshake timeout instead of hanging for the
 * whole call deadline). Repeating the call unchanged cannot succeed; {@link #getMessage()} carries
 * a hint what to check.
 */
public final class ApstraTlsException extends ApstraException {
    private static final long serialVersionUID = 1L;

    private final String method;
    private final String path;

    /**
     * Creates the exception; public so that fakes of {@link ApstraClient} can throw it.
     *
     * @param method the HTTP method
     * @param path the request path, without query
     * @param reason what went wrong, with a hint
     * @param cause the underlying TLS or I/O error, if any
     */
    public ApstraTlsException(String method, String path, String reason, @Nullable Throwable cause) {
        super(method + " " + path + ": TLS handshake failed: " + reason, cause);
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
        return false;
    }
}
