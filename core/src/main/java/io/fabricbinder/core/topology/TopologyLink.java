package io.fabricbinder.core.topology;

import io.fabricbinder.sriov.PciAddress;
import java.util.Objects;

/**
 * One cable: a node's NIC (physical function) to a leaf port.
 *
 * <p>Example: {@code new TopologyLink("worker-1", "ens1f0", "leaf1", "xe-0/0/10")}. Immutable and
 * thread-safe.
 *
 * @param node the Kubernetes node name
 * @param nic the PF: interface name ({@code ens1f0}) or PCI address ({@code 0000:3b:00.0})
 * @param leaf the Apstra leaf label
 * @param port the leaf interface name
 */
public record TopologyLink(String node, String nic, String leaf, String port) {

    /** Validates: every part non-empty. */
    public TopologyLink {
        check(node, "node");
        check(nic, "nic");
        check(leaf, "leaf");
        check(port, "port");
    }

    /** True if {@link #nic()} is a PCI address ({@code dddd:bb:dd.f}, as {@link PciAddress} parses them). */
    public boolean isPciAddress() {
        return PciAddress.isValid(nic);
    }

    /**
     * The NIC as a lookup key: a PCI address in its canonical form (so {@code 0000:3B:00.1} and
     * {@code 0000:3b:00.1} are one NIC), an interface name as it is.
     */
    static String nicKey(String nic) {
        return PciAddress.isValid(nic) ? PciAddress.parse(nic).toString() : nic;
    }

    private static void check(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
