package io.fabricbinder.examples.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabricbinder.core.AddressBook;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.ClusterSnapshot;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.InMemoryFabricGateway;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.examples.testing.MockCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Router status through the status subresource of fabric8's mock API server (CRUD mode). */
class RouterStatusWriterTest {
    private static final String API = "fabricbinder.io/v1alpha1";
    private static final String KIND = "VirtualNetworkRouter";

    private MockCluster cluster;
    private KubernetesClient client;
    private static final Instant NOW = Instant.parse("2026-12-07T19:00:00Z");
    private RouterStatusWriter writer;

    @BeforeEach
    void start() throws IOException {
        cluster = MockCluster.start();
        client = cluster.client();
        writer = new RouterStatusWriter(client, InstantSource.fixed(NOW));
        create("blue-mesh", "blue");
        create("nothing", "green");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aRoutedRouterIsReadyAndAQuietClusterCausesNoWrites() {
        ReconcileResult result = reconcile();

        assertThat(writer.update(routers(), result)).isEqualTo(2);
        assertThat(condition("blue-mesh", "Ready"))
                .containsEntry("status", "True")
                .containsEntry("reason", "Routed")
                .containsEntry("lastTransitionTime", "2026-12-07T19:00:00Z");
        assertThat(status("blue-mesh").get("virtualNetworks"))
                .isEqualTo(List.of("tenant-blue/blue-db", "tenant-blue/blue-web"));
        assertThat(String.valueOf(status("blue-mesh").get("routingZone"))).startsWith("fbz");
        assertThat(condition("nothing", "Ready"))
                .containsEntry("status", "False")
                .containsEntry("reason", "NoNetworks");

        RouterStatusWriter later = new RouterStatusWriter(client, InstantSource.fixed(NOW.plusSeconds(60)));
        assertThat(later.update(routers(), reconcile()))
                .as("nothing changed: no writes")
                .isZero();
    }

    @Test
    void aRefusedApplyDegradesTheRouterAndAnErrorMakesItInvalid() {
        ReconcileResult ok = reconcile();
        writer.update(routers(), ok);
        ReconcileResult refused = new ReconcileResult(
                ok.plan(),
                new ApplyResult(ApplyResult.Status.REFUSED, 0, List.of(), "the blueprint lock is held by someone else"),
                List.of(),
                List.of(),
                List.of());
        RouterStatusWriter later = new RouterStatusWriter(client, InstantSource.fixed(NOW.plusSeconds(60)));

        assertThat(later.update(routers(), refused)).isEqualTo(2);
        assertThat(condition("blue-mesh", "Degraded"))
                .containsEntry("status", "True")
                .containsEntry("reason", "FabricRefused")
                .containsEntry("message", "the blueprint lock is held by someone else")
                .containsEntry("lastTransitionTime", "2026-12-07T19:01:00Z");
        assertThat(condition("blue-mesh", "Ready")).containsEntry("reason", "FabricNotApplied");

        ReconcileResult invalid = new ReconcileResult(
                ok.plan(),
                ok.fabric(),
                List.of(),
                List.of(),
                List.of(new Diagnostic(
                        ObjectRef.of("VirtualNetworkRouter", "tenant-blue", "blue-mesh"),
                        "spec.type",
                        "unknown type 'star'")));
        later.update(routers(), invalid);
        assertThat(condition("blue-mesh", "Ready"))
                .containsEntry("status", "False")
                .containsEntry("reason", "Invalid");
        assertThat((String) condition("blue-mesh", "Ready").get("message"))
                .startsWith("spec.type: unknown type 'star'");
    }

    private ReconcileResult reconcile() {
        FabricBinder binder = FabricBinder.builder()
                .gateway(new InMemoryFabricGateway())
                .addressBook(AddressBook.inMemory())
                .build();
        return binder.reconcile(new ClusterSnapshot(
                Manifests.parse(Path.of("manifests/cluster")),
                Topology.merge(List.of(StaticTopologyFile.read(Path.of("manifests/topology.yaml"))))));
    }

    private void create(String name, String tenant) throws IOException {
        cluster.createAll("""
                apiVersion: fabricbinder.io/v1alpha1
                kind: VirtualNetworkRouter
                metadata: {name: %s, namespace: tenant-blue}
                spec: {type: mesh, virtualNetworkSelector: {matchLabels: {tenant: %s}}}
                """.formatted(name, tenant));
    }

    private List<GenericKubernetesResource> routers() {
        return client.genericKubernetesResources(API, KIND)
                .inNamespace("tenant-blue")
                .list()
                .getItems();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> status(String name) {
        GenericKubernetesResource r = client.genericKubernetesResources(API, KIND)
                .inNamespace("tenant-blue")
                .withName(name)
                .get();
        return r != null && r.getAdditionalProperties().get("status") instanceof Map<?, ?> m
                ? (Map<String, Object>) m
                : Map.of();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> condition(String name, String type) {
        @Nullable Object conditions = status(name).get("conditions");
        if (conditions instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> c && type.equals(c.get("type"))) {
                    return (Map<String, Object>) c;
                }
            }
        }
        return Map.of();
    }
}
