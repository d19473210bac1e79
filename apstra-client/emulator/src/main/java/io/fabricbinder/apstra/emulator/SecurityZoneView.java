package io.fabricbinder.apstra.emulator;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A security (routing) zone as the emulator holds it in one stage, for assertions.
 *
 * @param id the zone node id
 * @param label the zone label
 * @param vrfName the VRF name
 * @param szType {@code evpn}, or {@code l3_fabric} for the built-in default zone
 * @param vniId the L3 VNI, or {@code null}
 */
public record SecurityZoneView(
        String id,
        String label,
        String vrfName,
        String szType,
        @Nullable Integer vniId) {
    /** Validates the parts. */
    public SecurityZoneView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(vrfName, "vrfName");
        Objects.requireNonNull(szType, "szType");
    }
}
