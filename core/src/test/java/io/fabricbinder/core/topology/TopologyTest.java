package io.fabricbinder.core.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.CablingLink;
import io.fabricbinder.core.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {

    @Test
    void staticFileIsReadAndBadEntriesAreNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("topology.yaml");
        Files.writeString(file, """
                links:
                  - node: worker-1       # Kubernetes node name
                    nic: ens1f0
                    leaf: leaf1
                    port: xe-0/0/10
                  - node: worker-2
                    nic: 0000:3B:00.1
                    leaf: leaf2
                    port: xe-0/0/11
                  - node: worker-3
                    nic: ens1f0
                    leaf: leaf2
                  - {node: worker-4, nic: ens1f0, leaf: leaf2, port: xe-0/0/4, speed: 10G}
                """);
        Topology t = Topology.merge(List.of(StaticTopologyFile.read(file)));

        assertThat(t.links()).hasSize(2);
        assertThat(t.findLink("worker-1", "ens1f0", "0000:3b:00.0"))
                .map(TopologyLink::port)
                .contains("xe-0/0/10");
        // PCI addresses compare case-insensitively; a name never matches a PCI-addressed link.
        assertThat(t.findLink("worker-2", "ens1f1", "0000:3b:00.1"))
                .map(TopologyLink::leaf)
                .contains("leaf2");
        assertThat(t.findLink("worker-2", "ens1f1", null)).isEmpty();
        assertThat(t.errors()).extracting(Diagnostic::field).containsExactly("links[2].port", "links[3].speed");
        assertThat(t.errors().get(0).object()).isEqualTo("Topology static:topology.yaml");
    }

    @Test
    void aFileThatIsNotATopologyIsOneError() {
        assertThat(StaticTopologyFile.parse("t", "links: [").errors())
                .singleElement()
                .satisfies(d -> assertThat(d.message()).startsWith("syntax error"));
        assertThat(StaticTopologyFile.parse("t", "nodes: []").errors())
                .extracting(Diagnostic::field)
                .containsExactly("links");
    }

    @Test
    void sourcesThatAgreeMergeAndDisagreementsLeaveTheNicUnmapped() {
        TopologySource a = TopologySource.of(
                "static",
                List.of(
                        new TopologyLink("w1", "ens1f0", "leaf1", "xe-0/0/1"),
                        new TopologyLink("w2", "ens1f0", "leaf1", "xe-0/0/2"),
                        new TopologyLink("w3", "ens1f0", "leaf1", "xe-0/0/3")));
        TopologySource b = TopologySource.of(
                "lldp",
                List.of(
                        new TopologyLink("w1", "ens1f0", "leaf1", "xe-0/0/1"),
                        new TopologyLink("w2", "ens1f0", "leaf1", "xe-0/0/9"),
                        new TopologyLink("w4", "ens1f0", "leaf1", "xe-0/0/3")));

        Topology t = Topology.merge(List.of(a, b));

        assertThat(t.links()).extracting(TopologyLink::node).containsExactly("w1");
        assertThat(t.errors()).hasSize(2);
        assertThat(t.errors())
                .anySatisfy(e -> assertThat(e.message())
                        .contains("static says w2/ens1f0 -> leaf1 xe-0/0/2")
                        .contains("lldp says w2/ens1f0 -> leaf1 xe-0/0/9"));
        assertThat(t.errors())
                .anySatisfy(e -> assertThat(e.message()).contains("one leaf port is cabled to several NICs"));
    }

    @Test
    void aSourceThatFailsIsAnErrorAndTheOthersStillCount() {
        TopologySource broken = new TopologySource() {
            @Override
            public String name() {
                return "apstra";
            }

            @Override
            public Result read() {
                throw new IllegalStateException("503");
            }
        };
        Topology t = Topology.merge(
                List.of(broken, TopologySource.of("static", List.of(new TopologyLink("w1", "p", "l", "x")))));
        assertThat(t.links()).hasSize(1);
        assertThat(t.errors()).extracting(Diagnostic::toString).containsExactly("Topology apstra: cannot read: 503");
    }

    @Test
    void lldpUsesIfnamePortIdsAndFallsBackToTheDescriptionWithAWarning() {
        LldpTopologySource lldp = LldpTopologySource.of(List.of(
                new LldpNeighbor("w1", "ens1f0", "leaf1.example.com", "ifname", "xe-0/0/12", "xe-0/0/12"),
                new LldpNeighbor("w2", "ens1f0", "leaf2", "local", "531", "xe-0/0/13"),
                new LldpNeighbor("w3", "ens1f0", "leaf2", "local", "532", "uplink to server"),
                new LldpNeighbor("w4", "ens1f0", "leaf1", "ifname", "xe-0/0/1", null),
                new LldpNeighbor("w4", "ens1f0", "leaf2", "ifname", "xe-0/0/1", null)));

        TopologySource.Result r = lldp.read();

        assertThat(r.links())
                .containsExactly(
                        new TopologyLink("w1", "ens1f0", "leaf1", "xe-0/0/12"),
                        new TopologyLink("w2", "ens1f0", "leaf2", "xe-0/0/13"));
        assertThat(r.warnings())
                .singleElement()
                .satisfies(w -> assertThat(w.field()).isEqualTo("port.descr"));
        assertThat(r.errors())
                .extracting(Diagnostic::object)
                .containsExactly("LLDP w3/ens1f0", "LLDP w4/ens1f0", "LLDP w4/ens1f0");
    }

    @Test
    void apstraCablingMapGivesGenericSystemToLeafLinks() {
        CablingLink toServer = new CablingLink(
                "l1",
                null,
                "to_generic",
                "ethernet",
                "25G",
                null,
                List.of(),
                List.of(
                        new CablingLink.Endpoint("s1", "worker-1", "generic", "i1", "ens1f0", "ethernet"),
                        new CablingLink.Endpoint("leafid", "leaf1", "leaf", "i2", "xe-0/0/10", "ethernet")));
        CablingLink fabricLink = new CablingLink(
                "l2",
                null,
                "spine_leaf",
                "ethernet",
                "100G",
                null,
                List.of(),
                List.of(
                        new CablingLink.Endpoint("sp", "spine1", "spine", "i3", "et-0/0/1", "ethernet"),
                        new CablingLink.Endpoint("leafid", "leaf1", "leaf", "i4", "et-0/0/48", "ethernet")));
        CablingLink noName = new CablingLink(
                "l3",
                null,
                "to_generic",
                "ethernet",
                null,
                null,
                List.of(),
                List.of(
                        new CablingLink.Endpoint("s2", "worker-2", "generic", "i5", null, "ethernet"),
                        new CablingLink.Endpoint("leafid", "leaf1", "leaf", "i6", "xe-0/0/11", "ethernet")));

        TopologySource.Result r = ApstraCablingTopologySource.of(() -> List.of(toServer, fabricLink, noName))
                .read();

        assertThat(r.links()).containsExactly(new TopologyLink("worker-1", "ens1f0", "leaf1", "xe-0/0/10"));
        assertThat(r.warnings()).extracting(Diagnostic::object).containsExactly("CablingLink l3");
    }
}
