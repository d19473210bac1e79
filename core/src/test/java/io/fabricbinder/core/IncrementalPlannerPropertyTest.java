package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.manifest.LabelSelector;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.sriov.NetworkStatus;
import io.fabricbinder.sriov.PciAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The incremental plan of {@link EventDrivenReconciler#plan()} equals a from-scratch {@link
 * FabricBinder#plan(ClusterSnapshot)} of the same state after every event of random event sequences:
 * pods added, replaced (new UID), updated (VF becoming known, phase changes, deletion timestamps,
 * moved to a node without SR-IOV state or cabling), deleted; occasionally NADs changed (VLAN clashes,
 * tiny pools that run out, extension switched off), VNRs added and removed, and reconciles that apply
 * the plan to an {@link InMemoryFabricGateway} and the in-memory IPAM. The seed is printed; rerun
 * one with {@code -Dfabricbinder.seed=<seed>} (and {@code -Dfabricbinder.runs=1}).
 */
class IncrementalPlannerPropertyTest {

    private static final long SEED = TestSeed.announce("IncrementalPlannerPropertyTest");
    private static final int RUNS = Integer.getInteger("fabricbinder.runs", 20);
    private static final int EVENTS = Integer.getInteger("fabricbinder.events", 150);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "incremental-test-scheduler");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void incrementalPlanEqualsFullPlanAfterEveryEvent() {
        TestSeed.forEachRun(SEED, RUNS, "event", this::check);
    }

    private void check(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ClusterGenerator g = new ClusterGenerator(1 + r.nextInt(10), 1 + r.nextInt(8), r.nextInt(40));
        ClusterSnapshot snap = g.generate(r);
        FabricBinder binder = FabricBinder.builder()
                .gateway(new InMemoryFabricGateway())
                .addressBook(AddressBook.inMemory())
                .build();
        // A window of a day: the scheduled reconcile never runs; reconcileNow() applies instead.
        EventDrivenReconciler events = binder.eventDriven(scheduler, Duration.ofDays(1), x -> {});
        snap.manifests().nads().forEach(events::upsert);
        snap.manifests().virtualNetworkRouters().forEach(events::upsert);
        snap.manifests().nodeStates().forEach(events::upsert);
        snap.manifests().pods().forEach(events::upsert);
        events.topology(snap.topology());
        if (r.nextBoolean()) {
            events.reconcileNow();
        }
        assertSame(events, binder, "initial");

        List<NetworkAttachmentDefinition> nads =
                new ArrayList<>(snap.manifests().nads());
        int nextPod = g.pods;
        for (int i = 0; i < EVENTS; i++) {
            String what;
            int dice = r.nextInt(100);
            List<Pod> pods = events.snapshot().manifests().pods();
            Pod some = pods.isEmpty() ? null : pods.get(r.nextInt(pods.size()));
            if (dice < 25 || some == null) {
                Pod p = g.pod(r, r.nextInt(3) == 0 ? nextPod++ : r.nextInt(nextPod + 1), nads, "-e" + i);
                what = "upsert new/replaced pod " + p.key() + " uid " + p.uid();
                events.upsert(p);
            } else if (dice < 40) {
                Pod p = withStatus(some, r);
                what = "VF known for " + p.key();
                events.upsert(p);
            } else if (dice < 50) {
                String phase =
                        List.of("Running", "Succeeded", "Failed", "Pending").get(r.nextInt(4));
                what = "phase " + phase + " for " + some.key();
                events.upsert(copy(some, some.nodeName(), phase, some.deletionTimestamp(), some.networkStatus()));
            } else if (dice < 58) {
                what = "deletion timestamp on " + some.key();
                events.upsert(copy(some, some.nodeName(), some.phase(), Instant.EPOCH, some.networkStatus()));
            } else if (dice < 63) {
                // A node without SR-IOV state or cabling: the attachment cannot be mapped.
                what = "move " + some.key() + " to an uncabled node";
                events.upsert(copy(some, "worker-uncabled", "Running", null, some.networkStatus()));
            } else if (dice < 78) {
                what = "delete pod " + some.key();
                events.delete(Pod.KIND, some.namespace(), some.name());
            } else if (dice < 84) {
                what = "reconcile";
                ReconcileResult result = events.reconcileNow();
                assertThat(result.fabric().toString()).isNotNull();
            } else if (dice < 92 && !nads.isEmpty()) {
                int k = r.nextInt(nads.size());
                NetworkAttachmentDefinition n = changed(nads.get(k), nads, r);
                nads.set(k, n);
                what = "NAD changed " + n.key() + " vlan " + n.vlan() + " extend " + n.extendToFabric();
                events.upsert(n);
            } else if (dice < 95 && !nads.isEmpty()) {
                NetworkAttachmentDefinition n = nads.remove(r.nextInt(nads.size()));
                what = "NAD deleted " + n.key();
                events.delete(NetworkAttachmentDefinition.KIND, n.namespace(), n.name());
            } else {
                String ns = "ns" + r.nextInt(5);
                String group = "g" + r.nextInt(4);
                if (r.nextBoolean()) {
                    what = "VNR added " + ns + "/mesh-" + group;
                    events.upsert(new VirtualNetworkRouter(
                            ns,
                            "mesh-" + group,
                            "fabricbinder.io/v1alpha1",
                            Map.of(),
                            VirtualNetworkRouter.Type.MESH,
                            new LabelSelector(Map.of("group", group), List.of())));
                } else {
                    what = "VNR deleted " + ns + "/mesh-" + group;
                    events.delete(VirtualNetworkRouter.KIND, ns, "mesh-" + group);
                }
            }
            assertSame(events, binder, "event " + i + ": " + what);
        }
    }

    /** The incremental plan and a from-scratch plan of the same state render identically and are equal. */
    private static void assertSame(EventDrivenReconciler events, FabricBinder binder, String after) {
        Plan incremental = events.plan();
        Plan full = binder.plan(events.snapshot());
        assertThat(incremental.toJson()).as("JSON after " + after).isEqualTo(full.toJson());
        assertThat(incremental.toText()).as("text after " + after).isEqualTo(full.toText());
        assertThat(incremental).as("plan after " + after).isEqualTo(full);
        assertThat(incremental.hasChanges()).isEqualTo(full.hasChanges());
    }

    private static Pod copy(
            Pod p,
            @Nullable String node,
            @Nullable String phase,
            @Nullable Instant deletion,
            List<NetworkStatus> status) {
        return new Pod(p.namespace(), p.name(), p.uid(), node, phase, deletion, p.labels(), p.networks(), status);
    }

    /** The pod with its VFs reported (same UID): network-status with device-info for each network. */
    private static Pod withStatus(Pod p, SplittableRandom r) {
        List<NetworkStatus> status = new ArrayList<>();
        int k = 0;
        for (Pod.NetworkSelection sel : p.networks()) {
            int pf = r.nextInt(2);
            String vf = String.format(Locale.ROOT, "0000:3b:%02x.%d", 2 + k++, pf);
            status.add(new NetworkStatus(
                    sel.nadKey(p.namespace()),
                    sel.interfaceName(),
                    List.of(),
                    null,
                    false,
                    new NetworkStatus.DeviceInfo(
                            "pci",
                            "1.1.0",
                            new NetworkStatus.Pci(
                                    PciAddress.parse(vf),
                                    PciAddress.parse(ClusterGenerator.pfPci(pf)),
                                    null,
                                    null,
                                    null))));
        }
        String node = p.nodeName() != null ? p.nodeName() : ClusterGenerator.node(0);
        return copy(p, node, "Running", p.deletionTimestamp(), status);
    }

    /** A NAD changed: a VLAN taken from another NAD (clash), a tiny pool, or extension toggled. */
    private static NetworkAttachmentDefinition changed(
            NetworkAttachmentDefinition n, List<NetworkAttachmentDefinition> all, SplittableRandom r) {
        int kind = r.nextInt(3);
        Integer vlan = n.vlan();
        boolean extend = n.extendToFabric();
        IpamBlock ipam = n.ipam();
        if (kind == 0) {
            vlan = all.get(r.nextInt(all.size())).vlan();
        } else if (kind == 1 && ipam != null) {
            String subnet = ipam.ranges().get(0).subnet();
            String prefix = subnet.substring(0, subnet.lastIndexOf('.') + 1);
            ipam = new IpamBlock(
                    IpamBlock.TYPE,
                    List.of(new IpRange(subnet, prefix + "10", prefix + (10 + r.nextInt(3)), List.of(), prefix + "1")),
                    List.of(),
                    null,
                    List.of());
        } else {
            extend = !extend;
        }
        return new NetworkAttachmentDefinition(
                n.namespace(), n.name(), n.labels(), n.resourceName(), extend, n.vni(), n.cniConfig(), vlan, ipam);
    }
}
