package io.fabricbinder.apstra;

/**
 * Apstra refused the credentials or the session: HTTP 401 (after one fresh login) or 403. Repeating
 * the call with the same credentials cannot succeed; fix the user name or password (or the
 * account's permissions). The message never contains the password.
 */
public final class ApstraAuthenticationException extends ApstraHttpException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; public so that fakes of {@link ApstraClient} can throw it.
     *
     * @param statusCode 401 or 403
     * @param method the HTTP method
     * @param path the request path
     * @param errorText Apstra's error text, e.g. "Invalid credentials"
     */
    public ApstraAuthenticationException(int statusCode, String method, String path, String errorText) {
        super(statusCode, method, path, errorText, java.util.Map.of());
    }

    ApstraAuthenticationException(ApstraHttpException from) {
        super(from.statusCode(), from.method(), from.path(), from.errorText(), from.fieldErrors(), from.errorsNode());
    }

    /** Whether Apstra rejected the login itself (user name or password wrong), not a later call. */
    public boolean isLoginRejected() {
        return path().endsWith("/login");
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
