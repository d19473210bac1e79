package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/blueprints/{id}/deploy}.
 *
 * @param state "success" or "failure" (other values while in progress)
 * @param version the version the state refers to
 * @param error Apstra's error text on failure, or null
 */
public record DeployStatus(
        @Nullable String state, long version, @Nullable String error) {}
