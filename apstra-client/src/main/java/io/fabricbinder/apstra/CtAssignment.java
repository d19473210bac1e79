package io.fabricbinder.apstra;

import java.util.Objects;

/**
 * One change in a batch assignment: make {@code connectivityTemplateId} used (or unused) on
 * {@code applicationPointId}.
 *
 * @param applicationPointId the interface, LAG or ESI/MLAG aggregate node id
 * @param connectivityTemplateId the CT root policy id
 * @param used true to assign, false to unassign
 */
public record CtAssignment(String applicationPointId, String connectivityTemplateId, boolean used) {
    /** Validates. */
    public CtAssignment {
        Objects.requireNonNull(applicationPointId, "CtAssignment.applicationPointId");
        Objects.requireNonNull(connectivityTemplateId, "CtAssignment.connectivityTemplateId");
    }

    /** Assign the CT to the application point. */
    public static CtAssignment assign(String applicationPointId, String connectivityTemplateId) {
        return new CtAssignment(applicationPointId, connectivityTemplateId, true);
    }

    /** Unassign the CT from the application point. */
    public static CtAssignment unassign(String applicationPointId, String connectivityTemplateId) {
        return new CtAssignment(applicationPointId, connectivityTemplateId, false);
    }
}
