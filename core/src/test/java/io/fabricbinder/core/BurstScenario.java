package io.fabricbinder.core;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.core.apstra.EmulatorClients;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologyLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A burst of pod creations against the Apstra emulator, shared by {@link BurstBenchmark} and
 * {@code BurstAgainstEmulatorTest}.
 *
 * <p>The emulator's blueprint has two leafs and {@code nodes} single-homed servers {@code node-0
 * ...}: server {@code i} is cabled from {@code ens1f0} to {@code leaf1} (even {@code i}) or {@code
 * leaf2} (odd), port {@code xe-0/0/(i/2)}. The cluster has {@code networks} extended NADs {@code
 * burst/net-k} (VLAN 300+k, 10.(100+k).0.0/16) selected by one mesh VirtualNetworkRouter, one
 * SR-IOV PF per node (PCI {@value #PF}) and the static topology that matches the emulator's
 * cabling. Pod {@code i} is attached to network {@code i % networks} and runs on node {@code (i /
 * networks) % nodes} with its VF known (network-status device-info), so a burst of {@code pods >=
 * nodes * networks} pods needs exactly {@code nodes * networks} (port, network) bindings whatever
 * the pod count.
 *
 * @param pods pods in the burst
 * @param nodes nodes (and leaf ports) the pods are spread over
 * @param networks extended networks the pods are spread over
 */
record BurstScenario(int pods, int nodes, int networks) {

    static final String NS = "burst";
    static final String PF = "0000:3b:00.0";
    static final String NIC = "ens1f0";
    static final int FIRST_VLAN = 300;
    static final List<String> LEAFS = List.of("leaf1", "leaf2");

    BurstScenario {
        if (pods < 1 || nodes < 1 || networks < 1 || networks > 100) {
            throw new IllegalArgumentException("BurstScenario: pods, nodes >= 1 and networks in 1..100, got " + pods
                    + ", " + nodes + ", " + networks);
        }
    }

    static String node(int i) {
        return "node-" + i;
    }

    static String leaf(int node) {
        return LEAFS.get(node % LEAFS.size());
    }

    static String port(int node) {
        return "xe-0/0/" + node / LEAFS.size();
    }

    static String network(int k) {
        return "net-" + k;
    }

    int nodeOf(int pod) {
        return (pod / networks) % nodes;
    }

    int networkOf(int pod) {
        return pod % networks;
    }

    /** The (leaf, port, VLAN) triples the burst needs tagged, as "leaf port vlan". */
    Set<String> expectedTags() {
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < pods; i++) {
            int n = nodeOf(i);
            out.add(tag(leaf(n), port(n), FIRST_VLAN + networkOf(i)));
        }
        return out;
    }

    /** Distinct leaf ports the burst needs. */
    int distinctPorts() {
        return Math.min(nodes, (pods + networks - 1) / networks);
    }

    static String tag(String leaf, String port, int vlan) {
        return leaf + " " + port + " " + vlan;
    }

    /** The tags on the emulator's deployed blueprint for VNs whose label starts with {@code labelPrefix}. */
    static Set<String> deployedTags(ApstraEmulator apstra, String labelPrefix) {
        Set<String> out = new TreeSet<>();
        for (PortVlan p : apstra.taggedVlans(Stage.DEPLOYED)) {
            if (p.virtualNetworkLabel().startsWith(labelPrefix) && p.tagged()) {
                out.add(tag(p.leaf(), p.port(), p.vlanId()));
            }
        }
        return out;
    }

    /** Starts an emulator (HTTP on 127.0.0.1, a port chosen at run time) with the scenario's cabling. */
    ApstraEmulator startEmulator() {
        io.fabricbinder.apstra.emulator.Topology.Builder t =
                io.fabricbinder.apstra.emulator.Topology.builder().spine("spine1");
        LEAFS.forEach(t::leaf);
        for (int i = 0; i < nodes; i++) {
            t.cable(node(i), NIC, leaf(i), port(i));
        }
        return ApstraEmulator.builder()
                .apstraVersion("6.2.0")
                .topology(t.build())
                .start();
    }

    /**
     * A client for the emulator. The emulator finishes every task and deploy at once, so the client's
     * poll pauses (100 ms before the first task poll) are skipped for both approaches alike: the
     * figures then measure calls and work, not fixed sleeps.
     */
    static ApstraClient client(ApstraEmulator apstra) {
        return EmulatorClients.builder(apstra).sleeper(d -> {}).build();
    }

    Topology topology() {
        List<TopologyLink> links = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            links.add(new TopologyLink(node(i), PF, leaf(i), port(i)));
        }
        return Topology.of(links);
    }

    List<SriovNetworkNodeState> nodeStates() {
        List<SriovNetworkNodeState> out = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            out.add(Fixtures.nodeState(node(i), PF));
        }
        return out;
    }

    List<NetworkAttachmentDefinition> nads() {
        List<NetworkAttachmentDefinition> out = new ArrayList<>();
        for (int k = 0; k < networks; k++) {
            NetworkAttachmentDefinition n = Fixtures.nad(
                    NS,
                    network(k),
                    FIRST_VLAN + k,
                    String.format(Locale.ROOT, "10.%d.0.0/16", 100 + k),
                    String.format(Locale.ROOT, "10.%d.0.1", 100 + k));
            out.add(Fixtures.labelled(n, Map.of("fabricbinder.io/mesh", "burst")));
        }
        return out;
    }

    VirtualNetworkRouter router() {
        return Fixtures.mesh(NS, "burst-mesh", Map.of("fabricbinder.io/mesh", "burst"));
    }

    Pod pod(int i) {
        return Fixtures.pod(NS, String.format(Locale.ROOT, "pod-%05d", i), node(nodeOf(i)), PF, network(networkOf(i)));
    }

    List<Pod> podList() {
        List<Pod> out = new ArrayList<>(pods);
        for (int i = 0; i < pods; i++) {
            out.add(pod(i));
        }
        return out;
    }

    /** The difference of two emulator call-count maps ({@code after - before}), without zero entries. */
    static Map<String, Integer> delta(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> out = new TreeMap<>();
        after.forEach((k, v) -> {
            int d = v - before.getOrDefault(k, 0);
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    static final String DEPLOY = "PUT /api/blueprints/{bp}/deploy";

    /**
     * What one approach cost for one burst.
     *
     * @param approach a short name
     * @param scenario the burst
     * @param setupCalls Apstra calls made before the burst (networks, zone), per endpoint
     * @param burstCalls Apstra calls made for the burst, per endpoint
     * @param commitCycles lock-change-commit cycles started (reconciles that applied, or pods)
     * @param wallNanos wall time of the burst, from its first event to the fabric deployed
     * @param threadCpuNanos CPU time of the thread that talked to Apstra during the burst
     * @param processCpuNanos CPU time of the whole JVM (emulator included) during the burst
     * @param missingTags needed tags not on the deployed blueprint afterwards
     * @param extraTags tags on the deployed blueprint that the burst does not need
     */
    record Measurement(
            String approach,
            BurstScenario scenario,
            Map<String, Integer> setupCalls,
            Map<String, Integer> burstCalls,
            long commitCycles,
            long wallNanos,
            long threadCpuNanos,
            long processCpuNanos,
            Set<String> missingTags,
            Set<String> extraTags) {

        Measurement {
            setupCalls = Map.copyOf(setupCalls);
            burstCalls = Map.copyOf(new TreeMap<>(burstCalls));
            missingTags = Set.copyOf(missingTags);
            extraTags = Set.copyOf(extraTags);
        }

        int deploys() {
            return burstCalls.getOrDefault(DEPLOY, 0);
        }

        int calls() {
            return total(burstCalls);
        }

        int calls(String endpoint) {
            return burstCalls.getOrDefault(endpoint, 0);
        }

        boolean converged() {
            return missingTags.isEmpty() && extraTags.isEmpty();
        }

        String summary() {
            return String.format(
                    Locale.ROOT,
                    "%-9s pods=%d nodes/ports=%d networks=%d bindings=%d: deploys=%d calls=%d commit-cycles=%d"
                            + " wall=%.0f ms thread-cpu=%.0f ms process-cpu=%.0f ms tagged=%s",
                    approach,
                    scenario.pods(),
                    scenario.distinctPorts(),
                    scenario.networks(),
                    scenario.expectedTags().size(),
                    deploys(),
                    calls(),
                    commitCycles,
                    wallNanos / 1e6,
                    threadCpuNanos / 1e6,
                    processCpuNanos / 1e6,
                    converged()
                            ? "all " + scenario.expectedTags().size()
                            : "MISSING " + missingTags.size() + " EXTRA " + extraTags.size());
        }
    }
}
