package io.fabricbinder.apstra;

import java.util.Map;

/**
 * The request conflicts with Apstra's state: HTTP 409, or a 422 saying the object already exists
 * ("already exists", "not unique", "overlaps with"). {@link #isExists()} tells the two apart.
 */
public final class ApstraConflictException extends ApstraHttpException {
    private static final long serialVersionUID = 1L;

    private final boolean exists;

    /**
     * Creates the exception; public so that fakes of {@link ApstraClient} can throw it.
     *
     * @param statusCode 409 or 422
     * @param method the HTTP method
     * @param path the request path
     * @param errorText Apstra's error text
     * @param exists whether Apstra said the object already exists
     */
    public ApstraConflictException(int statusCode, String method, String path, String errorText, boolean exists) {
        super(statusCode, method, path, errorText, Map.of());
        this.exists = exists;
    }

    ApstraConflictException(ApstraHttpException from, boolean exists) {
        super(from.statusCode(), from.method(), from.path(), from.errorText(), from.fieldErrors(), from.errorsNode());
        this.exists = exists;
    }

    /** Whether Apstra reported that an object with this name or label already exists. */
    public boolean isExists() {
        return exists;
    }

    /** A 409 may clear when a concurrent writer finishes; "already exists" never does. */
    @Override
    public boolean isRetryable() {
        return !exists && statusCode() == 409;
    }
}
