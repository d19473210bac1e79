package io.fabricbinder.apstra;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Route-target import and export lists of a VN or routing zone.
 *
 * @param importRouteTargets {@code import_RTs}
 * @param exportRouteTargets {@code export_RTs}
 */
public record RtPolicy(
        @JsonProperty("import_RTs") List<String> importRouteTargets,
        @JsonProperty("export_RTs") List<String> exportRouteTargets) {
    /** Copies; null reads as empty. */
    public RtPolicy {
        importRouteTargets = importRouteTargets == null ? List.of() : List.copyOf(importRouteTargets);
        exportRouteTargets = exportRouteTargets == null ? List.of() : List.copyOf(exportRouteTargets);
    }
}
