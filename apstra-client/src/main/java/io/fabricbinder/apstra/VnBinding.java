package io.fabricbinder.apstra;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One {@code bound_to} entry of a virtual network: where the VN is instantiated. Bind the
 * redundancy-group id of an ESI/MLAG leaf pair, not its member leaf ids.
 *
 * @param systemId a leaf system node id, or a redundancy_group node id for a leaf pair
 * @param accessSwitchNodeIds access switches (or access pairs) below that leaf
 * @param vlanId the VLAN on this leaf, 1..4094; null lets Apstra choose. Apstra may return null
 *     here on reads; treat a read value as advisory.
 */
public record VnBinding(
        String systemId,
        List<String> accessSwitchNodeIds,
        @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Integer vlanId) {
    /** Validates and copies. */
    public VnBinding {
        Objects.requireNonNull(systemId, "VnBinding.systemId");
        accessSwitchNodeIds = accessSwitchNodeIds == null ? List.of() : List.copyOf(accessSwitchNodeIds);
        if (vlanId != null && (vlanId < 1 || vlanId > 4094)) {
            throw new IllegalArgumentException(
                    "VnBinding for system " + systemId + ": vlanId must be 1..4094, got " + vlanId);
        }
    }

    /** A binding of one leaf or redundancy group with the given VLAN and no access switches. */
    public static VnBinding of(String systemId, @Nullable Integer vlanId) {
        return new VnBinding(systemId, List.of(), vlanId);
    }
}
