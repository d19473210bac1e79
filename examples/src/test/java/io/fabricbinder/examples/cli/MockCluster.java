package io.fabricbinder.examples.cli;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * fabric8's mock API server in CRUD mode with the controller's kinds (VirtualNetworkRouter with its
 * status subresource, as its CRD declares) and {@code FabricBinderNode} (cluster-scoped) registered, a kubeconfig for the CLI commands, and YAML loading.
 */
final class MockCluster implements AutoCloseable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    final KubernetesMockServer server;
    final KubernetesClient client;

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

    static MockCluster start() {
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

    /** A kubeconfig file pointing at this server. */
    Path kubeconfig(Path dir) throws Exception {
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

    /** Creates every document of a YAML stream. */
    void createAll(String yaml) throws Exception {
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
    static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what.get());
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
