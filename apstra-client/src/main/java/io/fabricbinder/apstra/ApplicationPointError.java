package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * One rejected item of a connectivity-template batch assignment.
 *
 * @param applicationPointId the application point's node id (resolved from Apstra's index when
 *     Apstra reported by position), or null when Apstra's error named no point
 * @param connectivityTemplateId the template Apstra complained about, or null when not named
 * @param message Apstra's reason, e.g. "Not a valid application point"
 * @param conflictingTemplateId the already-assigned template that conflicts, when Apstra said so
 */
public record ApplicationPointError(
        @Nullable String applicationPointId,
        @Nullable String connectivityTemplateId,
        String message,
        @Nullable String conflictingTemplateId) {}
