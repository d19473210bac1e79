package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/blueprints/{id}/diff-status}.
 *
 * @param status "undeployed", "in_progress", "completed", "deploying" or "initializing"
 * @param stagingVersion the staging version
 * @param deployedVersion the deployed (active) version
 * @param deployStatus e.g. "success"
 * @param deployError Apstra's deploy error as text, or null
 */
public record DiffStatus(
        @Nullable String status,
        long stagingVersion,
        long deployedVersion,
        @Nullable String deployStatus,
        @Nullable String deployError) {

    /** Whether staging holds changes that are not deployed. */
    public boolean hasUndeployedChanges() {
        return stagingVersion != deployedVersion;
    }
}
