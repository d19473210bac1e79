package io.fabricbinder.core.apstra;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.Credentials;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.core.AddressBook;
import io.fabricbinder.core.ClusterSnapshot;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.topology.ApstraCablingTopologySource;
import io.fabricbinder.core.topology.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed workflow end to end: the example manifests (NADs, a pod on worker-1, a VNR) planned by
 * {@link FabricBinder} with the topology read from Apstra's cabling map, applied through {@link
 * ApstraFabricGateway} to the emulator over HTTP; planning again gives no fabric changes.
 */
class ApstraSeedWorkflowTest {

    @Test
    void exampleManifestsReconcileToTheEmulatorAndConverge() {
        try (ApstraEmulator apstra =
                        ApstraEmulator.builder().apstraVersion("6.2.0").start();
                ApstraClient client = ApstraClient.builder()
                        .baseUrl(apstra.baseUrl())
                        .credentials(new Credentials(apstra.username(), apstra.password()))
                        .build()) {
            ApstraFabricGateway gateway = ApstraFabricGateway.builder()
                    .client(client)
                    .blueprintId(apstra.blueprintId())
                    .lockWait(Duration.ZERO)
                    .build();
            FabricBinder binder = FabricBinder.builder()
                    .gateway(gateway)
                    .addressBook(AddressBook.inMemory())
                    .build();
            ManifestSet manifests = Manifests.parse(Path.of("src/test/resources/manifests/example"));
            Topology topology = Topology.merge(List.of(ApstraCablingTopologySource.of(
                    () -> client.blueprint(apstra.blueprintId()).graph().cablingMap())));
            ClusterSnapshot snapshot = new ClusterSnapshot(manifests, topology);

            ReconcileResult r = binder.reconcile(snapshot);

            assertThat(r.fabric().failures()).isEmpty();
            assertThat(r.fabric().isSuccess()).as(r.fabric().message()).isTrue();
            assertThat(r.plan().portBindings()).isNotEmpty();
            assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                    .extracting(PortVlan::leaf, PortVlan::port)
                    .isNotEmpty()
                    .allSatisfy(t -> assertThat(t.toList()).containsExactly("leaf1", "xe-0/0/10"));
            assertThat(apstra.hasUncommittedChanges()).isFalse();
            Plan again = binder.plan(snapshot);
            assertThat(again.hasFabricChanges()).as(again.toText()).isFalse();
            int deploys = apstra.callCount("PUT /api/blueprints/{bp}/deploy");
            assertThat(binder.reconcile(snapshot).fabric().status().name()).isEqualTo("NO_CHANGES");
            assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(deploys);
        }
    }

    @Test
    void aFailedDeployIsDeployedByTheNextReconcile() {
        try (ApstraEmulator apstra =
                        ApstraEmulator.builder().apstraVersion("6.2.0").start();
                ApstraClient client = ApstraClient.builder()
                        .baseUrl(apstra.baseUrl())
                        .credentials(new Credentials(apstra.username(), apstra.password()))
                        .build()) {
            ApstraFabricGateway gateway = ApstraFabricGateway.builder()
                    .client(client)
                    .blueprintId(apstra.blueprintId())
                    .lockWait(Duration.ZERO)
                    .build();
            FabricBinder binder = FabricBinder.builder()
                    .gateway(gateway)
                    .addressBook(AddressBook.inMemory())
                    .build();
            ClusterSnapshot snapshot = new ClusterSnapshot(
                    Manifests.parse(Path.of("src/test/resources/manifests/example")),
                    Topology.merge(List.of(ApstraCablingTopologySource.of(
                            () -> client.blueprint(apstra.blueprintId()).graph().cablingMap()))));
            apstra.faults().failNext(1, 500, "PUT .*/deploy");

            assertThat(binder.reconcile(snapshot).fabric().status().name()).isEqualTo("FAILED");
            assertThat(apstra.hasUncommittedChanges()).isTrue();

            ReconcileResult r = binder.reconcile(snapshot);

            assertThat(r.fabric().isSuccess()).as(r.fabric().message()).isTrue();
            assertThat(apstra.hasUncommittedChanges()).isFalse();
            assertThat(apstra.taggedVlans(Stage.DEPLOYED)).isNotEmpty();
            assertThat(binder.plan(snapshot).hasFabricChanges()).isFalse();
        }
    }
}
