package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Apstra answered with an HTTP error status. {@link #errorText()} is Apstra's {@code errors} value
 * as text; when Apstra sent an object of field errors, {@link #fieldErrors()} holds it flattened
 * with dotted keys, e.g. {@code reserved_vlan_id -> Value should be at least 1 and at most 4094}.
 */
public sealed class ApstraHttpException extends ApstraException
        permits ApstraNotFoundException,
                ApstraConflictException,
                ApstraAssignmentException,
                ApstraAuthenticationException {
    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String method;
    private final String path;
    private final String errorText;

    @SuppressWarnings("serial") // always a Map.copyOf result, which is serializable
    private final Map<String, String> fieldErrors;

    private final transient @Nullable JsonNode errorsNode;

    /**
     * Creates the exception; public so that fakes of {@link ApstraClient} can throw it.
     *
     * @param statusCode the HTTP status
     * @param method the HTTP method
     * @param path the request path, without query
     * @param errorText Apstra's error text, or empty
     * @param fieldErrors field errors, flattened with dotted keys; may be empty
     */
    public ApstraHttpException(
            int statusCode, String method, String path, String errorText, Map<String, String> fieldErrors) {
        this(statusCode, method, path, errorText, fieldErrors, null);
    }

    ApstraHttpException(
            int statusCode,
            String method,
            String path,
            String errorText,
            Map<String, String> fieldErrors,
            @Nullable JsonNode errorsNode) {
        super(method + " " + path + " returned " + statusCode + (errorText.isEmpty() ? "" : ": " + errorText), null);
        this.statusCode = statusCode;
        this.method = method;
        this.path = path;
        this.errorText = errorText;
        this.fieldErrors = Map.copyOf(fieldErrors);
        this.errorsNode = errorsNode;
    }

    /** The HTTP status code. */
    public int statusCode() {
        return statusCode;
    }

    /** The HTTP method of the failed request. */
    public String method() {
        return method;
    }

    /** The request path, without query. */
    public String path() {
        return path;
    }

    /** Apstra's {@code errors} text (a string, or the field errors joined), or empty. */
    public String errorText() {
        return errorText;
    }

    /** Apstra's field errors flattened with dotted keys; empty when {@code errors} was a string. */
    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    @Nullable
    JsonNode errorsNode() {
        return errorsNode;
    }

    /** True for 408, 429 and 5xx: the same request may succeed later. */
    @Override
    public boolean isRetryable() {
        return statusCode == 408 || statusCode == 429 || statusCode >= 500;
    }
}
