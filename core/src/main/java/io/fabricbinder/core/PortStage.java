package io.fabricbinder.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The port binding stage's shared pieces: the (leaf, port, network) order of bindings, the counting
 * sort of the full planner, and the VLAN conflict rule (two networks wanting one VLAN on one port).
 */
final class PortStage {

    private PortStage() {}

    /** A leaf port and VLAN: two networks wanting the same one conflict. */
    record PortVlan(String leaf, String port, int vlan) {}

    static final Comparator<PortBinding.Key> BY_NETWORK =
            (a, b) -> a.virtualNetwork().compareTo(b.virtualNetwork());

    /** The errors of keys (two or more, sorted by network) that want one VLAN on one port. */
    static List<Diagnostic> conflictErrors(List<PortBinding.Key> keys, Map<String, VirtualNetworkSpec> nets) {
        List<Diagnostic> out = new ArrayList<>();
        for (PortBinding.Key k : keys) {
            List<String> others = new ArrayList<>();
            for (PortBinding.Key o : keys) {
                if (!o.equals(k)) {
                    VirtualNetworkSpec on = nets.get(o.virtualNetwork());
                    others.add(o.virtualNetwork() + " (subnet " + (on == null ? "none" : on.primarySubnet()) + ")");
                }
            }
            VirtualNetworkSpec mine =
                    Objects.requireNonNull(nets.get(k.virtualNetwork()), "conflicting key of an unknown network");
            out.add(new Diagnostic(
                    Planner.nadRef(k.virtualNetwork()),
                    "spec.config.vlan",
                    "VLAN " + mine.vlan() + " on " + k.leaf() + " " + k.port() + " is also wanted by " + others
                            + " (this network's subnet " + mine.primarySubnet()
                            + "); one port carries a VLAN for one network only, so neither is tagged there"));
        }
        return out;
    }

    /** Compares a binding with a key in the plan's port order (leaf, port, network). */
    static int compare(PortBinding b, PortBinding.Key k) {
        int c = b.leaf().compareTo(k.leaf());
        if (c == 0) {
            c = b.port().compareTo(k.port());
        }
        return c != 0 ? c : b.virtualNetwork().compareTo(k.virtualNetwork());
    }

    /** (port rank, network rank, pod index) triples, put in order by two stable counting sorts. */
    static final class Triples {
        private int[] data = new int[3 * 1024];
        private int size;

        void add(int port, int net, int pod) {
            if (3 * size + 3 > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[3 * size] = port;
            data[3 * size + 1] = net;
            data[3 * size + 2] = pod;
            size++;
        }

        int port(int i) {
            return data[3 * i];
        }

        int net(int i) {
            return data[3 * i + 1];
        }

        int pod(int i) {
            return data[3 * i + 2];
        }

        /**
         * The triple indexes sorted by port rank, then network rank, then insertion order; ranks are
         * below {@code portCount} and {@code netCount}.
         */
        int[] order(int portCount, int netCount) {
            int[] byNet = new int[size];
            int[] start = new int[netCount + 1];
            for (int i = 0; i < size; i++) {
                start[net(i) + 1]++;
            }
            for (int r = 0; r < netCount; r++) {
                start[r + 1] += start[r];
            }
            for (int i = 0; i < size; i++) {
                byNet[start[net(i)]++] = i;
            }
            int[] out = new int[size];
            start = new int[portCount + 1];
            for (int i = 0; i < size; i++) {
                start[port(i) + 1]++;
            }
            for (int r = 0; r < portCount; r++) {
                start[r + 1] += start[r];
            }
            for (int i : byNet) {
                out[start[port(i)]++] = i;
            }
            return out;
        }
    }
}
