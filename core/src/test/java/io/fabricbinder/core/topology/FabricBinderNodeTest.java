package io.fabricbinder.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.sriov.LldpNeighbor;
import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PortIdSubtype;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FabricBinderNodeTest {

    static final FabricBinderNode W1 = new FabricBinderNode(
            "w1",
            Instant.parse("2026-12-07T19:00:00Z"),
            List.of(
                    new FabricBinderNode.PhysicalFunctionStatus(
                            PciAddress.parse("0000:3b:00.0"),
                            "ens1f0",
                            8,
                            List.of("intel.com/leaf_vfs"),
                            new LldpNeighbor(
                                    "ens1f0",
                                    "leaf1.dc1.example.com",
                                    "00:00:5e:00:53:01",
                                    "",
                                    "531",
                                    PortIdSubtype.LOCALLY_ASSIGNED,
                                    "xe-0/0/12")),
                    new FabricBinderNode.PhysicalFunctionStatus(
                            PciAddress.parse("0000:3b:00.1"), "ens1f1", 0, List.of(), null)),
            List.of("lldp: nothing on ens1f1"));

    static Map<String, Object> object(String name, Object status) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", FabricBinderNode.API_VERSION);
        o.put("kind", FabricBinderNode.KIND);
        o.put("metadata", Map.of("name", name));
        o.put("status", status);
        return o;
    }

    @Test
    void statusRoundTripsThroughTheApiShape() {
        Map<String, Object> status = W1.toStatus();
        assertThat(status).containsEntry("observedAt", "2026-12-07T19:00:00Z");
        @SuppressWarnings("unchecked")
        Map<String, Object> pf0 = (Map<String, Object>)
                ((List<?>) java.util.Objects.requireNonNull(status.get("physicalFunctions"))).get(0);
        assertThat(pf0)
                .containsEntry("pciAddress", "0000:3b:00.0")
                .containsEntry("numVfs", 8)
                .containsEntry(
                        "lldp",
                        Map.of(
                                "interface", "ens1f0",
                                "systemName", "leaf1.dc1.example.com",
                                "chassisId", "00:00:5e:00:53:01",
                                "portId", "531",
                                "portIdSubtype", "local",
                                "portDescription", "xe-0/0/12"));

        FabricBinderNode.Parsed back = FabricBinderNode.parse(object("w1", status));

        assertThat(back.errors()).isEmpty();
        assertThat(back.node()).isEqualTo(W1);
    }

    @Test
    void anObjectWithoutStatusIsNoInventoryAndNoError() {
        Map<String, Object> o = object("w1", Map.of());
        o.remove("status");
        FabricBinderNode.Parsed p = FabricBinderNode.parse(o);
        assertThat(p.node()).isNull();
        assertThat(p.errors()).isEmpty();
    }

    @Test
    void hostileObjectsAreAnErrorNamingTheNodeAndField() {
        assertThat(errors(Map.of("physicalFunctions", "all of them")))
                .containsExactly("FabricBinderNode bad: status.physicalFunctions: must be a list");
        assertThat(errors(Map.of("physicalFunctions", List.of(Map.of("pciAddress", 42)))))
                .containsExactly(
                        "FabricBinderNode bad: status.physicalFunctions[0].pciAddress: must be a string, got '42'");
        assertThat(errors(Map.of(
                        "physicalFunctions",
                        List.of(Map.of("pciAddress", "0000:3b:00.0", "numVfs", "eight", "name", List.of())))))
                .containsExactly(
                        "FabricBinderNode bad: status.physicalFunctions[0].name: must be a string, got '[]'",
                        "FabricBinderNode bad: status.physicalFunctions[0].numVfs: must be an integer from 0 to 65535, got 'eight'");
        assertThat(errors(Map.of("physicalFunctions", List.of(Map.of("pciAddress", "3b:00.0.0")))))
                .containsExactly("FabricBinderNode bad: status.physicalFunctions[0].pciAddress: is not a PCI address"
                        + " (dddd:bb:dd.f): '3b:00.0.0'");
        assertThat(errors(Map.of("observedAt", "yesterday")))
                .containsExactly("FabricBinderNode bad: status.observedAt: is not an RFC 3339 time: 'yesterday'");
        assertThat(errors(Map.of("problems", List.of(1, 2))))
                .containsExactly(
                        "FabricBinderNode bad: status.problems[0]: must be a string",
                        "FabricBinderNode bad: status.problems[1]: must be a string");
    }

    @Test
    void aPfListedTwiceIsAnError() {
        assertThat(errors(Map.of(
                        "physicalFunctions",
                        List.of(
                                Map.of("pciAddress", "0000:3b:00.0", "name", "ens1f0"),
                                Map.of("pciAddress", "0000:3B:00.0", "name", "ens1f9")))))
                .containsExactly("FabricBinderNode bad: status.physicalFunctions[1].pciAddress: PF 0000:3b:00.0 is"
                        + " listed twice");
        assertThat(errors(Map.of(
                        "physicalFunctions",
                        List.of(
                                Map.of("pciAddress", "0000:3b:00.0", "name", "ens1f0"),
                                Map.of("pciAddress", "0000:3b:00.1", "name", "ens1f0")))))
                .containsExactly("FabricBinderNode bad: status.physicalFunctions[1].name: PF ens1f0 is listed twice");
    }

    @Test
    void aNeighbourHeardOnAnotherInterfaceThanItsPfIsAnError() {
        assertThat(errors(Map.of(
                        "physicalFunctions",
                        List.of(Map.of(
                                "pciAddress",
                                "0000:3b:00.0",
                                "name",
                                "ens1f0",
                                "lldp",
                                Map.of("interface", "eno1", "systemName", "leaf1", "portId", "xe-0/0/1"))))))
                .containsExactly("FabricBinderNode bad: status.physicalFunctions[0].lldp.interface: neighbour heard on"
                        + " eno1, which is not this PF (ens1f0)");
    }

    @Test
    void tenThousandPfsAreOneErrorAndNothingIsRead() {
        List<Object> pfs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            pfs.add(Map.of("pciAddress", String.format("%04x:3b:00.0", i)));
        }
        assertThat(errors(Map.of("physicalFunctions", pfs)))
                .containsExactly("FabricBinderNode bad: status.physicalFunctions: 10000 PFs is more than the 512 a node"
                        + " can have");
    }

    @Test
    void longStringsAreRefused() {
        assertThat(errors(Map.of(
                        "physicalFunctions",
                        List.of(Map.of(
                                "pciAddress",
                                "0000:3b:00.0",
                                "lldp",
                                Map.of("systemName", "x".repeat(10_000), "portId", "xe-0/0/1"))))))
                .containsExactly(
                        "FabricBinderNode bad: status.physicalFunctions[0].lldp.systemName: is longer than 255 characters",
                        "FabricBinderNode bad: status.physicalFunctions[0].lldp.systemName: is required (or chassisId)");
    }

    @Test
    void aBadNodeIsAnErrorOnThatNodeAloneInTheLldpSource() {
        FabricBinderNode.Parsed bad = FabricBinderNode.parse(
                object("w2", Map.of("physicalFunctions", List.of(Map.of("pciAddress", "junk")))));
        FabricBinderNode.Parsed good = FabricBinderNode.parse(object("w1", W1.toStatus()));

        TopologySource.Result r =
                LldpTopologySource.builder(() -> List.of(bad, good)).build().read();

        assertThat(r.links()).containsExactly(new TopologyLink("w1", "0000:3b:00.0", "leaf1", "xe-0/0/12"));
        assertThat(r.errors()).extracting(d -> d.object().toString()).containsExactly("FabricBinderNode w2");
    }

    private static List<String> errors(Map<String, Object> status) {
        FabricBinderNode.Parsed p = FabricBinderNode.parse(object("bad", status));
        assertThat(p.node()).as("an object with errors is not used").isNull();
        return p.errors().stream().map(Diagnostic::toString).toList();
    }
}
