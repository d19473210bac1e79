package io.fabricbinder.systemtests;

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
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster: fabric8's mock API server in CRUD mode (watches, finalizers, Leases) on plain HTTP on
 * 127.0.0.1, reachable from the controller processes through a kubeconfig file, with
 * the custom resources FabricBinder reads registered.
 */
final class MockApiServer implements AutoCloseable {
    /** Held, so that the level sticks: the mock logs every request at INFO, hundreds per run. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    final KubernetesMockServer server;
    final KubernetesClient client;

    MockApiServer() {
        MOCK_LOG.setLevel(Level.WARNING);
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        for (FabricBinderController.WatchedKind k : FabricBinderController.KINDS) {
            int slash = k.apiVersion().indexOf('/');
            if (slash > 0) {
                crd(
                        k.apiVersion().substring(0, slash),
                        k.apiVersion().substring(slash + 1),
                        k.kind(),
                        k.plural(),
                        true);
            }
        }
        crd("fabricbinder.io", "v1alpha1", FabricBinderNode.KIND, FabricBinderNode.PLURAL, false);
        client = server.createClient();
    }

    private void crd(String group, String version, String kind, String plural, boolean namespaced) {
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withKind(kind)
                .withPlural(plural)
                .withScope(namespaced ? "Namespaced" : "Cluster")
                .build());
    }

    /** Writes a kubeconfig for the child processes. */
    Path kubeconfig(Path dir) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: system-test, user: {token: system-test}}]
                contexts: [{name: mock, context: {cluster: mock, user: system-test, namespace: default}}]
                current-context: mock
                """.formatted("http://127.0.0.1:" + server.getPort()));
        return file;
    }

    /** Every document of a YAML file, as generic resources (not created). */
    List<GenericKubernetesResource> load(Path yaml) throws IOException {
        List<GenericKubernetesResource> out = new ArrayList<>();
        for (String doc : Files.readString(yaml, StandardCharsets.UTF_8).split("(?m)^---\\s*$", -1)) {
            if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
                out.add(client.getKubernetesSerialization().unmarshal(doc, GenericKubernetesResource.class));
            }
        }
        return out;
    }

    /** Creates {@code r} as is. */
    GenericKubernetesResource create(GenericKubernetesResource r) {
        return client.genericKubernetesResources(r.getApiVersion(), r.getKind())
                .inNamespace(r.getMetadata().getNamespace())
                .resource(r)
                .create();
    }

    /**
     * Every object of these kinds ("apiVersion Kind"), as one YAML stream: what `kubectl get -o yaml`
     * would hand a CI job.
     */
    String dump(String... kinds) {
        StringBuilder s = new StringBuilder();
        for (String k : kinds) {
            String[] av = k.split(" ", 2);
            for (GenericKubernetesResource r : client.genericKubernetesResources(av[0], av[1])
                    .inAnyNamespace()
                    .list()
                    .getItems()) {
                s.append("---\n")
                        .append(client.getKubernetesSerialization().asYaml(r).replaceFirst("^---\n", ""));
            }
        }
        return s.toString();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
