package io.fabricbinder.examples.cli;

import static io.fabricbinder.examples.testing.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.examples.testing.MockCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fabricbinder controller} as the Deployment in {@code deploy/} runs it: every setting from
 * a {@code --config} file, {@code /metrics}, {@code /healthz} and {@code /readyz} served, and each
 * VirtualNetworkRouter's status written back — against fabric8's mock API server and the Apstra
 * emulator.
 */
class ControllerDeploymentTest {
    @Test
    void configFileSettingsMetricsProbesAndRouterStatus(@TempDir Path dir) throws Exception {
        try (MockCluster cluster = MockCluster.start();
                ApstraEmulator apstra = ApstraEmulator.builder()
                        .topology(BundledExamples.emulatorFabric())
                        .start()) {
            KubernetesClient client = cluster.client();
            Path kubeconfig = cluster.kubeconfig(dir);
            Path password = dir.resolve("apstra-password");
            Files.writeString(password, apstra.password() + "\n");
            int port = freePort();
            Path config = dir.resolve("controller.yaml");
            Files.writeString(config, """
                    kubeconfig: %s
                    identity: fabricbinder-0
                    topology: %s
                    ipam-dir: %s
                    window: PT0.2S
                    apstra-url: %s
                    blueprint: %s
                    password-file: %s
                    metrics-bind-address: 127.0.0.1:%d
                    health-probe-bind-address: 127.0.0.1:%d
                    """.formatted(
                            kubeconfig,
                            PlanCommandTest.TOPOLOGY.toAbsolutePath(),
                            dir.resolve("ipam"),
                            apstra.baseUrl(),
                            apstra.blueprintId(),
                            password,
                            port,
                            port));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger code = new AtomicInteger(-1);
            Map<String, String> env = Map.of("APSTRA_USER", apstra.username());
            Thread thread = new Thread(
                    () -> code.set(FabricBinderCli.run(
                            env,
                            new PrintWriter(out, true),
                            new PrintWriter(err, true),
                            "controller",
                            "--config=" + config)),
                    "controller-command");
            thread.start();
            URI base = URI.create("http://127.0.0.1:" + port);
            try {
                await(() -> out.toString().contains("watching all namespaces"), "the controller to start");
                await(() -> get(base.resolve("/readyz")).startsWith("200"), "/readyz to say ready");
                assertThat(get(base.resolve("/healthz"))).isEqualTo("200 ok\n");
                for (String file : List.of(
                        BundledExamples.NADS, BundledExamples.VNR, BundledExamples.NODE_STATES, BundledExamples.PODS)) {
                    cluster.createAll(BundledExamples.text(file));
                }
                await(() -> apstra.taggedVlans(Stage.DEPLOYED).size() == 3, "three tagged leaf ports, deployed");
                // An earlier reconcile (before the pods, or before the router's networks) may write Ready
                // False first; wait for the routed state.
                await(
                        () -> {
                            Map<String, Object> ready = condition(client, "Ready");
                            return ready != null && "True".equals(ready.get("status"));
                        },
                        "the router's status to say Ready");

                Map<String, Object> status = status(client);
                assertThat(String.valueOf(status.get("routingZone"))).matches("fbz[0-9a-f]{8}");
                assertThat(status.get("virtualNetworks"))
                        .isEqualTo(List.of("tenant-blue/blue-db", "tenant-blue/blue-web"));
                assertThat(status.get("observedGeneration") instanceof Number g ? g.longValue() : 0L)
                        .isPositive();
                assertThat(condition(client, "Ready"))
                        .containsEntry("status", "True")
                        .containsEntry("reason", "Routed");
                assertThat(condition(client, "Degraded"))
                        .containsEntry("status", "False")
                        .containsEntry("reason", "AsExpected");

                // The Ready condition may come from the reconcile before the pods' one; the pods' reconcile
                // records pool usage when it has applied (after the emulator shows its ports deployed).
                await(
                        () -> Pattern.compile("fabricbinder_ipam_pool_allocated_addresses\\{pool=\"[^\"]+\"} [1-9]")
                                .matcher(get(base.resolve("/metrics")))
                                .find(),
                        "the pods' reconcile to record IPAM pool usage");
                String metrics = get(base.resolve("/metrics"));
                assertThat(metrics)
                        .startsWith("200 ")
                        .containsPattern("controller_runtime_reconcile_total\\{controller=\"fabricbinder\","
                                + "result=\"success\"} [1-9]")
                        .contains(
                                "controller_runtime_reconcile_time_seconds_bucket{controller=\"fabricbinder\",le=\"+Inf\"}")
                        .containsPattern("fabricbinder_apstra_requests_total\\{method=\"POST\",code=\"20[0-9]\"} [1-9]")
                        .containsPattern("fabricbinder_fabric_applies_total\\{status=\"applied\"} [1-9]")
                        .containsPattern(
                                "fabricbinder_plan_changes_total\\{kind=\"routing_zone\",action=\"create\"} [1-9]")
                        .containsPattern("fabricbinder_ipam_pool_allocated_addresses\\{pool=\"[^\"]+\"} [1-9]")
                        .contains("leader_election_master_status{name=\"fabricbinder-controller\"} 1")
                        .contains("workqueue_depth{controller=\"fabricbinder\",name=\"fabricbinder\"}");
            } finally {
                thread.interrupt();
                thread.join(20_000);
            }
            assertThat(thread.isAlive()).isFalse();
            assertThat(code.get()).as(err.toString()).isZero();
            assertThat(err.toString()).isEmpty();
        }
    }

