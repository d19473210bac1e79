package io.fabricbinder.apstra;

import java.util.Map;

/**
 * Apstra has no such object: HTTP 404, or a 422 whose text says the referenced object does not
 * exist ("No node with id", "does not exist").
 */
public final class ApstraNotFoundException extends ApstraHttpException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception; public so that fakes of {@link ApstraClient} can throw it.
     *
     * @param statusCode 404, or 422 for a dangling reference
     * @param method the HTTP method
     * @param path the request path
     * @param errorText Apstra's error text
     */
    public ApstraNotFoundException(int statusCode, String method, String path, String errorText) {
        super(statusCode, method, path, errorText, Map.of());
    }

    ApstraNotFoundException(ApstraHttpException from) {
        super(from.statusCode(), from.method(), from.path(), from.errorText(), from.fieldErrors(), from.errorsNode());
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
