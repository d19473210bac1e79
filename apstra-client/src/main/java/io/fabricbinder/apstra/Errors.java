package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The one place where HTTP error responses become typed exceptions. */
final class Errors {
    private static final int MAX_TEXT = 1024;

    private Errors() {}

    static ApstraHttpException from(String method, String path, int status, String body) {
        JsonNode root = Json.parse(body);
        JsonNode errors = root.path("errors");
        Map<String, String> fields = Map.of();
        String text;
        if (errors.isTextual()) {
            text = errors.asText();
        } else if (errors.isObject() || errors.isArray()) {
            fields = Json.flatten(errors);
            text = fields.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("; "));
        } else {
            text = "";
        }
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT) + "...";
        }
        ApstraHttpException base =
                new ApstraHttpException(status, method, path, text, fields, errors.isMissingNode() ? null : errors);
        return classify(base);
    }

    static ApstraHttpException classify(ApstraHttpException e) {
        int status = e.statusCode();
        String lower = e.errorText().toLowerCase(Locale.ROOT);
        if (status == 401 || status == 403) {
            return new ApstraAuthenticationException(e);
        }
        if (status == 404) {
            return new ApstraNotFoundException(e);
        }
        if (status == 409) {
            return new ApstraConflictException(e, lower.contains("already exists"));
        }
        if (status == 422) {
            if (lower.contains("already exists") || lower.contains("not unique") || lower.contains("overlaps with")) {
                return new ApstraConflictException(e, true);
            }
            if (lower.contains("no node with id")
                    || lower.contains("no virtual_network with id")
                    || lower.contains("does not exist")) {
                return new ApstraNotFoundException(e);
            }
        }
        return e;
    }
}
