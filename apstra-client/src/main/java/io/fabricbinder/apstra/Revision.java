package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * One deployed revision, {@code GET /api/blueprints/{id}/revisions}.
 *
 * @param revisionId the revision number as Apstra sends it (a string holding an integer)
 * @param description the commit description
 * @param createdAt Apstra's timestamp text
 * @param user who deployed it
 * @param autoSaved whether Apstra saved it automatically
 * @param userSaved whether a user saved it
 */
public record Revision(
        String revisionId,
        @Nullable String description,
        @Nullable String createdAt,
        @Nullable String user,
        boolean autoSaved,
        boolean userSaved) {}
