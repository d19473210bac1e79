package io.fabricbinder.apstra;

import java.util.List;
import java.util.Map;

/**
 * Apstra rejected a batch assignment of connectivity templates to application points (HTTP 422
 * from {@code obj-policy-batch-apply}). {@link #details()} lists each rejected (application point,
 * template) pair with Apstra's reason, parsed from both error shapes Apstra uses (keyed by index or
 * by id, with conflicts).
 */
public final class ApstraAssignmentException extends ApstraHttpException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // a List.copyOf result; exceptions are not meant to be serialized
    private final List<ApplicationPointError> details;

    /**
     * Creates the exception; public so that fakes of {@link ApstraClient} can throw it.
     *
     * @param method the HTTP method
     * @param path the request path
     * @param errorText Apstra's error text
     * @param details the per-application-point errors
     */
    public ApstraAssignmentException(
            String method, String path, String errorText, List<ApplicationPointError> details) {
        super(422, method, path, errorText, Map.of());
        this.details = List.copyOf(details);
    }

    ApstraAssignmentException(ApstraHttpException from, List<ApplicationPointError> details) {
        super(from.statusCode(), from.method(), from.path(), from.errorText(), from.fieldErrors(), from.errorsNode());
        this.details = List.copyOf(details);
    }

    /** Each rejected application point (and template, when Apstra named one) with the reason. */
    public List<ApplicationPointError> details() {
        return details;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
