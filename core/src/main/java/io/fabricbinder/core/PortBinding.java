package io.fabricbinder.core;

import java.util.List;
import java.util.Objects;

/**
 * A virtual network tagged on one leaf port, with the pods that need it.
 *
 * <p>In the desired state {@link #pods()} lists every pod (as {@code namespace/name}) behind the
 * port that uses the network; the port is tagged while that list is non-empty. In the actual state
 * read from the fabric, pods are unknown and the list is empty. Identity is {@link #key()}: leaf,
 * port and network. Immutable and thread-safe.
 *
 * @param leaf the leaf label
 * @param port the leaf interface name, e.g. {@code xe-0/0/10}
 * @param virtualNetwork the network name, {@code namespace/nad}
 * @param vlan the VLAN tag
 * @param pods the pods behind the port using the network, sorted
 */
public record PortBinding(String leaf, String port, String virtualNetwork, int vlan, List<String> pods)
        implements Comparable<PortBinding> {

    /** Validates and copies; sorts the pods. */
    public PortBinding {
        Objects.requireNonNull(leaf, "leaf");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(virtualNetwork, "virtualNetwork");
        pods = sortedDistinct(pods);
    }

    /** The identity of the binding. */
    public Key key() {
        return new Key(leaf, port, virtualNetwork);
    }

    /** This binding with another pod list. */
    public PortBinding withPods(List<String> newPods) {
        return new PortBinding(leaf, port, virtualNetwork, vlan, newPods);
    }

    @Override
    public int compareTo(PortBinding o) {
        int c = leaf.compareTo(o.leaf);
        if (c == 0) {
            c = port.compareTo(o.port);
        }
        return c != 0 ? c : virtualNetwork.compareTo(o.virtualNetwork);
    }

    private static List<String> sortedDistinct(List<String> pods) {
        for (int i = 1; i < pods.size(); i++) {
            if (pods.get(i - 1).compareTo(pods.get(i)) >= 0) {
                return pods.stream().sorted().distinct().toList();
            }
        }
        return List.copyOf(pods);
    }

    /**
     * Identity of a port binding.
     *
     * @param leaf the leaf label
     * @param port the leaf interface
     * @param virtualNetwork the network name
     */
    public record Key(String leaf, String port, String virtualNetwork) {
        /** Validates. */
        public Key {
            Objects.requireNonNull(leaf, "leaf");
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(virtualNetwork, "virtualNetwork");
        }
    }
}
