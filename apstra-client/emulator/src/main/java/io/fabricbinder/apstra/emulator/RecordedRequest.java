package io.fabricbinder.apstra.emulator;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request the emulator received, for assertions in tests. Login passwords are redacted and
 * the {@code AuthToken} header is never recorded.
 *
 * @param at when it arrived (the emulator's clock)
 * @param method HTTP method
 * @param path request path without the query
 * @param query raw query string, or empty
 * @param endpoint the endpoint template, e.g. {@code POST /api/blueprints/{bp}/virtual-networks}
 * @param body the request body text, or {@code null} when empty
 * @param status the status sent back, or {@code -1} when the connection was dropped
 */
public record RecordedRequest(
        Instant at,
        String method,
        String path,
        String query,
        String endpoint,
        @Nullable String body,
        int status) {
    /** Validates the required parts. */
    public RecordedRequest {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(endpoint, "endpoint");
    }
}
