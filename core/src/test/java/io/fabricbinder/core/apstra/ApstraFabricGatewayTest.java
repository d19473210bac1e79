package io.fabricbinder.core.apstra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.CtAssignment;
import io.fabricbinder.apstra.RoutingZone;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.apstra.VnBinding;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.SecurityZoneView;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.VirtualNetworkView;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.FabricNames;
import io.fabricbinder.core.FabricState;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.PortBinding;
import io.fabricbinder.core.RoutingZoneSpec;
import io.fabricbinder.core.VirtualNetworkSpec;
import io.fabricbinder.ipam.IpPrefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end against the Apstra emulator over HTTP (default topology: leaf1, leaf2 and worker-1..3):
 * plans are built from desired and read states, applied, and checked on the emulator's deployed
 * blueprint; then planning again must give no fabric changes.
 */
class ApstraFabricGatewayTest {

    static final String RED = "tenant-a/red";
    static final String BLUE = "tenant-a/blue";
    static final String MESH = "tenant-a/mesh";

    private ApstraEmulator apstra;
    private ApstraClient client;
    private ApstraFabricGateway gateway;

    @BeforeEach
    void start() {
        apstra = ApstraEmulator.builder().apstraVersion("6.2.0").start();
        client = EmulatorClients.client(apstra);
        gateway = ApstraFabricGateway.builder()
                .client(client)
                .blueprintId(apstra.blueprintId())
                .lockWait(Duration.ZERO)
                .deployTimeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        apstra.close();
    }

    static VirtualNetworkSpec red() {
        return new VirtualNetworkSpec(
                RED, 100, 10100, IpPrefix.parse("10.1.0.0/24"), null, IpPrefix.parseAddress("10.1.0.1"), null, MESH);
    }

    static VirtualNetworkSpec blue() {
        return new VirtualNetworkSpec(
                BLUE, 200, 10200, IpPrefix.parse("10.2.0.0/24"), null, IpPrefix.parseAddress("10.2.0.1"), null, MESH);
    }

    static PortBinding bind(String leaf, String port, VirtualNetworkSpec n, String... pods) {
        return new PortBinding(leaf, port, n.name(), n.vlan(), List.of(pods));
    }

    /** red and blue in one mesh zone; red on three ports, blue on one. */
    static FabricState seed() {
        return new FabricState(
                List.of(red(), blue()),
                List.of(new RoutingZoneSpec(MESH, List.of(RED, BLUE))),
                List.of(
                        bind("leaf1", "xe-0/0/10", red(), "tenant-a/p1"),
                        bind("leaf1", "xe-0/0/11", red(), "tenant-a/p2"),
                        bind("leaf2", "xe-0/0/12", red(), "tenant-a/p3"),
                        bind("leaf2", "xe-0/0/10", blue(), "tenant-a/p4")));
    }

    private ApplyResult converge(FabricState desired) {
        return gateway.apply(TestPlans.diff(desired, gateway.readOwnedState()));
    }

    private void assertConverged(FabricState desired) {
        Plan again = TestPlans.diff(desired, gateway.readOwnedState());
        assertThat(again.hasFabricChanges()).as(again.toText()).isFalse();
        assertThat(apstra.hasUncommittedChanges()).isFalse();
        assertThat(apstra.designTagLabels()).as("blueprint mutex released").isEmpty();
    }

    private List<PortVlan> ours(Stage stage) {
        return apstra.taggedVlans(stage).stream()
                .filter(p -> p.virtualNetworkLabel().startsWith(FabricNames.LABEL_PREFIX))
                .toList();
    }

