package io.fabricbinder.apstra.emulator;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A virtual network as the emulator holds it in one stage, for assertions.
 *
 * @param id the VN node id
 * @param label the VN label
 * @param vnType {@code vxlan}, {@code vlan} or {@code disabled}
 * @param vni the VNI (Apstra's {@code vn_id}, a string), or {@code null} for non-VXLAN
 * @param securityZoneId the routing zone id, or {@code null}
 * @param vlanBySystem bound leaf or redundancy-group label to the VLAN id used there
 */
public record VirtualNetworkView(
        String id,
        String label,
        String vnType,
        @Nullable String vni,
        @Nullable String securityZoneId,
        Map<String, Integer> vlanBySystem) {
    /** Validates and copies. */
    public VirtualNetworkView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(vnType, "vnType");
        vlanBySystem = Map.copyOf(vlanBySystem);
    }
}
