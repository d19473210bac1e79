package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.sriov.NetworkStatus;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Planner properties over generated clusters. The seed is printed; rerun one with {@code
 * -Dfabricbinder.seed=<seed>} (and {@code -Dfabricbinder.runs=1}).
 */
class PlannerPropertyTest {

    private static final long SEED = TestSeed.announce("PlannerPropertyTest");
    private static final int RUNS = Integer.getInteger("fabricbinder.runs", 50);

    @Test
    void plannerPropertiesHoldOnGeneratedClusters() {
        TestSeed.forEachRun(SEED, RUNS, "cluster", PlannerPropertyTest::check);
    }

    private static void check(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ClusterGenerator g = new ClusterGenerator(1 + r.nextInt(30), 1 + r.nextInt(15), r.nextInt(80));
        ClusterSnapshot snap = g.generate(r);
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        FabricBinder binder = FabricBinder.builder()
                .gateway(fabric)
                .addressBook(AddressBook.inMemory())
                .build();

        Plan plan = binder.plan(snap);
        // Deterministic: same inputs, equal plan and identical renderings.
        Plan twice = binder.plan(snap);
        assertThat(twice).isEqualTo(plan);
        assertThat(twice.toJson()).isEqualTo(plan.toJson());
        assertThat(plan.errors())
                .as("a valid generated cluster plans without errors")
                .isEmpty();

        checkPorts(snap, plan);

        ReconcileResult result = binder.apply(plan);
        assertThat(result.isSuccess()).as(result.fabric().toString()).isTrue();
        Plan after = binder.plan(snap);
        assertThat(after.hasChanges())
                .as("planning again after apply:\n" + after.toText())
                .isFalse();
        checkAddressesUnique(after);

        // Churn, converge again, and the properties still hold.
        ClusterSnapshot churned = ClusterGenerator.churn(snap, r, g);
        Plan p2 = binder.plan(churned);
        checkPorts(churned, p2);
        assertThat(binder.apply(p2).isSuccess()).isTrue();
        Plan p3 = binder.plan(churned);
        assertThat(p3.hasChanges()).as("after churn:\n" + p3.toText()).isFalse();
        checkAddressesUnique(p3);
    }

    private static boolean active(Pod p) {
        return !p.isTerminating() && !"Succeeded".equals(p.phase()) && !"Failed".equals(p.phase());
    }

    /** Every running attachment's port is tagged; no tagged port lacks a pod of that network behind it. */
    private static void checkPorts(ClusterSnapshot snap, Plan plan) {
        Map<PortBinding.Key, Set<String>> tagged = new HashMap<>();
        for (PortBindingChange c : plan.portBindings()) {
            if (c.action() != PortAction.UNTAG) {
                tagged.put(c.binding().key(), new HashSet<>(c.binding().pods()));
                assertThat(c.binding().pods())
                        .as("tagged without pods: " + c.binding())
                        .isNotEmpty();
            }
        }
        Map<PortBinding.Key, Set<String>> expected = new HashMap<>();
        for (Pod p : snap.manifests().pods()) {
            String node = p.nodeName();
            if (!active(p) || node == null) {
                continue;
            }
            for (Pod.NetworkSelection sel : p.networks()) {
                String nadKey = sel.nadKey(p.namespace());
                NetworkAttachmentDefinition nad =
                        snap.manifests().findNad(p.namespace(), sel.name()).orElseThrow();
                if (!nad.extendToFabric()) {
                    continue;
                }
                List<TopologyLink> links = p.networkStatus().stream()
                        .filter(s -> s.name().equals(nadKey) && Objects.equals(sel.interfaceName(), s.interfaceName()))
                        .map(s -> {
                            String pfPci = generatedPfPci(s);
                            return snap.topology()
                                    .findLink(node, null, io.fabricbinder.sriov.PciAddress.parse(pfPci))
                                    .or(() -> snap.topology().findLink(node, "ens1f" + pfPci.charAt(11), null))
                                    .orElseThrow();
                        })
                        .toList();
                if (links.isEmpty()) {
                    links = snap.topology().linksOf(node);
                }
                for (TopologyLink l : links) {
                    expected.computeIfAbsent(new PortBinding.Key(l.leaf(), l.port(), nadKey), k -> new HashSet<>())
                            .add(p.key());
                }
            }
        }
        assertThat(tagged).isEqualTo(expected);
    }

    /** The PF PCI address of a network status: the generator always reports it, in device-info. */
    private static String generatedPfPci(NetworkStatus s) {
        NetworkStatus.DeviceInfo info = Objects.requireNonNull(s.deviceInfo(), "generated status without device-info");
        NetworkStatus.Pci pci = Objects.requireNonNull(info.pci(), "generated device-info without pci");
        return Objects.requireNonNull(pci.pfPciAddress(), "generated pci without pf-pci-address")
                .toString();
    }

    private static void checkAddressesUnique(Plan plan) {
        Set<InetAddress> seen = new HashSet<>();
        for (IpAllocationEntry e : plan.ipAllocations()) {
            assertThat(e.action()).isEqualTo(AllocationAction.UNCHANGED);
            InetAddress address = e.address();
            assertThat(address).as("address of " + e).isNotNull();
            assertThat(seen.add(address)).as("address used twice: " + e).isTrue();
        }
    }
}
