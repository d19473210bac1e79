package io.fabricbinder.core.topology;

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

    /** True if {@link #nic()} is a PCI address ({@code dddd:bb:dd.f}). */
    public boolean isPciAddress() {
        return isPci(nic);
    }

    static boolean isPci(String s) {
        if (s.length() != 12 || s.charAt(4) != ':' || s.charAt(7) != ':' || s.charAt(10) != '.') {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            if (i == 4 || i == 7 || i == 10) {
                continue;
            }
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return s.charAt(11) >= '0' && s.charAt(11) <= '7';
    }

    private static void check(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
