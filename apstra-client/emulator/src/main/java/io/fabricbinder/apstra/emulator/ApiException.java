package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;

/** An Apstra error response: status code plus Apstra's {@code {"errors": ...}} body. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient JsonNode body;

    ApiException(int status, JsonNode body) {
        super(status + " " + body, null, false, false);
        this.status = status;
        this.body = body;
    }

    static ApiException notFound(String message) {
        return new ApiException(404, Json.errors(message));
    }

    static ApiException unprocessable(String field, String message) {
        return new ApiException(422, Json.fieldError(field, message));
    }

    static ApiException unprocessable(String message) {
        return new ApiException(422, Json.errors(message));
    }

    int status() {
        return status;
    }

    JsonNode body() {
        return body;
    }
}
