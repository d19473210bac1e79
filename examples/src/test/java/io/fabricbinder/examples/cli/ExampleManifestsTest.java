package io.fabricbinder.examples.cli;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.emulator.Topology;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.TopologySource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExampleManifestsTest {

    @Test
    void theExampleClusterParsesWithoutErrorsOrWarnings() {
        ManifestSet set = Manifests.parse(Path.of("manifests/cluster"));

        assertThat(set.errors()).isEmpty();
        assertThat(set.warnings()).isEmpty();
        assertThat(set.nads())
                .hasSize(2)
                .allMatch(nad -> nad.extendToFabric() && nad.labels().containsKey("tenant"));
        assertThat(set.pods())
                .extracting(p -> p.nodeName())
                .containsExactlyInAnyOrder("worker-1", "worker-1", "worker-2", "worker-3");
        assertThat(set.virtualNetworkRouters()).hasSize(1);
        assertThat(set.nodeStates()).hasSize(3);
    }

    @Test
    void everyPodVfBelongsToAPfCabledInTheTopology() {
        ManifestSet set = Manifests.parse(Path.of("manifests/cluster"));
        TopologySource.Result topology =
                StaticTopologyFile.parse("topology.yaml", BundledExamples.text("topology.yaml"));
        assertThat(topology.errors()).isEmpty();

        set.pods()
                .forEach(pod -> pod.networkStatus().forEach(status -> {
                    var pci = requireNonNull(
                            status.findDeviceInfo().orElseThrow().pci(), () -> pod + ": device-info without pci");
                    var pf = requireNonNull(pci.pfPciAddress(), () -> pod + ": device-info without pf-pci");
                    String node = requireNonNull(pod.nodeName(), () -> pod + " is not scheduled");
                    String pfName = set.findNodeState(node)
                            .orElseThrow()
                            .findPhysicalFunction(pf)
                            .orElseThrow()
                            .name();
                    assertThat(topology.links())
                            .as(pod.key())
                            .anyMatch(l ->
                                    l.node().equals(pod.nodeName()) && l.nic().equals(pfName));
                }));
    }

    @Test
    void theTopologyFileDescribesTheEmulatorsBundledFabric() {
        Topology fromFile = BundledExamples.emulatorFabric();
        Topology bundled = Topology.defaultTopology();

        assertThat(fromFile.leafs()).isEqualTo(bundled.leafs());
        assertThat(fromFile.cables()).isEqualTo(bundled.cables());
    }
}
