package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {
    @Test
    void defaultTopologyHasTwoLeafsAndThreeWorkers() {
        Topology t = Topology.defaultTopology();

        assertThat(t.leafs()).containsExactly("leaf1", "leaf2");
        assertThat(t.servers()).containsExactly("worker-1", "worker-2", "worker-3");
        assertThat(t.cables()).contains(new Topology.Cable("worker-1", "ens1f0", "leaf1", "xe-0/0/10"));
    }

    @Test
    void bundledYamlDescribesTheDefaultTopology() {
        assertThat(Topology.parseYaml(Topology.defaultTopologyYaml())).isEqualTo(Topology.defaultTopology());
    }

    @Test
    void yamlWithAllForms(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.yaml");
        Files.writeString(file, """
                spines: [spine1]
                leafs: [leaf1]
                esiPairs:
                  - name: pair1
                    leafs: [leaf3, leaf4]
                cables:
                  - server worker-1 nic ens1f0 -> leaf1 xe-0/0/10
                servers:
                  - name: worker-2
                    nics:
                      - {nic: ens1f0, leaf: leaf1, port: xe-0/0/11}
                    lags:
                      - name: bond0
                        members:
                          - {nic: ens2f0, leaf: leaf3, port: xe-0/0/1}
                          - {nic: ens2f1, leaf: leaf4, port: xe-0/0/1}
                """);

        Topology t = Topology.fromYaml(file);

        assertThat(t.leafs()).containsExactly("leaf1", "leaf3", "leaf4");
        assertThat(t.leafPairs()).containsEntry("pair1", java.util.List.of("leaf3", "leaf4"));
        assertThat(t.lags())
                .singleElement()
                .satisfies(l -> assertThat(l.members()).hasSize(2));
        assertThat(t.servers()).containsExactly("worker-1", "worker-2");
    }

    @Test
    void mlagPairsAndLinkTagsFromYaml() {
        Topology t = Topology.parseYaml("""
                mlagPairs:
                  - name: p
                    leafs: [a, b]
                linkTags: [sriov]
                cables: ['w nic e0 -> a xe-0/0/1']
                """);

        assertThat(t.pairType("p")).isEqualTo("mlag");
        assertThat(t.linkTags()).containsExactly("sriov");
        assertThat(Topology.builder().esiPair("q", "x", "y").build().pairType("q"))
                .isEqualTo("esi");
    }

    @Test
    void badCableLineNamesTheEntry() {
        assertThatThrownBy(() -> Topology.parseYaml("leafs: [leaf1]\ncables:\n  - worker-1 ens1f0 leaf1\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cables[0]");
    }

    @Test
    void unknownLeafAndDoubleCablingAreRejected() {
        assertThatThrownBy(() -> Topology.builder()
                        .leaf("leaf1")
                        .cable("w", "e0", "leaf9", "xe-0/0/1")
                        .build())
                .hasMessageContaining("unknown leaf leaf9");
        assertThatThrownBy(() -> Topology.builder()
                        .leaf("leaf1")
                        .cable("w", "e0", "leaf1", "xe-0/0/1")
                        .cable("v", "e0", "leaf1", "xe-0/0/1")
                        .build())
                .hasMessageContaining("leaf port is already cabled");
    }

    @Test
    void lagAcrossUnpairedLeafsIsRejected() {
        assertThatThrownBy(() -> Topology.builder()
                        .leaf("leaf1")
                        .leaf("leaf2")
                        .esiLag(
                                "w",
                                "bond0",
                                new Topology.Cable("w", "e0", "leaf1", "xe-0/0/1"),
                                new Topology.Cable("w", "e1", "leaf2", "xe-0/0/1"))
                        .build())
                .hasMessageContaining("not one ESI or MLAG pair");
    }

    @Test
    void missingNameFieldIsNamed() {
        assertThatThrownBy(() -> Topology.parseYaml("leafs: [leaf1]\nservers:\n  - nics: []\n"))
                .hasMessageContaining("servers[0].name");
    }
}
