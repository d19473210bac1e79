package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.ipam.IpPrefix;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanRenderingTest {

    static Plan samplePlan() {
        VirtualNetworkSpec web = new VirtualNetworkSpec(
                "tenant-blue/blue-web",
                100,
                10100,
                IpPrefix.parse("10.100.0.0/24"),
                null,
                IpPrefix.parseAddress("10.100.0.1"),
                null,
                "tenant-blue/blue-mesh");
        VirtualNetworkSpec db = new VirtualNetworkSpec(
                "tenant-blue/blue-db",
                200,
                10200,
                IpPrefix.parse("10.200.0.0/24"),
                IpPrefix.parse("fd00:200::/64"),
                IpPrefix.parseAddress("10.200.0.1"),
                IpPrefix.parseAddress("fd00:200::1"),
                "tenant-blue/blue-mesh");
        VirtualNetworkSpec lonely = new VirtualNetworkSpec(
                "ops/lonely", 300, 10300, null, IpPrefix.parse("fd00:300::/64"), null, null, null);
        VirtualNetworkSpec gone =
                new VirtualNetworkSpec("old/gone", 400, 10400, IpPrefix.parse("10.4.0.0/24"), null, null, null, null);
        RoutingZoneSpec mesh =
                new RoutingZoneSpec("tenant-blue/blue-mesh", List.of("tenant-blue/blue-web", "tenant-blue/blue-db"));
        RoutingZoneSpec isolated = new RoutingZoneSpec(FabricNames.ISOLATED_ZONE, List.of("ops/lonely"));
        PoolSpec pool = PoolSpec.of("fb-web", IpRange.ofSubnet("10.100.0.0/24"));
        return new Plan(
                List.of(
                        new RoutingZoneChange(ChangeAction.UNCHANGED, isolated, isolated),
                        new RoutingZoneChange(ChangeAction.CREATE, mesh, null)),
                List.of(
                        new VirtualNetworkChange(ChangeAction.DELETE, gone, gone),
                        new VirtualNetworkChange(ChangeAction.CREATE, web, null),
                        new VirtualNetworkChange(ChangeAction.CREATE, db, null),
                        new VirtualNetworkChange(ChangeAction.UPDATE, lonely, lonely)),
                List.of(
                        new PortBindingChange(
                                PortAction.TAG,
                                new PortBinding(
                                        "leaf1",
                                        "xe-0/0/10",
                                        "tenant-blue/blue-web",
                                        100,
                                        List.of("tenant-blue/web-1", "tenant-blue/web-0"))),
                        new PortBindingChange(
                                PortAction.UNTAG, new PortBinding("leaf1", "xe-0/0/11", "old/gone", 400, List.of())),
                        new PortBindingChange(
                                PortAction.UNCHANGED,
                                new PortBinding(
                                        "leaf0",
                                        "xe-0/0/1",
                                        "tenant-blue/blue-web",
                                        100,
                                        List.of("tenant-blue/web-2")))),
                List.of(
                        new IpAllocationEntry(
                                new Owner("tenant-blue", "web-1", "uid-1", "net1"),
                                "tenant-blue/blue-web",
                                IpPrefix.parse("10.100.0.0/24"),
                                null,
                                "fb-web",
                                AllocationAction.ALLOCATE),
                        new IpAllocationEntry(
                                new Owner("tenant-blue", "web-0", "uid-0", "net1"),
                                "tenant-blue/blue-web",
                                IpPrefix.parse("10.100.0.0/24"),
                                IpPrefix.parseAddress("10.100.0.7"),
                                "fb-web",
                                AllocationAction.UNCHANGED)),
                List.of(new Diagnostic(
                        ObjectRef.of("NetworkAttachmentDefinition", "ns", "bad"),
                        "spec.config.vlan",
                        "VLAN 4095 is out of range 0..4094")),
                List.of(new Diagnostic(ObjectRef.of("Pod", "ns", "p"), "spec.nodeName", "not scheduled yet")),
                Map.of("fb-web", pool));
    }

    @Test
    void jsonFollowsTheContractExactly() throws IOException {
        assertThat(samplePlan().toJson()).isEqualTo(resource("/golden/plan.json"));
    }

    @Test
    void textListsChangesNotUnchangedObjects() throws IOException {
        assertThat(samplePlan().toText()).isEqualTo(resource("/golden/plan.txt"));
    }

    @Test
    void orderedChangesCreateBeforeTagAndDeleteAfterUntag() {
        List<PlanChange> changes = samplePlan().orderedChanges();
        assertThat(changes)
                .extracting(PlanRenderingTest::describe)
                .containsExactly(
                        "zone create tenant-blue/blue-mesh",
                        "net update ops/lonely",
                        "net create tenant-blue/blue-db",
                        "net create tenant-blue/blue-web",
                        "port TAG leaf1 xe-0/0/10",
                        "port UNTAG leaf1 xe-0/0/11",
                        "net delete old/gone");
    }

    @Test
    void samePartsGiveEqualPlansWhateverTheInputOrder() {
        assertThat(samplePlan()).isEqualTo(samplePlan());
        assertThat(samplePlan().toJson()).isEqualTo(samplePlan().toJson());
        assertThat(samplePlan().changeCount()).isEqualTo(8);
        assertThat(Plan.empty().hasChanges()).isFalse();
        assertThat(Plan.empty().toText()).startsWith("No changes.");
    }

    private static String describe(PlanChange c) {
        if (c instanceof RoutingZoneChange z) {
            return "zone " + z.action().spelling() + " " + z.zone().name();
        }
        if (c instanceof VirtualNetworkChange v) {
            return "net " + v.action().spelling() + " " + v.network().name();
        }
        PortBindingChange p = (PortBindingChange) c;
        return "port " + p.action() + " " + p.binding().leaf() + " "
                + p.binding().port();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = PlanRenderingTest.class.getResourceAsStream(name)) {
            if (in == null) {
                return "<missing " + name + ">";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
