package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code GET /api/blueprints}: the cheap way to read a blueprint's staging version.
 *
 * @param id the blueprint id
 * @param label the blueprint name
 * @param status Apstra's status text, e.g. "succeeded"
 * @param design "two_stage_l3clos", "freeform" or "rail_collapsed"
 * @param hasUncommittedChanges whether staging differs from the deployed blueprint
 * @param version the staging version; goes up with every staging change
 * @param lastModifiedAt Apstra's timestamp text
 * @param buildErrorsCount build errors in staging; a deploy with errors is refused
 * @param buildWarningsCount build warnings in staging
 */
public record BlueprintSummary(
        String id,
        @Nullable String label,
        @Nullable String status,
        @Nullable String design,
        boolean hasUncommittedChanges,
        long version,
        @Nullable String lastModifiedAt,
        int buildErrorsCount,
        int buildWarningsCount) {}