    @Test
    void createsZoneNetworksTemplatesTagsPortsAndDeploysOnce() {
        ApplyResult r = converge(seed());

        assertThat(r.failures()).isEmpty();
        assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(r.changesApplied()).isEqualTo(1 + 2 + 4);
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .filteredOn(v -> v.label().startsWith("fb-"))
                .extracting(VirtualNetworkView::label, VirtualNetworkView::vni)
                .containsExactlyInAnyOrder(
                        tuple(FabricNames.virtualNetworkLabel(RED), "10100"),
                        tuple(FabricNames.virtualNetworkLabel(BLUE), "10200"));
        String zoneLabel = FabricNames.routingZoneLabel(MESH);
        assertThat(apstra.securityZones(Stage.DEPLOYED))
                .extracting(SecurityZoneView::label)
                .contains(zoneLabel);
        String zoneId = apstra.securityZones(Stage.DEPLOYED).stream()
                .filter(z -> z.label().equals(zoneLabel))
                .findFirst()
                .orElseThrow()
                .id();
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .filteredOn(v -> v.label().startsWith("fb-"))
                .allSatisfy(v -> assertThat(v.securityZoneId()).isEqualTo(zoneId));
        assertThat(ours(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId, PortVlan::tagged)
                .containsExactlyInAnyOrder(
                        tuple("leaf1", "xe-0/0/10", 100, true),
                        tuple("leaf1", "xe-0/0/11", 100, true),
                        tuple("leaf2", "xe-0/0/12", 100, true),
                        tuple("leaf2", "xe-0/0/10", 200, true));
        assertThat(apstra.callCount("PATCH /api/blueprints/{bp}/obj-policy-batch-apply"))
                .isEqualTo(1);
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(1);
        assertConverged(seed());

        FabricState read = gateway.readOwnedState();
        assertThat(read.virtualNetworks()).containsExactly(blue(), red());
        assertThat(read.routingZones()).containsExactly(new RoutingZoneSpec(MESH, List.of(BLUE, RED)));
    }

    @Test
    void planWithoutFabricChangesMakesNoCallAtAll() {
        converge(seed());
        int before = apstra.requestLog().size();
        int version = apstra.stagingVersion();

        Plan nothing = TestPlans.diff(seed(), gateway.readOwnedState());
        int afterRead = apstra.requestLog().size();
        ApplyResult r = gateway.apply(nothing);

        assertThat(r.status()).isEqualTo(ApplyResult.Status.NO_CHANGES);
        assertThat(apstra.requestLog()).hasSize(afterRead);
        assertThat(apstra.requestLog().subList(before, afterRead))
                .allSatisfy(q -> assertThat(q.method()).isIn("GET", "POST"))
                .noneSatisfy(q -> assertThat(q.path()).contains("deploy"));
        assertThat(apstra.stagingVersion()).isEqualTo(version);
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(1);
    }

    @Test
    void untagsAfterTheLastPodAndDeletesNetworkAndZoneWhenGone() {
        converge(seed());

        FabricState fewer = new FabricState(
                List.of(red(), blue()),
                List.of(new RoutingZoneSpec(MESH, List.of(RED, BLUE))),
                List.of(
                        bind("leaf1", "xe-0/0/10", red(), "tenant-a/p1"),
                        bind("leaf2", "xe-0/0/10", blue(), "tenant-a/p4")));
        ApplyResult r = converge(fewer);
        assertThat(r.failures()).isEmpty();
        assertThat(ours(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .containsExactlyInAnyOrder(tuple("leaf1", "xe-0/0/10", 100), tuple("leaf2", "xe-0/0/10", 200));
        assertConverged(fewer);

        FabricState onlyBlue = new FabricState(
                List.of(blue()),
                List.of(new RoutingZoneSpec(MESH, List.of(BLUE))),
                List.of(bind("leaf2", "xe-0/0/10", blue(), "tenant-a/p4")));
        r = converge(onlyBlue);
        assertThat(r.failures()).isEmpty();
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .extracting(VirtualNetworkView::label)
                .doesNotContain(FabricNames.virtualNetworkLabel(RED));
        assertConverged(onlyBlue);

        r = converge(FabricState.EMPTY);
        assertThat(r.failures()).isEmpty();
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .extracting(VirtualNetworkView::label)
                .noneMatch(l -> l.startsWith("fb-"));
        assertThat(apstra.securityZones(Stage.DEPLOYED))
                .extracting(SecurityZoneView::label)
                .noneMatch(l -> l.startsWith(FabricNames.ZONE_LABEL_PREFIX));
        assertThat(apstra.taggedVlans(Stage.DEPLOYED)).isEmpty();
        assertConverged(FabricState.EMPTY);
    }

    @Test
    void changesVlanAndMovesNetworkToIsolatedZone() {
        converge(seed());
        VirtualNetworkSpec redIsolated =
                new VirtualNetworkSpec(RED, 150, 10100, IpPrefix.parse("10.1.0.0/24"), null, null, null, null);
        FabricState next = new FabricState(
                List.of(redIsolated, blue()),
                List.of(
                        new RoutingZoneSpec(MESH, List.of(BLUE)),
                        new RoutingZoneSpec(FabricNames.ISOLATED_ZONE, List.of(RED))),
                List.of(
                        bind("leaf1", "xe-0/0/10", redIsolated, "tenant-a/p1"),
                        bind("leaf2", "xe-0/0/10", blue(), "tenant-a/p4")));

        ApplyResult r = converge(next);

        assertThat(r.failures()).isEmpty();
        assertThat(ours(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .containsExactlyInAnyOrder(tuple("leaf1", "xe-0/0/10", 150), tuple("leaf2", "xe-0/0/10", 200));
        assertConverged(next);
    }

    @Test
    void aRestartedGatewayStillNamesAndDeletesAnOwnedZoneThatHoldsNoNetwork() {
        // An apply that created the zone and stopped before any network went in (or whose router
        // went away meanwhile): no network records the zone's name, only the zone itself does.
        FabricState zoneOnly = new FabricState(List.of(), List.of(new RoutingZoneSpec(MESH, List.of())), List.of());
        assertThat(converge(zoneOnly).failures()).isEmpty();
        ApstraFabricGateway restarted = ApstraFabricGateway.builder()
                .client(client)
                .blueprintId(apstra.blueprintId())
                .lockWait(Duration.ZERO)
                .deployTimeout(Duration.ofSeconds(20))
                .build();

        assertThat(restarted.readOwnedState().routingZones())
                .extracting(RoutingZoneSpec::name)
                .containsExactly(MESH);
        ApplyResult r = restarted.apply(TestPlans.diff(FabricState.EMPTY, restarted.readOwnedState()));

        assertThat(r.failures()).isEmpty();
        assertThat(apstra.securityZones(Stage.DEPLOYED))
                .extracting(SecurityZoneView::label)
                .noneMatch(l -> l.startsWith(FabricNames.ZONE_LABEL_PREFIX));
        assertThat(restarted.readOwnedState()).isEqualTo(FabricState.EMPTY);
    }

    @Test
    void foreignNetworksZonesAndAssignmentsAreNeverTouched() {
        BlueprintClient bp = client.blueprint(apstra.blueprintId());
        String zone = bp.routingZones().create(RoutingZone.evpn("ops", "ops"));
        // A zone that merely looks like ours: label = vrf = fbz + 8 hex, but no owned network names it.
        String lookalikeZone = bp.routingZones().create(RoutingZone.evpn("fbz00000000", "fbz00000000"));
        String opsVn = bp.virtualNetworks()
                .create(VirtualNetwork.vxlan("ops-mgmt", zone)
                        .vnId(20000L)
                        .boundTo(List.of(VnBinding.of(apstra.systemId("leaf1"), 300)))
                        .build());
        // A network with our label prefix but not our description: foreign.
        String fakeVn = bp.virtualNetworks()
                .create(VirtualNetwork.vxlan("fb-not-ours-00000000", zone)
                        .vnId(20001L)
                        .description("made by hand")
                        .build());
        String ct = bp.connectivityTemplates().createTaggedVlan("ops-mgmt tagged", opsVn);
        String port = bp.graph()
                .applicationPointFacing("worker-1", "ens1f0")
                .orElseThrow()
                .id();
        bp.connectivityTemplates().apply(List.of(CtAssignment.assign(port, ct)));
        bp.deploy(bp.status().version(), "ops", Duration.ofSeconds(10));
        List<VirtualNetworkView> foreignVns = apstra.virtualNetworks(Stage.DEPLOYED);
        List<SecurityZoneView> foreignZones = apstra.securityZones(Stage.DEPLOYED);

        assertThat(gateway.readOwnedState()).isEqualTo(FabricState.EMPTY);
        converge(seed());
        assertConverged(seed());
        converge(FabricState.EMPTY);
        assertConverged(FabricState.EMPTY);

        assertThat(apstra.virtualNetworks(Stage.DEPLOYED)).containsExactlyInAnyOrderElementsOf(foreignVns);
        assertThat(apstra.securityZones(Stage.DEPLOYED)).containsExactlyInAnyOrderElementsOf(foreignZones);
        assertThat(apstra.securityZones(Stage.DEPLOYED))
                .extracting(SecurityZoneView::id)
                .contains(lookalikeZone);
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .extracting(VirtualNetworkView::id)
                .contains(opsVn, fakeVn);
        assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId, PortVlan::virtualNetworkLabel)
                .containsExactly(tuple("leaf1", "xe-0/0/10", 300, "ops-mgmt"));
    }

    @Test
    void aForeignNetworkHoldingOurLabelIsReportedNotTaken() {
        BlueprintClient bp = client.blueprint(apstra.blueprintId());
        String zone = bp.routingZones().create(RoutingZone.evpn("ops", "ops"));
        bp.virtualNetworks()
                .create(VirtualNetwork.vxlan(FabricNames.virtualNetworkLabel(RED), zone)
                        .vnId(20000L)
                        .build());
        bp.deploy(bp.status().version(), "ops", Duration.ofSeconds(10));

        ApplyResult r = converge(seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.FAILED);
        assertThat(r.failures())
                .anySatisfy(d -> assertThat(d.object().toString()).isEqualTo("VirtualNetwork " + RED))
                .anySatisfy(d -> assertThat(d.message()).contains("does not own"));
        // blue went through and was deployed; the foreign network kept its VNI and zone.
        assertThat(ours(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .contains(tuple("leaf2", "xe-0/0/10", 200));
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .filteredOn(v -> v.label().equals(FabricNames.virtualNetworkLabel(RED)))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.vni()).isEqualTo("20000");
                    assertThat(v.securityZoneId()).isEqualTo(zone);
                });
    }

    @Test
    void gatewayLeavesTheCallersClientOpen() {
        converge(seed());
        assertThat(client.blueprints()).isNotEmpty();
    }

    @Test
    void thousandPortChangesMakeCallsPerNetworkNotPerPort() {
        client.close();
        apstra.close();
        io.fabricbinder.apstra.emulator.Topology.Builder t = io.fabricbinder.apstra.emulator.Topology.builder()
                .spine("spine1")
                .leaf("leaf1")
                .leaf("leaf2");
        int servers = 250;
        for (int i = 0; i < servers; i++) {
            t.cable("node-" + i, "ens1f0", i % 2 == 0 ? "leaf1" : "leaf2", "xe-0/0/" + (i / 2));
        }
        apstra = ApstraEmulator.builder()
                .apstraVersion("6.2.0")
                .topology(t.build())
                .start();
        client = EmulatorClients.client(apstra);
        gateway = ApstraFabricGateway.builder()
                .client(client)
                .blueprintId(apstra.blueprintId())
                .lockWait(Duration.ZERO)
                .build();
        List<VirtualNetworkSpec> nets = new ArrayList<>();
        List<PortBinding> bindings = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            VirtualNetworkSpec spec = new VirtualNetworkSpec(
                    "bulk/net-" + n,
                    300 + n,
                    30000 + n,
                    IpPrefix.parse("10.50." + n + ".0/24"),
                    null,
                    IpPrefix.parseAddress("10.50." + n + ".1"),
                    null,
                    MESH);
            nets.add(spec);
            for (int i = 0; i < servers; i++) {
                bindings.add(bind(i % 2 == 0 ? "leaf1" : "leaf2", "xe-0/0/" + (i / 2), spec, "bulk/pod-" + i));
            }
        }
        FabricState desired = new FabricState(
                nets,
                List.of(new RoutingZoneSpec(
                        MESH, nets.stream().map(VirtualNetworkSpec::name).toList())),
                bindings);
        Plan plan = TestPlans.diff(desired, gateway.readOwnedState());
        assertThat(plan.portBindings()).hasSize(1000);
        int before = apstra.requestLog().size();

        ApplyResult r = gateway.apply(plan);

        assertThat(r.failures()).isEmpty();
        int calls = apstra.requestLog().size() - before;
        System.out.println("1000 port changes over 4 networks: " + calls + " Apstra calls " + apstra.callCounts());
        assertThat(apstra.callCount("PATCH /api/blueprints/{bp}/obj-policy-batch-apply"))
                .isEqualTo(1);
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(1);
        assertThat(apstra.callCount("POST /api/blueprints/{bp}/virtual-networks"))
                .isEqualTo(4);
        assertThat(calls).isLessThan(60);
        assertThat(ours(Stage.DEPLOYED)).hasSize(1000);
        assertConverged(desired);
    }

    @Test
    void esiLagMemberPortsAreTaggedThroughTheMultiChassisAggregate() {
        client.close();
        apstra.close();
        io.fabricbinder.apstra.emulator.Topology topology = io.fabricbinder.apstra.emulator.Topology.builder()
                .spine("spine1")
                .leaf("leaf1")
                .esiPair("pair1", "leaf3", "leaf4")
                .cable("worker-1", "ens1f0", "leaf1", "xe-0/0/10")
                .esiLag(
                        "worker-9",
                        "bond0",
                        new io.fabricbinder.apstra.emulator.Topology.Cable("worker-9", "ens2f0", "leaf3", "xe-0/0/1"),
                        new io.fabricbinder.apstra.emulator.Topology.Cable("worker-9", "ens2f1", "leaf4", "xe-0/0/1"))
                .build();
        apstra = ApstraEmulator.builder()
                .apstraVersion("6.2.0")
                .topology(topology)
                .start();
        client = EmulatorClients.client(apstra);
        gateway = ApstraFabricGateway.builder()
                .client(client)
                .blueprintId(apstra.blueprintId())
                .lockWait(Duration.ZERO)
                .build();
        FabricState desired = new FabricState(
                List.of(red()),
                List.of(new RoutingZoneSpec(MESH, List.of(RED))),
                List.of(
                        bind("leaf1", "xe-0/0/10", red(), "tenant-a/p1"),
                        bind("leaf3", "xe-0/0/1", red(), "tenant-a/p9"),
                        bind("leaf4", "xe-0/0/1", red(), "tenant-a/p9")));

        ApplyResult r = converge(desired);

        assertThat(r.failures()).isEmpty();
        assertThat(ours(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .containsExactlyInAnyOrder(
                        tuple("leaf1", "xe-0/0/10", 100),
                        tuple("leaf3", "xe-0/0/1", 100),
                        tuple("leaf4", "xe-0/0/1", 100));
        // Bound to the leaf and to the ESI pair's redundancy group, never to the member leafs.
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .filteredOn(v -> v.label().equals(FabricNames.virtualNetworkLabel(RED)))
                .singleElement()
                .satisfies(v -> assertThat(v.vlanBySystem()).containsOnlyKeys("leaf1", "pair1"));
        assertConverged(desired);

        r = converge(FabricState.EMPTY);
        assertThat(r.failures()).isEmpty();
        assertThat(apstra.taggedVlans(Stage.DEPLOYED)).isEmpty();
        assertConverged(FabricState.EMPTY);
    }
}
