package io.fabricbinder.apstra.emulator;

import java.util.Objects;

/**
 * A VLAN carried on a physical leaf port because a connectivity template with a VLAN primitive is
 * assigned to the port (or to the LAG / ESI aggregate the port belongs to).
 *
 * @param leaf the leaf label, e.g. {@code leaf1}
 * @param port the leaf interface name, e.g. {@code xe-0/0/10}
 * @param vlanId the VLAN id the virtual network uses on that leaf
 * @param virtualNetworkId the VN node id
 * @param virtualNetworkLabel the VN label
 * @param tagged {@code true} for 802.1Q tagged, {@code false} for untagged
 */
public record PortVlan(
        String leaf, String port, int vlanId, String virtualNetworkId, String virtualNetworkLabel, boolean tagged) {
    /** Validates the parts. */
    public PortVlan {
        Objects.requireNonNull(leaf, "leaf");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(virtualNetworkId, "virtualNetworkId");
        Objects.requireNonNull(virtualNetworkLabel, "virtualNetworkLabel");
    }
}
