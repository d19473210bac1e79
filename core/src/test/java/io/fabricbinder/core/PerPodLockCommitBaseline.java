package io.fabricbinder.core;

import io.fabricbinder.apstra.ApplicationPoint;
import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.CtAssignment;
import io.fabricbinder.apstra.Leaf;
import io.fabricbinder.apstra.MutexLock;
import io.fabricbinder.apstra.RoutingZone;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.apstra.VnBinding;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.core.BurstScenario.Measurement;
import io.fabricbinder.core.manifest.Pod;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The approach FabricBinder replaces, implemented with the same apstra-client against the same
 * emulator: a per-pod script that, for every pod creation event, takes the cooperative blueprint
 * mutex, looks up the application point (leaf port) facing the pod's node and NIC, assigns the
 * network's tagged-VLAN connectivity template to that one port ({@code obj-policy-batch-apply} with
 * one entry), deploys, and releases the mutex.
 *
 * <p>It is given every advantage: the routing zone, the networks (bound to every leaf) and their
 * connectivity templates are created once before the burst (setup, counted apart), their ids are
 * kept between events, and the apstra-client deploy skips the {@code PUT deploy} when the
 * assignment changed nothing (a second pod on a port already tagged). So its lock, lookup and
 * assignment calls grow with pods, its deploys with the (port, network) pairs the pods add.
 */
final class PerPodLockCommitBaseline {

    static final String LABEL_PREFIX = "perpod-";

    private PerPodLockCommitBaseline() {}

    static Measurement run(BurstScenario s) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Duration timeout = Duration.ofSeconds(30);
        try (ApstraEmulator apstra = s.startEmulator();
                ApstraClient client = BurstScenario.client(apstra)) {
            BlueprintClient bp = client.blueprint(apstra.blueprintId());

            // Setup, once: zone, networks bound to every leaf, one tagged-VLAN template each.
            String zone = bp.routingZones().create(RoutingZone.evpn(LABEL_PREFIX + "mesh", LABEL_PREFIX + "mesh"));
            List<Leaf> leafs = bp.graph().leafs();
            List<String> templates = new ArrayList<>();
            for (int k = 0; k < s.networks(); k++) {
                int vlan = BurstScenario.FIRST_VLAN + k;
                String label = LABEL_PREFIX + BurstScenario.network(k);
                String vn = bp.virtualNetworks()
                        .create(VirtualNetwork.vxlan(label, zone)
                                .vnId(30_000L + k)
                                .boundTo(leafs.stream()
                                        .map(l -> VnBinding.of(l.id(), vlan))
                                        .toList())
                                .build());
                templates.add(bp.connectivityTemplates().createTaggedVlan(label + "-tagged", vn));
            }
            bp.deploy(LABEL_PREFIX + "setup", timeout);
            Map<String, Integer> before = apstra.callCounts();

            // The burst: lock, change, commit, release per pod.
            List<Pod> pods = s.podList();
            long threadCpu0 = mx.getCurrentThreadCpuTime();
            long processCpu0 = BurstBenchmark.processCpu();
            long t0 = System.nanoTime();
            for (int i = 0; i < pods.size(); i++) {
                Pod pod = pods.get(i);
                String node = Objects.requireNonNull(pod.nodeName(), "the scenario schedules every pod");
                try (MutexLock lock = bp.mutex().lock(LABEL_PREFIX + "script: pod " + pod.key(), timeout)) {
                    ApplicationPoint port = bp.graph()
                            .applicationPointFacing(node, BurstScenario.NIC)
                            .orElseThrow(() -> new IllegalStateException("no leaf port faces " + node));
                    bp.connectivityTemplates()
                            .apply(List.of(CtAssignment.assign(port.id(), templates.get(s.networkOf(i)))));
                    bp.deploy(LABEL_PREFIX + "script: pod " + pod.key() + " (lock " + lock.tagId() + ")", timeout);
                }
            }
            long wall = System.nanoTime() - t0;
            long threadCpu = mx.getCurrentThreadCpuTime() - threadCpu0;
            long processCpu = BurstBenchmark.processCpu() - processCpu0;
            Map<String, Integer> burst = BurstScenario.delta(before, apstra.callCounts());

            Set<String> deployed = BurstScenario.deployedTags(apstra, LABEL_PREFIX);
            Set<String> expected = s.expectedTags();
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(deployed);
            Set<String> extra = new TreeSet<>(deployed);
            extra.removeAll(expected);
            if (apstra.hasUncommittedChanges() || !apstra.designTagLabels().isEmpty()) {
                throw new IllegalStateException("staging not deployed or blueprint mutex not released");
            }
            return new Measurement(
                    "per-pod", s, before, burst, pods.size(), wall, threadCpu, processCpu, missing, extra);
        }
    }
}
