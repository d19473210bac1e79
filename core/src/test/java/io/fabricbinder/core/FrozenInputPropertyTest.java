package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 6: for any snapshot and any set of its objects made invalid or unreadable, the plan
 * deletes, untags and releases nothing that the plan of the valid snapshot keeps. Seeded; the seed
 * is printed (rerun with {@code -Dfabricbinder.seed=<seed>}).
 */
class FrozenInputPropertyTest {

    private static final long SEED = TestSeed.announce("FrozenInputPropertyTest");
    private static final int RUNS = Integer.getInteger("fabricbinder.runs", 60);

    @Test
    void invalidOrUnreadableObjectsNeverRemoveWhatTheValidSnapshotKeeps() {
        TestSeed.forEachRun(SEED, RUNS, "cluster", FrozenInputPropertyTest::check);
    }

    private static void check(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ClusterGenerator g = new ClusterGenerator(1 + r.nextInt(20), 1 + r.nextInt(10), r.nextInt(60));
        ClusterSnapshot valid = g.generate(r);
        FabricBinder binder = FabricBinder.builder()
                .gateway(new InMemoryFabricGateway())
                .addressBook(AddressBook.inMemory())
                .build();
        assertThat(binder.apply(binder.plan(valid)).isSuccess()).isTrue();
        // Some churn, so that the valid plan has deletions, untags and releases of its own.
        ClusterSnapshot churned = ClusterGenerator.churn(valid, r, g);
        Plan keep = binder.plan(churned);

        ClusterSnapshot broken = breakSome(churned, r);
        Plan plan = binder.plan(broken);

        Set<String> deletedNets = names(keep, ChangeAction.DELETE);
        for (VirtualNetworkChange c : plan.virtualNetworks()) {
            if (c.action() == ChangeAction.DELETE) {
                assertThat(deletedNets)
                        .as("network %s deleted", c.network().name())
                        .contains(c.network().name());
            }
        }
        Set<String> deletedZones = keep.routingZones().stream()
                .filter(c -> c.action() == ChangeAction.DELETE)
                .map(c -> c.zone().name())
                .collect(Collectors.toSet());
        for (RoutingZoneChange c : plan.routingZones()) {
            if (c.action() == ChangeAction.DELETE) {
                assertThat(deletedZones)
                        .as("zone %s deleted", c.zone().name())
                        .contains(c.zone().name());
            }
        }
        Set<PortBinding.Key> untagged = keep.portBindings().stream()
                .filter(c -> c.action() == PortAction.UNTAG)
                .map(c -> c.binding().key())
                .collect(Collectors.toSet());
        for (PortBindingChange c : plan.portBindings()) {
            if (c.action() == PortAction.UNTAG) {
                assertThat(untagged)
                        .as("%s untagged", c.binding().key())
                        .contains(c.binding().key());
            }
        }
        Set<String> released = keep.ipAllocations().stream()
                .filter(e -> e.action() == AllocationAction.RELEASE)
                .map(e -> e.pod() + " " + e.interfaceName() + " " + e.cidr())
                .collect(Collectors.toSet());
        for (IpAllocationEntry e : plan.ipAllocations()) {
            if (e.action() == AllocationAction.RELEASE) {
                assertThat(released).as("%s released", e).contains(e.pod() + " " + e.interfaceName() + " " + e.cidr());
            }
        }
    }

    private static Set<String> names(Plan p, ChangeAction action) {
        return p.virtualNetworks().stream()
                .filter(c -> c.action() == action)
                .map(c -> c.network().name())
                .collect(Collectors.toSet());
    }

    /** The snapshot with a random subset of its objects replaced by errors (invalid or unreadable). */
    static ClusterSnapshot breakSome(ClusterSnapshot s, SplittableRandom r) {
        ManifestSet m = s.manifests();
        ManifestSet.Builder b = ManifestSet.builder();
        double p = r.nextDouble() * 0.3;
        int doc = 0;
        for (NetworkAttachmentDefinition nad : m.nads()) {
            if (r.nextDouble() >= p) {
                b.add(nad);
            } else if (r.nextInt(4) == 0) {
                b.unreadable(new Diagnostic(
                        ObjectRef.document("gen.yaml#" + ++doc), "", "syntax error (line 1, column 1): x"));
            } else {
                b.error(new Diagnostic(nad.ref(), "spec.config", "bad"));
            }
        }
        for (Pod pod : m.pods()) {
            if (r.nextDouble() >= p) {
                b.add(pod);
            } else if (r.nextInt(6) == 0) {
                b.unreadable(new Diagnostic(
                        ObjectRef.document("gen.yaml#" + ++doc), "", "syntax error (line 1, column 1): x"));
            } else {
                b.error(new Diagnostic(pod.ref(), "metadata.uid", "bad"));
                String node = pod.nodeName();
                // As the converter records it: the node if readable, else unknown.
                b.invalidPod(
                        new ManifestSet.InvalidPod(pod.ref(), r.nextInt(3) == 0 ? null : node == null ? "" : node));
            }
        }
        for (VirtualNetworkRouter vnr : m.virtualNetworkRouters()) {
            if (r.nextDouble() >= p) {
                b.add(vnr);
            } else {
                b.error(new Diagnostic(vnr.ref(), "spec.type", "bad"));
            }
        }
        m.nodeStates().forEach(b::add);
        return new ClusterSnapshot(b.build(), s.topology());
    }
}
