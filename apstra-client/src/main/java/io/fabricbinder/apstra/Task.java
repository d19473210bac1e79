package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * An Apstra async task, {@code GET /api/blueprints/{id}/tasks/{taskId}}. A task can report
 * {@code succeeded} and still carry errors in {@code detailed_status}; {@link #isFailure()} treats
 * that as failure.
 *
 * @param id the task id
 * @param status "init", "in_progress", "succeeded", "failed" or "timeout"
 * @param type e.g. "blueprint.facade.POST./virtual-networks"
 * @param configBlueprintVersion the staging version after the task, when reported
 * @param errorCode {@code detailed_status.error_code}, 0 when absent
 * @param errorText {@code detailed_status.errors} as text, empty when absent
 */
public record Task(
        String id,
        String status,
        @Nullable String type,
        @Nullable Long configBlueprintVersion,
        int errorCode,
        String errorText) {

    /** Whether the task reached a final status. */
    public boolean isFinished() {
        return status.equals("succeeded") || status.equals("failed") || status.equals("timeout");
    }

    /** Whether the task failed, including a "succeeded" task that carries errors. */
    public boolean isFailure() {
        return status.equals("failed") || status.equals("timeout") || errorCode != 0 || !errorText.isEmpty();
    }
}
