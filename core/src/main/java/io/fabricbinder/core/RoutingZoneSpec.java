package io.fabricbinder.core;

import java.util.List;
import java.util.Objects;

/**
 * One fabric routing zone (VRF) owned by FabricBinder: one per mesh VirtualNetworkRouter (named
 * after it, {@code namespace/name}), plus {@link FabricNames#ISOLATED_ZONE} for networks no router
 * selects.
 *
 * <p>Example: {@code new RoutingZoneSpec("tenant-blue/blue-mesh", List.of("tenant-blue/blue-db",
 * "tenant-blue/blue-web"))}. Immutable and thread-safe.
 *
 * @param name the zone name
 * @param virtualNetworks the member network names, sorted
 */
public record RoutingZoneSpec(String name, List<String> virtualNetworks) {

    /** Validates and copies; sorts the members. */
    public RoutingZoneSpec {
        Objects.requireNonNull(name, "name");
        virtualNetworks = virtualNetworks.stream().sorted().distinct().toList();
    }

    /** The Apstra label and VRF name, {@link FabricNames#routingZoneLabel(String)} of the name. */
    public String label() {
        return FabricNames.routingZoneLabel(name);
    }

    /** True for the zone of isolated networks (no gateways). */
    public boolean isIsolated() {
        return FabricNames.ISOLATED_ZONE.equals(name);
    }
}
