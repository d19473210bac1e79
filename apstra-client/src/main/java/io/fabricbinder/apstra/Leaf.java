package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * A leaf switch of a blueprint.
 *
 * @param id the system node id
 * @param label the label
 * @param hostname the hostname, or null
 * @param redundancyGroupId the ESI/MLAG redundancy group the leaf belongs to, or null; bind VNs to
 *     this id rather than to the member leafs
 */
public record Leaf(
        String id,
        @Nullable String label,
        @Nullable String hostname,
        @Nullable String redundancyGroupId) {}