    @Test
    void anUnknownSettingInTheConfigFileIsAnInputErrorNamingIt(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("controller.yaml");
        Files.writeString(
                config,
                "identity: a\ntopology: " + PlanCommandTest.TOPOLOGY.toAbsolutePath() + "\napstra-ulr: https://x\n");

        CliRun run = CliRun.withEnv(Map.of(), "controller", "--config", config.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("unknown setting 'apstra-ulr'").contains("apstra-url");
    }

    @Test
    void theCommandLineWinsOverTheConfigFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("controller.yaml");
        Files.writeString(config, """
                identity: a
                topology: %s
                apstra-url: ftp://from-the-file
                blueprint: b
                """.formatted(PlanCommandTest.TOPOLOGY.toAbsolutePath()));

        CliRun fromFile = CliRun.withEnv(Map.of(), "controller", "--config", config.toString());
        CliRun overridden = CliRun.withEnv(
                Map.of(), "controller", "--config", config.toString(), "--apstra-url", "https://apstra.example");

        assertThat(fromFile.err()).contains("--apstra-url: expected http(s)://host[:port], got ftp://from-the-file");
        assertThat(overridden.err()).doesNotContain("ftp://").contains("no Apstra user");
    }

    @Test
    void etcdAndAFileStoreExcludeEachOther(@TempDir Path dir) {
        CliRun run = CliRun.withEnv(
                Map.of("APSTRA_USER", "u", "APSTRA_PASSWORD", "p"),
                "controller",
                "--identity=a",
                "--topology=" + PlanCommandTest.TOPOLOGY,
                "--apstra-url=https://apstra.example",
                "--blueprint=b",
                "--ipam-dir=" + dir,
                "--etcd-endpoints=https://127.0.0.1:2379");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--ipam-dir and --etcd-endpoints exclude each other");
    }

    @Test
    void everySettingInTheShippedConfigFilesIsAControllerOption() {
        for (String overlay : List.of("file", "etcd")) {
            Path file = Path.of("..")
                    .toAbsolutePath()
                    .normalize()
                    .resolve("deploy/overlays/" + overlay + "/controller.yaml");
            CommandLine cli = FabricBinderCli.commandLine(Map.of());
            CommandLine controller = Objects.requireNonNull(cli.getSubcommands().get("controller"));
            ConfigFileDefaults.install(controller, "controller", "--config", file.toString());

            assertThat(((ConfigFileDefaults) controller.getCommandSpec().defaultValueProvider())
                            .problems(controller.getCommandSpec()))
                    .as(file.toString())
                    .isEmpty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** "CODE BODY" of a GET, or "error ..." when nothing answered. */
    private static String get(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            int code = c.getResponseCode();
            try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                return code + " " + (in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return "error " + e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(KubernetesClient client) {
        GenericKubernetesResource vnr = client.genericKubernetesResources(
                        "fabricbinder.io/v1alpha1", "VirtualNetworkRouter")
                .inNamespace("tenant-blue")
                .withName("blue-mesh")
                .get();
        Object status = vnr == null ? null : vnr.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Map<String, Object> condition(KubernetesClient client, String type) {
        if (status(client).get("conditions") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> c && type.equals(c.get("type"))) {
                    return (Map<String, Object>) c;
                }
            }
        }
        return null;
    }
}
