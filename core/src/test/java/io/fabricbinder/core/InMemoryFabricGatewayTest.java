package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.ipam.IpPrefix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryFabricGatewayTest {

    private static final VirtualNetworkSpec RED = red(100);
    private static final RoutingZoneSpec MESH = new RoutingZoneSpec("ns/mesh", List.of("ns/red"));
    private static final PortBinding PORT = new PortBinding("leaf1", "xe-0/0/1", "ns/red", 100, List.of("ns/p"));

    /** The network ns/red on {@code vlan}. */
    private static VirtualNetworkSpec red(int vlan) {
        return new VirtualNetworkSpec(
                "ns/red",
                vlan,
                5000,
                IpPrefix.parse("10.0.0.0/24"),
                null,
                IpPrefix.parseAddress("10.0.0.1"),
                null,
                "ns/mesh");
    }

    private static Plan plan(List<RoutingZoneChange> z, List<VirtualNetworkChange> n, List<PortBindingChange> p) {
        return new Plan(z, n, p, List.of(), List.of(), List.of(), Map.of());
    }

    @Test
    void appliesAnOrderedPlanAndReadsItBackWithoutPods() {
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        ApplyResult r = fabric.apply(plan(
                List.of(new RoutingZoneChange(ChangeAction.CREATE, MESH, null)),
                List.of(new VirtualNetworkChange(ChangeAction.CREATE, RED, null)),
                List.of(new PortBindingChange(PortAction.TAG, PORT))));

        assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(r.changesApplied()).isEqualTo(3);
        FabricState s = fabric.readOwnedState();
        assertThat(s.virtualNetworks()).containsExactly(RED);
        assertThat(s.routingZones()).containsExactly(MESH);
        assertThat(s.portBindings()).containsExactly(PORT.withPods(List.of()));
    }

    @Test
    void refusesWhatARealFabricRefuses() {
        InMemoryFabricGateway fabric =
                new InMemoryFabricGateway(new FabricState(List.of(RED), List.of(MESH), List.of(PORT)));

        ApplyResult r = fabric.apply(plan(
                List.of(new RoutingZoneChange(ChangeAction.DELETE, MESH, MESH)),
                List.of(new VirtualNetworkChange(ChangeAction.DELETE, RED, RED)),
                List.of()));

        assertThat(r.status()).isEqualTo(ApplyResult.Status.FAILED);
        assertThat(r.failures())
                .extracting(Diagnostic::message)
                .containsExactly(
                        "routing zone ns/mesh still has virtual networks",
                        "virtual network ns/red is still tagged on ports");
        assertThat(fabric.readOwnedState().virtualNetworks()).containsExactly(RED);
    }

    @Test
    void aPlanWithoutFabricChangesTouchesNothing() {
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        assertThat(fabric.apply(Plan.empty()).status()).isEqualTo(ApplyResult.Status.NO_CHANGES);
        assertThat(fabric.commitCount()).isZero();
    }

    @Test
    void aVlanChangeCarriesOverToTheTaggedPorts() {
        InMemoryFabricGateway fabric =
                new InMemoryFabricGateway(new FabricState(List.of(RED), List.of(MESH), List.of(PORT)));
        VirtualNetworkSpec red200 = red(200);

        fabric.apply(plan(List.of(), List.of(new VirtualNetworkChange(ChangeAction.UPDATE, red200, RED)), List.of()));

        assertThat(fabric.readOwnedState().portBindings())
                .extracting(PortBinding::vlan)
                .containsExactly(200);
    }
}
