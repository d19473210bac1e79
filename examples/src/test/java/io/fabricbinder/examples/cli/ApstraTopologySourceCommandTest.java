package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.examples.controller.FabricBinderController;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code controller --topology-source apstra}: the blueprint's cabling map alone maps the PFs. */
class ApstraTopologySourceCommandTest {

    @Test
    void theCablingMapAloneTagsThePortsOfTheBundledCluster(@TempDir Path dir) throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), true);
        server.init();
        for (FabricBinderController.WatchedKind k : FabricBinderController.KINDS) {
            int slash = k.apiVersion().indexOf('/');
            if (slash > 0) {
                server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                        .withGroup(k.apiVersion().substring(0, slash))
                        .withVersion(k.apiVersion().substring(slash + 1))
                        .withKind(k.kind())
                        .withPlural(k.plural())
                        .withScope("Namespaced")
                        .build());
            }
        }
        try (KubernetesClient client = server.createClient();
                ApstraEmulator apstra = ApstraEmulator.builder()
                        .topology(BundledExamples.topology().toEmulatorTopology())
                        .start()) {
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                    users: [{name: test, user: {token: test-token}}]
                    contexts: [{name: mock, context: {cluster: mock, user: test, namespace: default}}]
                    current-context: mock
                    """.formatted(client.getMasterUrl().toString()));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger code = new AtomicInteger(-1);
            String[] args = {
                "controller",
                "--kubeconfig",
                kubeconfig.toString(),
                "--identity",
                "fabricbinder-0",
                "--topology-source",
                "apstra",
                "--ipam-dir",
                dir.resolve("ipam").toString(),
                "--window",
                "PT0.2S",
                "--apstra-url",
                apstra.baseUrl().toString(),
                "--blueprint",
                apstra.blueprintId()
            };
            Map<String, String> env = Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", apstra.password());
            Thread thread = new Thread(
                    () -> code.set(
                            FabricBinderCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args)),
                    "controller-command");
            thread.start();
            try {
                await(() -> out.toString().contains("topology from [apstra]"), "the controller to start");
                for (String file : List.of(
                        BundledExamples.NADS, BundledExamples.VNR, BundledExamples.NODE_STATES, BundledExamples.PODS)) {
                    createAll(client, BundledExamples.text(file));
                }
                await(() -> apstra.taggedVlans(Stage.DEPLOYED).size() == 3, "three tagged leaf ports, deployed");
            } finally {
                thread.interrupt();
                thread.join(20_000);
            }
            assertThat(code.get()).as(err.toString()).isZero();
            assertThat(out.toString()).doesNotContain("topology error");
        } finally {
            server.destroy();
        }
    }

    @Test
    void theStaticSourceNeedsAFile() {
        CliRun run = CliRun.withEnv(
                Map.of("APSTRA_USER", "admin", "APSTRA_PASSWORD", "admin"),
                "controller",
                "--identity",
                "x",
                "--topology-source",
                "static,lldp",
                "--apstra-url",
                "https://127.0.0.1:1",
                "--blueprint",
                "bp");
        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("the static topology source needs --topology FILE");
        CliRun bad = CliRun.withEnv(Map.of(), "controller", "--identity", "x", "--topology-source", "carrier-pigeon");
        assertThat(bad.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(bad.err()).contains("'carrier-pigeon' is not a topology source");
    }

    private static void createAll(KubernetesClient client, String yaml) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper yamlMapper = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        try (com.fasterxml.jackson.databind.MappingIterator<Map<String, Object>> docs =
                yamlMapper.readerForMapOf(Object.class).readValues(yaml)) {
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

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }
}
