package io.fabricbinder.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabricbinder.apstra.CablingLink;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.sriov.LldpNeighbor;
import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PortIdSubtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
        assertThat(t.findLink("worker-1", "ens1f0", PciAddress.parse("0000:3b:00.0")))
                .map(TopologyLink::port)
                .contains("xe-0/0/10");
        // PCI addresses compare case-insensitively; a name never matches a PCI-addressed link.
        assertThat(t.findLink("worker-2", "ens1f1", PciAddress.parse("0000:3b:00.1")))
                .map(TopologyLink::leaf)
                .contains("leaf2");
        assertThat(t.findLink("worker-2", "ens1f1", null)).isEmpty();
        assertThat(t.errors()).extracting(Diagnostic::field).containsExactly("links[2].port", "links[3].speed");
        assertThat(t.errors().get(0).object().toString()).isEqualTo("Topology static:topology.yaml");
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

    static FabricBinderNode node(
            String name, String pfName, String system, PortIdSubtype subtype, String portId, String descr) {
        return new FabricBinderNode(
                name,
                null,
                List.of(new FabricBinderNode.PhysicalFunctionStatus(
                        PciAddress.parse("0000:3b:00.0"),
                        pfName,
                        8,
                        List.of(),
                        new LldpNeighbor(pfName, system, "", "", portId, subtype, descr))),
                List.of());
    }

    @Test
    void lldpUsesIfnamePortIdsAndFallsBackToTheDescriptionWithAWarning() {
        LldpTopologySource lldp = LldpTopologySource.of(List.of(
                node("w1", "ens1f0", "leaf1.example.com", PortIdSubtype.INTERFACE_NAME, "xe-0/0/12", "xe-0/0/12"),
                node("w2", "ens1f0", "leaf2", PortIdSubtype.LOCALLY_ASSIGNED, "531", "xe-0/0/13"),
                node("w3", "ens1f0", "leaf2", PortIdSubtype.LOCALLY_ASSIGNED, "532", "uplink to server"),
                node("w4", "ens1f0", "", PortIdSubtype.INTERFACE_NAME, "xe-0/0/1", "")));

        TopologySource.Result r = lldp.read();

        assertThat(r.links())
                .containsExactly(
                        new TopologyLink("w1", "0000:3b:00.0", "leaf1", "xe-0/0/12"),
                        new TopologyLink("w2", "0000:3b:00.0", "leaf2", "xe-0/0/13"));
        assertThat(r.warnings())
                .singleElement()
                .satisfies(w -> assertThat(w.field()).isEqualTo("status.physicalFunctions[0].lldp.portDescription"));
        assertThat(r.errors())
                .extracting(d -> d.object().toString(), Diagnostic::field)
                .containsExactly(
                        tuple("FabricBinderNode w3", "status.physicalFunctions[0].lldp.portId"),
                        tuple("FabricBinderNode w4", "status.physicalFunctions[0].lldp.systemName"));
    }

    @Test
    void aVanishedNeighbourKeepsItsLinkForTheHoldTimeAndWhilePodsUseIt() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T19:00:00Z"));
        List<FabricBinderNode.Parsed> published = new ArrayList<>();
        FabricBinderNode w1 = node("w1", "ens1f0", "leaf1", PortIdSubtype.INTERFACE_NAME, "xe-0/0/12", "");
        published.add(new FabricBinderNode.Parsed("w1", w1, List.of()));
        Set<String> used = new HashSet<>();
        LldpTopologySource lldp = LldpTopologySource.builder(() -> List.copyOf(published))
                .clock(clock)
                .holdTime(Duration.ofMinutes(10))
                .inUse(l -> used.contains(l.leaf() + " " + l.port()))
                .build();
        TopologyLink link = new TopologyLink("w1", "0000:3b:00.0", "leaf1", "xe-0/0/12");
        assertThat(lldp.read().links()).containsExactly(link);

        // The neighbour vanishes (LLDP flap): the link is held, with a warning.
        published.set(
                0,
                new FabricBinderNode.Parsed(
                        "w1",
                        new FabricBinderNode(
                                "w1",
                                null,
                                List.of(new FabricBinderNode.PhysicalFunctionStatus(
                                        PciAddress.parse("0000:3b:00.0"), "ens1f0", 8, List.of(), null)),
                                List.of()),
                        List.of()));
        clock.advance(Duration.ofMinutes(9));
        TopologySource.Result held = lldp.read();
        assertThat(held.links()).containsExactly(link);
        assertThat(held.warnings())
                .singleElement()
                .satisfies(w -> assertThat(w.message())
                        .contains("keeping its last known link leaf1 xe-0/0/12 for the hold time"));

        // Past the hold time, pods still use the port: still held.
        used.add("leaf1 xe-0/0/12");
        clock.advance(Duration.ofMinutes(2));
        assertThat(lldp.read().links()).containsExactly(link);

        // No pod needs it any more: dropped.
        used.clear();
        assertThat(lldp.read().links()).isEmpty();
        used.add("leaf1 xe-0/0/12");
        assertThat(lldp.read().links()).as("forgotten once dropped").isEmpty();

        // It comes back on another port: the link moves at once.
        published.set(
                0,
                new FabricBinderNode.Parsed(
                        "w1", node("w1", "ens1f0", "leaf1", PortIdSubtype.INTERFACE_NAME, "xe-0/0/13", ""), List.of()));
        assertThat(lldp.read().links()).containsExactly(new TopologyLink("w1", "0000:3b:00.0", "leaf1", "xe-0/0/13"));
    }

    @Test
    void lldpNamesThePfByPciAndStillConflictsWithAStaticLinkNamingItsInterface() {
        LldpTopologySource lldp = LldpTopologySource.of(
                List.of(node("w1", "ens1f0", "leaf1", PortIdSubtype.INTERFACE_NAME, "xe-0/0/12", "")));
        TopologySource agrees =
                TopologySource.of("static", List.of(new TopologyLink("w1", "ens1f0", "leaf1", "xe-0/0/12")));
        TopologySource disagrees =
                TopologySource.of("static", List.of(new TopologyLink("w1", "ens1f0", "leaf1", "xe-0/0/10")));

        Topology same = Topology.merge(List.of(agrees, lldp));
        assertThat(same.errors()).isEmpty();
        assertThat(same.findLink("w1", null, PciAddress.parse("0000:3b:00.0")))
                .map(TopologyLink::port)
                .contains("xe-0/0/12");
        assertThat(same.findLink("w1", "ens1f0", null)).map(TopologyLink::port).contains("xe-0/0/12");

        Topology conflict = Topology.merge(List.of(disagrees, lldp));
        assertThat(conflict.links()).isEmpty();
        assertThat(conflict.errors())
                .singleElement()
                .satisfies(e -> assertThat(e.message())
                        .contains("lldp says w1/0000:3b:00.0 -> leaf1 xe-0/0/12")
                        .contains("static says w1/ens1f0 -> leaf1 xe-0/0/10")
                        .contains("left unmapped"));
    }

    @Test
    void anOldInventoryIsAWarningAndStillUsed() {
        Instant now = Instant.parse("2026-12-07T19:00:00Z");
        FabricBinderNode old = new FabricBinderNode(
                "w1",
                now.minus(Duration.ofHours(2)),
                node("w1", "ens1f0", "leaf1", PortIdSubtype.INTERFACE_NAME, "xe-0/0/12", "")
                        .physicalFunctions(),
                List.of());
        TopologySource.Result r = LldpTopologySource.builder(
                        () -> List.of(new FabricBinderNode.Parsed("w1", old, List.of())))
                .clock(InstantSource.fixed(now))
                .maxAge(Duration.ofMinutes(30))
                .build()
                .read();
        assertThat(r.links()).hasSize(1);
        assertThat(r.warnings())
                .singleElement()
                .satisfies(w -> assertThat(w.field()).isEqualTo("status.observedAt"));
    }

    /** A clock tests move by hand. */
    static final class MutableClock implements InstantSource {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }
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
        assertThat(r.warnings()).extracting(d -> d.object().toString()).containsExactly("CablingLink l3");
    }
}
