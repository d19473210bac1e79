package io.fabricbinder.apstra;

import org.jspecify.annotations.Nullable;

/**
 * The top-level fields of {@code GET /api/blueprints/{id}} (the staging graph; its nodes and
 * relationships are not kept).
 *
 * @param id the blueprint id
 * @param label the name
 * @param design "two_stage_l3clos", "freeform" or "rail_collapsed"
 * @param version the staging version
 * @param lastModifiedAt Apstra's timestamp text
 * @param configBlueprintVersion {@code source_versions.config_blueprint}, or null when absent
 */
public record Blueprint(
        String id,
        @Nullable String label,
        @Nullable String design,
        long version,
        @Nullable String lastModifiedAt,
        @Nullable Long configBlueprintVersion) {

    /** Whether this is a datacenter (two-stage L3 Clos) blueprint, the kind this client manages. */
    public boolean isDatacenter() {
        return "two_stage_l3clos".equals(design);
    }
}
