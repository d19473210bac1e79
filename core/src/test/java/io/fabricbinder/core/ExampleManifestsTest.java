package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented example manifests and topology file, planned offline as the CLI does. */
class ExampleManifestsTest {

    static ClusterSnapshot example() throws URISyntaxException {
        Path manifests = Path.of(
                ExampleManifestsTest.class.getResource("/manifests/example").toURI());
        Path topology = Path.of(
                ExampleManifestsTest.class.getResource("/topology/example.yaml").toURI());
        return new ClusterSnapshot(
                Manifests.parse(manifests), Topology.merge(List.of(StaticTopologyFile.read(topology))));
    }

    @Test
    void offlinePlanOfTheExampleMatchesTheGoldenJson() throws Exception {
        Plan plan = FabricBinder.builder()
                .gateway(new InMemoryFabricGateway())
                .addressBook(AddressBook.inMemory())
                .build()
                .plan(example());
        assertThat(plan.toJson()).isEqualTo(PlanRenderingTest.resource("/golden/example-plan.json"));
    }

    @Test
    void theExampleConvergesAfterOneReconcile() throws URISyntaxException, IOException {
        FabricBinder binder = FabricBinder.builder()
                .gateway(new InMemoryFabricGateway())
                .addressBook(AddressBook.inMemory())
                .build();
        ReconcileResult r = binder.reconcile(example());
        assertThat(r.isSuccess()).isTrue();
        assertThat(binder.plan(example()).hasChanges()).isFalse();
    }
}
