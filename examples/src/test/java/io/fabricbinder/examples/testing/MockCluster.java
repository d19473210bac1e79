package io.fabricbinder.examples.testing;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabricbinder.core.topology.FabricBinderNode;
import io.fabricbinder.examples.controller.FabricBinderController;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * fabric8's mock API server in CRUD mode with the controller's kinds (VirtualNetworkRouter with its
 * status subresource, as its CRD declares) and {@code FabricBinderNode} (cluster-scoped) registered,
 * a client of it, a kubeconfig for the CLI commands, and YAML loading. The one set-up of a mock
 * cluster for the controller's tests and the CLI's.
 *
 * <pre>{@code
 * try (MockCluster cluster = MockCluster.start()) {
 *     cluster.createAll(yaml);
 *     MockCluster.await(() -> cluster.client().pods().list().getItems().size() == 1, "the pod");
 * }
 * }</pre>
 */
public final class MockCluster implements AutoCloseable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private MockCluster() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), true);
        server.init();
        for (FabricBinderController.WatchedKind k : FabricBinderController.KINDS) {
            int slash = k.apiVersion().indexOf('/');
            if (slash > 0) {
                server.expectCustomResource(context(
                        k.apiVersion().substring(0, slash),
                        k.apiVersion().substring(slash + 1),
                        k.kind(),
                        k.plural(),
                        "Namespaced",
                        k.kind().equals("VirtualNetworkRouter")));
            }
        }
        server.expectCustomResource(context(
                "fabricbinder.io", "v1alpha1", FabricBinderNode.KIND, FabricBinderNode.PLURAL, "Cluster", false));
        client = server.createClient();
    }

    /** Starts a mock API server with the controller's kinds registered, and a client of it. */
    public static MockCluster start() {
        return new MockCluster();
    }

    private static CustomResourceDefinitionContext context(
            String group, String version, String kind, String plural, String scope, boolean statusSubresource) {
        return new CustomResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withKind(kind)
                .withPlural(plural)
                .withScope(scope)
                .withStatusSubresource(statusSubresource)
                .build();
    }

    /** The mock API server (to stop it early, or to build further clients of it). */
    public KubernetesMockServer server() {
        return server;
    }

    /** A client of the mock API server, closed by {@link #close()}. */
    public KubernetesClient client() {
        return client;
    }

    /** A kubeconfig file pointing at this server, written into {@code dir}. */
    public Path kubeconfig(Path dir) throws IOException {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: test, user: {token: test-token}}]
                contexts: [{name: mock, context: {cluster: mock, user: test, namespace: default}}]
                current-context: mock
                """.formatted(client.getMasterUrl().toString()));
        return kubeconfig;
    }

    /** One YAML document as a generic resource (not created). */
    public GenericKubernetesResource resource(String yaml) throws IOException {
        return client.getKubernetesSerialization()
                .convertValue(YAML.readValue(yaml, Map.class), GenericKubernetesResource.class);
    }

    /** Creates every document of a YAML stream. */
    public void createAll(String yaml) throws IOException {
        try (MappingIterator<Map<String, Object>> docs =
                YAML.readerForMapOf(Object.class).readValues(yaml)) {
            while (docs.hasNextValue()) {
                GenericKubernetesResource r = client.getKubernetesSerialization()
                        .convertValue(docs.nextValue(), GenericKubernetesResource.class);
                client.genericKubernetesResources(r.getApiVersion(), r.getKind())
                        .inNamespace(r.getMetadata().getNamespace())
                        .resource(r)
                        .create();
            }
        }
    }

    /** Polls {@code condition} every 100 ms for up to 90 s. */
    public static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what.get());
            }
            Thread.sleep(100);
        }
    }

    /** Polls {@code condition} every 100 ms for up to 90 s. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
