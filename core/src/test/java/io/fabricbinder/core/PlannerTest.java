package io.fabricbinder.core;

import static io.fabricbinder.core.Fixtures.link;
import static io.fabricbinder.core.Fixtures.mesh;
import static io.fabricbinder.core.Fixtures.nad;
import static io.fabricbinder.core.Fixtures.nodeState;
import static io.fabricbinder.core.Fixtures.pod;
import static io.fabricbinder.core.Fixtures.range;
import static io.fabricbinder.core.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.ipam.IpPrefix;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.sriov.NetworkStatus;
import io.fabricbinder.sriov.PciAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlannerTest {

    static final String PF0 = "0000:3b:00.0";
    static final String PF1 = "0000:3b:00.1";
    static final Map<String, String> BLUE = Map.of("tenant", "blue");

    final List<TopologyLink> links = List.of(
            link("w1", PF0, "leaf1", "xe-0/0/1"),
            link("w1", "ens1f1", "leaf2", "xe-0/0/1"),
            link("w2", PF0, "leaf1", "xe-0/0/2"),
            link("w2", "ens1f1", "leaf2", "xe-0/0/2"));

    InMemoryFabricGateway fabric;
    AddressBook book;
    FabricBinder binder;

    @BeforeEach
    void setUp() {
        fabric = new InMemoryFabricGateway();
        book = AddressBook.inMemory();
        binder = FabricBinder.builder().gateway(fabric).addressBook(book).build();
    }

    NetworkAttachmentDefinition web() {
        return nad("blue", "web", 100, 10100, BLUE, range("10.100.0.0/24", "10.100.0.1"));
    }

    NetworkAttachmentDefinition db() {
        return nad("blue", "db", 200, null, BLUE, range("10.200.0.0/24", "10.200.0.1"));
    }

    List<Object> seed() {
        return new ArrayList<>(List.of(
                web(),
                db(),
                mesh("blue", "mesh", BLUE),
                nodeState("w1", PF0, PF1),
                nodeState("w2", PF0, PF1),
                pod("blue", "web-0", "w1", PF0, "web", "db")));
    }

    static Optional<VirtualNetworkChange> net(Plan p, String name) {
        return p.virtualNetworks().stream()
                .filter(c -> c.network().name().equals(name))
                .findFirst();
    }

    static List<String> ports(Plan p, PortAction action) {
        return p.portBindings().stream()
                .filter(c -> c.action() == action)
                .map(c -> c.binding().leaf() + " " + c.binding().port() + " "
                        + c.binding().virtualNetwork() + " " + c.binding().pods())
                .toList();
    }

    @Test
    void seedWorkflowCreatesZoneNetworksPortsAndAddressesThenConverges() {
        ClusterSnapshot snap = snapshot(seed(), links);
        Plan plan = binder.plan(snap);

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.routingZones()).singleElement().satisfies(z -> {
            assertThat(z.action()).isEqualTo(ChangeAction.CREATE);
            assertThat(z.zone().name()).isEqualTo("blue/mesh");
            assertThat(z.zone().virtualNetworks()).containsExactly("blue/db", "blue/web");
        });
        VirtualNetworkSpec web = net(plan, "blue/web").orElseThrow().network();
        assertThat(web)
                .isEqualTo(new VirtualNetworkSpec(
                        "blue/web",
                        100,
                        10100,
                        IpPrefix.parse("10.100.0.0/24"),
                        null,
                        IpPrefix.parseAddress("10.100.0.1"),
                        null,
                        "blue/mesh"));
        assertThat(net(plan, "blue/db").orElseThrow().network().vni()).isBetween(100_000L, 999_999L);
        assertThat(ports(plan, PortAction.TAG))
                .containsExactly("leaf1 xe-0/0/1 blue/db [blue/web-0]", "leaf1 xe-0/0/1 blue/web [blue/web-0]");
        assertThat(plan.ipAllocations())
                .extracting(IpAllocationEntry::interfaceName, IpAllocationEntry::subnet, IpAllocationEntry::action)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "net1", IpPrefix.parse("10.100.0.0/24"), AllocationAction.ALLOCATE),
                        org.assertj.core.groups.Tuple.tuple(
                                "net2", IpPrefix.parse("10.200.0.0/24"), AllocationAction.ALLOCATE));

        ReconcileResult r = binder.reconcile(snap);
        assertThat(r.isSuccess()).isTrue();
        assertThat(r.allocated())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.address()).isNotNull());

        Plan again = binder.plan(snap);
        assertThat(again.hasChanges()).as(again.toText()).isFalse();
        assertThat(again.ipAllocations())
                .extracting(IpAllocationEntry::address)
                .containsExactlyElementsOf(
                        r.allocated().stream().map(IpAllocationEntry::address).toList());
    }

    /** The binder reuses the pool specs of its last plan only while a NAD's IPAM block is unchanged. */
    @Test
    void aChangedIpamBlockGetsANewPoolOnTheNextPlan() {
        ClusterSnapshot before = snapshot(seed(), links);
        List<Object> objects = seed();
        objects.set(0, nad("blue", "web", 100, 10100, BLUE, range("10.101.0.0/24", "10.101.0.1")));
        ClusterSnapshot after = snapshot(objects, links);

        Plan first = binder.plan(before);
        Plan changed = binder.plan(after);
        Plan back = binder.plan(before);

        FabricBinder fresh = FabricBinder.builder()
                .gateway(new InMemoryFabricGateway())
                .addressBook(AddressBook.inMemory())
                .build();
        assertThat(changed).isEqualTo(fresh.plan(after, FabricState.EMPTY));
        assertThat(back).isEqualTo(first);
        assertThat(changed.pools().keySet()).isNotEqualTo(first.pools().keySet());
        assertThat(changed.ipAllocations())
                .filteredOn(e -> e.virtualNetwork().equals("blue/web"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.subnet()).hasToString("10.101.0.0/24");
                    PoolSpec pool = changed.pools().get(e.pool());
                    assertThat(pool).isNotNull();
                    assertThat(pool.ranges().get(0).subnet()).isEqualTo("10.101.0.0/24");
                });
    }

    @Test
    void planHasNoSideEffects() {
        ClusterSnapshot snap = snapshot(seed(), links);
        binder.plan(snap);
        binder.plan(snap);
        assertThat(fabric.readOwnedState().isEmpty()).isTrue();
        assertThat(fabric.applyCount()).isZero();
        Plan p = binder.plan(snap);
        assertThat(book.allocations(p.pools().values().iterator().next())).isEmpty();
    }

    @Test
    void aNetworkNoRouterSelectsIsIsolatedWithoutGateway() {
        NetworkAttachmentDefinition lone = nad("ops", "lone", 300, "10.3.0.0/24", "10.3.0.1");
        Plan plan = binder.plan(snapshot(List.of(lone), links));

        VirtualNetworkSpec n = net(plan, "ops/lone").orElseThrow().network();
        assertThat(n.routingZone()).isNull();
        assertThat(n.ipv4Gateway()).isNull();
        assertThat(n.ipv4Subnet()).hasToString("10.3.0.0/24");
        assertThat(plan.routingZones()).extracting(c -> c.zone().name()).containsExactly(FabricNames.ISOLATED_ZONE);
    }

    @Test
    void aNetworkSelectedByTwoRoutersJoinsTheFirstAndWarns() {
        List<Object> objs = seed();
        objs.add(mesh("blue", "another", Map.of("tenant", "blue")));
        Plan plan = binder.plan(snapshot(objs, links));

        assertThat(net(plan, "blue/web").orElseThrow().network().routingZone()).isEqualTo("blue/another");
        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w.toString())
                        .contains("NetworkAttachmentDefinition blue/web")
                        .contains("[blue/another, blue/mesh]"));
    }

    @Test
    void routersSelectOnlyNetworksOfTheirOwnNamespace() {
        List<Object> objs = new ArrayList<>(List.of(web(), mesh("other", "mesh", BLUE)));
        Plan plan = binder.plan(snapshot(objs, links));
        assertThat(net(plan, "blue/web").orElseThrow().network().routingZone()).isNull();
    }

    @Test
    void autoVnisAreDeterministicStableAndAvoidPinnedOnes() {
        List<Object> objs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            objs.add(nad("ns", "n" + i, 100 + i, "10." + i + ".0.0/24", "10." + i + ".0.1"));
        }
        FabricBinder small = FabricBinder.builder()
                .gateway(new InMemoryFabricGateway())
                .addressBook(AddressBook.inMemory())
                .vniRange(5000, 5040)
                .build();
        Plan a = small.plan(snapshot(objs, links));
        Plan b = small.plan(snapshot(objs, links));
        assertThat(a).isEqualTo(b);
        List<Long> vnis =
                a.virtualNetworks().stream().map(c -> c.network().vni()).toList();
        assertThat(vnis).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(5000L, 5040L));

        // An existing network keeps its VNI whatever the allocation would now say.
        VirtualNetworkSpec have =
                new VirtualNetworkSpec("ns/n0", 100, 5039, IpPrefix.parse("10.0.0.0/24"), null, null, null, null);
        Plan withActual = small.plan(snapshot(objs, links), new FabricState(List.of(have), List.of(), List.of()));
        assertThat(net(withActual, "ns/n0").orElseThrow().network().vni()).isEqualTo(5039);
    }

    @Test
    void aVniUsedTwiceIsAnErrorOnBothNetworks() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, 7000, Map.of(), range("10.1.0.0/24", null));
        NetworkAttachmentDefinition b = nad("ns", "b", 101, 7000, Map.of(), range("10.2.0.0/24", null));
        Plan plan = binder.plan(snapshot(List.of(a, b), links));

        assertThat(plan.virtualNetworks()).isEmpty();
        assertThat(plan.errors())
                .extracting(d -> d.object().toString())
                .containsExactly("NetworkAttachmentDefinition ns/a", "NetworkAttachmentDefinition ns/b");
        assertThat(plan.errors().get(0).field()).isEqualTo("metadata.annotations[fabricbinder.io/vni]");
    }

    @Test
    void overlappingSubnetsInOneZoneAreAnErrorButFineWhenIsolated() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, null, BLUE, range("10.1.0.0/16", null));
        NetworkAttachmentDefinition b = nad("ns", "b", 101, null, BLUE, range("10.1.2.0/24", null));
        Plan routed = binder.plan(snapshot(List.of(a, b, mesh("ns", "m", BLUE)), links));
        assertThat(routed.errors())
                .extracting(d -> d.object().toString(), Diagnostic::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "NetworkAttachmentDefinition ns/a", "spec.config.ipam.subnet"),
                        org.assertj.core.groups.Tuple.tuple(
                                "NetworkAttachmentDefinition ns/b", "spec.config.ipam.subnet"));
        assertThat(routed.virtualNetworks()).isEmpty();

        Plan isolated = binder.plan(snapshot(List.of(a, b), links));
        assertThat(isolated.errors()).isEmpty();
        assertThat(isolated.virtualNetworks()).hasSize(2);
    }

    @Test
    void overlappingIpv6SubnetsArePrintedInCanonicalForm() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, null, BLUE, range("2001:db8::/116", null));
        NetworkAttachmentDefinition b = nad("ns", "b", 101, null, BLUE, range("2001:db8::/120", null));

        Plan routed = binder.plan(snapshot(List.of(a, b, mesh("ns", "m", BLUE)), links));

        assertThat(routed.errors())
                .first()
                .satisfies(e -> assertThat(e.message())
                        .isEqualTo("subnet overlaps ns/b (2001:db8::/116 / 2001:db8::/120) in routing zone ns/m"));
        assertThat(routed.toText()).doesNotContain(":0:0:");
    }

    @Test
    void twoNetworksWithOneVlanOnOnePortAreAnErrorAndNeitherIsTaggedThere() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        NetworkAttachmentDefinition b = nad("ns", "b", 100, "10.2.0.0/24", "10.2.0.1");
        Plan plan = binder.plan(snapshot(
                List.of(
                        a,
                        b,
                        nodeState("w1", PF0),
                        nodeState("w2", PF0),
                        pod("ns", "p1", "w1", PF0, "a"),
                        pod("ns", "p2", "w1", PF0, "b"),
                        pod("ns", "p3", "w2", PF0, "a")),
                links));

        assertThat(plan.errors())
                .extracting(d -> d.object().toString(), Diagnostic::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("NetworkAttachmentDefinition ns/a", "spec.config.vlan"),
                        org.assertj.core.groups.Tuple.tuple("NetworkAttachmentDefinition ns/b", "spec.config.vlan"));
        assertThat(plan.errors().get(0).message()).contains("leaf1 xe-0/0/1").contains("10.2.0.0/24");
        // Other ports of the same networks proceed.
        assertThat(ports(plan, PortAction.TAG)).containsExactly("leaf1 xe-0/0/2 ns/a [ns/p3]");
    }

    @Test
    void portIsTaggedOnTheFirstPodAndUntaggedAfterTheLast() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod p1 = pod("ns", "p1", "w1", PF0, "a");
        Pod p2 = pod("ns", "p2", "w1", PF0, "a");
        binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), p1), links));

        Plan second = binder.plan(snapshot(List.of(a, nodeState("w1", PF0), p1, p2), links));
        assertThat(ports(second, PortAction.UNCHANGED)).containsExactly("leaf1 xe-0/0/1 ns/a [ns/p1, ns/p2]");
        binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), p1, p2), links));

        Plan oneLeft = binder.plan(snapshot(List.of(a, nodeState("w1", PF0), p2), links));
        assertThat(ports(oneLeft, PortAction.UNTAG)).isEmpty();
        assertThat(ports(oneLeft, PortAction.UNCHANGED)).containsExactly("leaf1 xe-0/0/1 ns/a [ns/p2]");

        Plan none = binder.plan(snapshot(List.of(a, nodeState("w1", PF0)), links));
        assertThat(ports(none, PortAction.UNTAG)).containsExactly("leaf1 xe-0/0/1 ns/a []");
        assertThat(net(none, "ns/a").orElseThrow().action()).isEqualTo(ChangeAction.UNCHANGED);
    }

    @Test
    void terminatingAndFinishedPodsDoNotHoldPorts() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod p1 = Fixtures.terminating(pod("ns", "p1", "w1", PF0, "a"));
        Pod p2 = Fixtures.phase(pod("ns", "p2", "w2", PF0, "a"), "Succeeded");
        Pod p3 = new Pod(
                "ns",
                "p3",
                "u3",
                null,
                "Pending",
                null,
                Map.of(),
                List.of(new Pod.NetworkSelection(null, "a", null, List.of(), null)),
                List.of());
        Plan plan = binder.plan(snapshot(List.of(a, nodeState("w1", PF0), nodeState("w2", PF0), p1, p2, p3), links));
        assertThat(plan.portBindings()).isEmpty();
        assertThat(plan.errors()).isEmpty();
        // The pending pod gets its address ahead of scheduling; the others get none.
        assertThat(plan.ipAllocations()).extracting(IpAllocationEntry::pod).containsExactly("ns/p3");
        assertThat(plan.ipAllocations().get(0).interfaceName()).isEqualTo("net1");
    }

    @Test
    void aPodWhoseVfIsNotKnownYetBindsEveryPortOfThePfsBehindItsResource() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod early = pod("ns", "early", "w1", null, "a");
        Plan plan = binder.plan(snapshot(List.of(a, nodeState("w1", PF0, PF1), early), links));
        assertThat(ports(plan, PortAction.TAG))
                .containsExactly("leaf1 xe-0/0/1 ns/a [ns/early]", "leaf2 xe-0/0/1 ns/a [ns/early]");
    }

    @Test
    void aVfWithoutPfAddressIsFoundThroughTheNodeStateAndMatchedByPfName() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod p = new Pod(
                "ns",
                "p",
                "u",
                "w1",
                "Running",
                null,
                Map.of(),
                List.of(new Pod.NetworkSelection(null, "a", null, List.of(), null)),
                List.of(new NetworkStatus(
                        "ns/a",
                        "net1",
                        List.of(),
                        null,
                        false,
                        new NetworkStatus.DeviceInfo(
                                "pci",
                                "1.1.0",
                                new NetworkStatus.Pci(PciAddress.parse("0000:3b:0a.3"), null, null, null, null)))));
        var state = new io.fabricbinder.core.manifest.SriovNetworkNodeState(
                "sriov",
                "w1",
                null,
                List.of(io.fabricbinder.core.manifest.SriovNetworkNodeState.physicalFunction(
                        PciAddress.parse(PF1),
                        "ens1f1",
                        null,
                        null,
                        null,
                        4,
                        8,
                        List.of(io.fabricbinder.core.manifest.SriovNetworkNodeState.virtualFunction(
                                3, PciAddress.parse("0000:3b:0a.3"), null)))),
                List.of());
        Plan plan = binder.plan(snapshot(List.of(a, state, p), links));
        assertThat(ports(plan, PortAction.TAG)).containsExactly("leaf2 xe-0/0/1 ns/a [ns/p]");
    }

    @Test
    void anUnmappablePodIsAnErrorOnThePodAndFreezesUntagsOfItsNetwork() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod p1 = pod("ns", "p1", "w1", PF0, "a");
        binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), p1), links));

        // p1 moved to a node the topology does not know: its old port must not be untagged blindly.
        Pod moved = pod("ns", "p1", "w9", PF0, "a");
        Plan plan = binder.plan(snapshot(List.of(a, moved), links));
        assertThat(plan.errors()).singleElement().satisfies(e -> {
            assertThat(e.object().toString()).isEqualTo("Pod ns/p1");
            assertThat(e.message()).contains("no topology link for node w9");
        });
        assertThat(ports(plan, PortAction.UNTAG)).isEmpty();
        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w.message()).contains("no port of this network is untagged"));
    }

    @Test
    void aNadThatBecomesInvalidKeepsItsNetworkAndPortsButDeletingItRemovesThem() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod p1 = pod("ns", "p1", "w1", PF0, "a");
        binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), p1), links));

        Diagnostic bad = new Diagnostic(
                ObjectRef.of("NetworkAttachmentDefinition", "ns", "a"),
                "spec.config.vlan",
                "VLAN 5000 is out of range 0..4094");
        Plan invalid = binder.plan(snapshot(List.of(nodeState("w1", PF0), p1), links, bad));
        assertThat(invalid.hasFabricChanges()).as(invalid.toText()).isFalse();
        assertThat(net(invalid, "ns/a").orElseThrow().action()).isEqualTo(ChangeAction.UNCHANGED);
        assertThat(ports(invalid, PortAction.UNCHANGED)).hasSize(1);
        assertThat(invalid.errors())
                .containsExactly(new Diagnostic(
                        ObjectRef.of("NetworkAttachmentDefinition", "ns", "a"),
                        "spec.config.vlan",
                        "VLAN 5000 is out of range 0..4094"));

        Plan deleted = binder.plan(snapshot(List.of(nodeState("w1", PF0), p1), links));
        assertThat(net(deleted, "ns/a").orElseThrow().action()).isEqualTo(ChangeAction.DELETE);
        assertThat(ports(deleted, PortAction.UNTAG)).hasSize(1);
        assertThat(deleted.routingZones())
                .singleElement()
                .satisfies(z -> assertThat(z.action()).isEqualTo(ChangeAction.DELETE));
        // The only NAD going removes everything FabricBinder owns: the deletion guard wants it explicit.
        assertThat(binder.apply(deleted).status()).isEqualTo(ApplyResult.Status.REFUSED);
        FabricBinder explicit = FabricBinder.builder()
                .gateway(fabric)
                .addressBook(book)
                .allowBulkDelete(true)
                .build();
        ReconcileResult r = explicit.apply(deleted);
        assertThat(r.fabric().status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(fabric.readOwnedState().isEmpty()).isTrue();
    }

    @Test
    void aNetworkWithoutVlanIsAnErrorAndKeepsWhatItHad() {
        NetworkAttachmentDefinition noVlan =
                new NetworkAttachmentDefinition("ns", "a", Map.of(), Fixtures.RESOURCE, true, null, null, 0, null);
        Plan plan = binder.plan(snapshot(List.of(noVlan), links));
        assertThat(plan.errors()).singleElement().satisfies(e -> {
            assertThat(e.object().toString()).isEqualTo("NetworkAttachmentDefinition ns/a");
            assertThat(e.field()).isEqualTo("spec.config.vlan");
        });
        VirtualNetworkSpec have = new VirtualNetworkSpec("ns/a", 100, 5000, null, null, null, null, null);
        Plan kept = binder.plan(snapshot(List.of(noVlan), links), new FabricState(List.of(have), List.of(), List.of()));
        assertThat(net(kept, "ns/a").orElseThrow().action()).isEqualTo(ChangeAction.UNCHANGED);
    }

    @Test
    void anExhaustedPoolFailsOnlyTheAttachmentsThatDoNotFit() {
        // A /30 has two usable addresses.
        NetworkAttachmentDefinition tiny = nad("ns", "tiny", 100, null, Map.of(), range("10.9.0.0/30", null));
        List<Object> objs = new ArrayList<>(List.of(tiny, nodeState("w1", PF0)));
        for (int i = 0; i < 3; i++) {
            objs.add(pod("ns", "p" + i, "w1", PF0, "tiny"));
        }
        ReconcileResult r = binder.reconcile(snapshot(objs, links));
        assertThat(r.plan().errors()).singleElement().satisfies(e -> {
            assertThat(e.object().toString()).isEqualTo("Pod ns/p2");
            assertThat(e.field()).isEqualTo("metadata.annotations[k8s.v1.cni.cncf.io/networks][0]");
            assertThat(e.message()).contains("no address left");
        });
        assertThat(r.allocated()).extracting(IpAllocationEntry::pod).containsExactly("ns/p0", "ns/p1");
        // The port is still tagged for the pods (the fabric does not depend on the address).
        assertThat(ports(r.plan(), PortAction.TAG)).containsExactly("leaf1 xe-0/0/1 ns/tiny [ns/p0, ns/p1, ns/p2]");

        // p0 leaves: its address is released and p2 fits.
        objs.remove(2);
        Plan next = binder.plan(snapshot(objs, links));
        assertThat(next.ipAllocations())
                .extracting(IpAllocationEntry::pod, IpAllocationEntry::action)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("ns/p0", AllocationAction.RELEASE),
                        org.assertj.core.groups.Tuple.tuple("ns/p1", AllocationAction.UNCHANGED));
    }

    @Test
    void dualStackAttachmentsHaveTwoEntriesAndTheNetworkBothSubnets() {
        NetworkAttachmentDefinition ds =
                nad("ns", "ds", 100, null, BLUE, range("10.5.0.0/24", "10.5.0.1"), range("fd00:5::/64", "fd00:5::1"));
        List<Object> objs = List.of(ds, mesh("ns", "m", BLUE), nodeState("w1", PF0), pod("ns", "p", "w1", PF0, "ds"));
        ReconcileResult r = binder.reconcile(snapshot(objs, links));
        VirtualNetworkSpec n = net(r.plan(), "ns/ds").orElseThrow().network();
        assertThat(n.isDualStack()).isTrue();
        assertThat(n.ipv6Gateway()).isEqualTo(IpPrefix.parseAddress("fd00:5::1"));
        assertThat(n.ipv6Subnet()).hasToString("fd00:5::/64");
        assertThat(r.allocated()).hasSize(2);
        assertThat(r.allocated().get(0).cidr()).startsWith("10.5.0.");
        assertThat(binder.plan(snapshot(objs, links)).hasChanges()).isFalse();
    }

    /** A pod of {@link Fixtures#pod} whose single selection requests {@code ips} (NPWG §4.1.2). */
    static Pod withIps(Pod p, String... ips) {
        Pod.NetworkSelection s = p.networks().get(0);
        return new Pod(
                p.namespace(),
                p.name(),
                p.uid(),
                p.nodeName(),
                p.phase(),
                p.deletionTimestamp(),
                p.labels(),
                List.of(new Pod.NetworkSelection(s.namespace(), s.name(), s.interfaceName(), List.of(ips), s.mac())),
                p.networkStatus());
    }

    @Test
    void aRequestedAddressIsPlannedAndGranted() {
        NetworkAttachmentDefinition ds =
                nad("ns", "ds", 100, null, BLUE, range("10.5.0.0/24", "10.5.0.1"), range("fd00:5::/64", "fd00:5::1"));
        Pod p = withIps(pod("ns", "p", "w1", PF0, "ds"), "10.5.0.77/24");
        List<Object> objs = List.of(ds, nodeState("w1", PF0), p);

        Plan plan = binder.plan(snapshot(objs, links));
        assertThat(plan.errors()).isEmpty();
        assertThat(plan.ipAllocations())
                .extracting(IpAllocationEntry::cidr, IpAllocationEntry::action)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("10.5.0.77/24", AllocationAction.ALLOCATE),
                        org.assertj.core.groups.Tuple.tuple(null, AllocationAction.ALLOCATE));

        assertThat(plan.toText()).contains("+ allocate ns/p net1 ns/ds 10.5.0.77/24 (requested)");

        ReconcileResult r = binder.reconcile(snapshot(objs, links));
        assertThat(r.isSuccess()).isTrue();
        assertThat(r.allocated()).extracting(IpAllocationEntry::cidr).first().isEqualTo("10.5.0.77/24");
        assertThat(r.allocated().get(1).cidr()).startsWith("fd00:5::");
        assertThat(binder.plan(snapshot(objs, links)).hasChanges()).isFalse();
    }

    @Test
    void aRequestOutsideTheRangesIsAnErrorOnThatAttachmentAndAllocatesNothing() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod good = pod("ns", "good", "w1", PF0, "a");
        Pod bad = withIps(pod("ns", "bad", "w1", PF0, "a"), "10.2.0.5");
        Pod gateway = withIps(pod("ns", "gw", "w1", PF0, "a"), "10.1.0.1");

        ReconcileResult r = binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), good, bad, gateway), links));

        assertThat(r.plan().errors())
                .extracting(d -> d.object().toString(), Diagnostic::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "Pod ns/bad", "metadata.annotations[k8s.v1.cni.cncf.io/networks][0].ips"),
                        org.assertj.core.groups.Tuple.tuple(
                                "Pod ns/gw", "metadata.annotations[k8s.v1.cni.cncf.io/networks][0].ips"));
        assertThat(r.plan().errors().get(0).message())
                .startsWith("requested address 10.2.0.5 is outside the ranges of pool fb-a-");
        assertThat(r.plan().errors().get(1).message()).startsWith("requested address 10.1.0.1 is reserved");
        assertThat(r.allocated()).extracting(IpAllocationEntry::pod).containsExactly("ns/good");
        // The invalid pods' ports are still tagged: only their addresses are withheld.
        assertThat(ports(r.plan(), PortAction.TAG)).containsExactly("leaf1 xe-0/0/1 ns/a [ns/bad, ns/good, ns/gw]");
    }

    @Test
    void aRequestedAddressHeldByAnotherPodIsAnErrorAndTheHolderKeepsIt() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod first = withIps(pod("ns", "first", "w1", PF0, "a"), "10.1.0.50");
        ReconcileResult r1 = binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), first), links));
        assertThat(r1.allocated()).extracting(IpAllocationEntry::cidr).containsExactly("10.1.0.50/24");

        Pod second = withIps(pod("ns", "second", "w1", PF0, "a"), "10.1.0.50");
        ReconcileResult r2 = binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), first, second), links));

        assertThat(r2.plan().errors()).singleElement().satisfies(e -> {
            assertThat(e.object().toString()).isEqualTo("Pod ns/second");
            assertThat(e.message())
                    .startsWith(
                            "requested address 10.1.0.50 for interface net1 in ns/a is held by ns/first/uid-first/net1");
        });
        assertThat(r2.allocated()).isEmpty();
        assertThat(r2.plan().ipAllocations())
                .extracting(IpAllocationEntry::pod, IpAllocationEntry::action)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ns/first", AllocationAction.UNCHANGED));
    }

    @Test
    void twoPodsRequestingOneFreeAddressInOnePlanGetItOnceTheOtherFailsAtApply() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod x = withIps(pod("ns", "x", "w1", PF0, "a"), "10.1.0.60");
        Pod y = withIps(pod("ns", "y", "w1", PF0, "a"), "10.1.0.60");

        ReconcileResult r = binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), x, y), links));

        assertThat(r.allocated()).extracting(IpAllocationEntry::pod).containsExactly("ns/x");
        assertThat(r.allocationErrors()).singleElement().satisfies(f -> {
            assertThat(f.object().toString()).isEqualTo("Pod ns/y");
            assertThat(f.message()).contains("is held by ns/x/uid-x/net1");
        });
    }

    @Test
    void poolsAreNamedFromTheCniNetworkNameAsTheCniPluginSeesIt() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        // No CNI config name: Multus uses the NAD name, and so does the pool.
        PoolSpec pool = Planner.poolSpec(a, Objects.requireNonNull(a.ipam()));
        assertThat(pool).isEqualTo(Objects.requireNonNull(a.ipam()).pool("a"));
        NetworkAttachmentDefinition named = new NetworkAttachmentDefinition(
                "other-ns",
                "a-copy",
                Map.of(),
                null,
                true,
                null,
                new io.fabricbinder.core.manifest.CniConfig("1.0.0", "a", false, List.of()),
                100,
                a.ipam());
        assertThat(Planner.poolSpec(named, Objects.requireNonNull(named.ipam())))
                .isEqualTo(pool);
    }

    @Test
    void invalidPodsKeepTheirAddresses() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod p = pod("ns", "p", "w1", PF0, "a");
        binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), p), links));
        Diagnostic bad = new Diagnostic(
                ObjectRef.of("Pod", "ns", "p"), "metadata.annotations[k8s.v1.cni.cncf.io/networks][0]", "bad");
        Plan plan = binder.plan(snapshot(List.of(a, nodeState("w1", PF0)), links, bad));
        assertThat(plan.ipAllocations()).noneMatch(e -> e.action() == AllocationAction.RELEASE);
    }

    @Test
    void aChangedVlanUpdatesTheNetworkAndKeepsItsPorts() {
        NetworkAttachmentDefinition a = nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1");
        Pod p = pod("ns", "p", "w1", PF0, "a");
        binder.reconcile(snapshot(List.of(a, nodeState("w1", PF0), p), links));
        NetworkAttachmentDefinition a2 = nad("ns", "a", 222, "10.1.0.0/24", "10.1.0.1");
        Plan plan = binder.plan(snapshot(List.of(a2, nodeState("w1", PF0), p), links));
        VirtualNetworkChange c = net(plan, "ns/a").orElseThrow();
        assertThat(c.action()).isEqualTo(ChangeAction.UPDATE);
        VirtualNetworkSpec before = c.before();
        assertThat(before).isNotNull();
        assertThat(before.vlan()).isEqualTo(100);
        assertThat(plan.portBindings()).extracting(PortBindingChange::action).containsExactly(PortAction.UNCHANGED);
        binder.apply(plan);
        assertThat(binder.plan(snapshot(List.of(a2, nodeState("w1", PF0), p), links))
                        .hasChanges())
                .isFalse();
    }
}
