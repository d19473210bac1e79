package io.fabricbinder.examples.cli;

import static io.fabricbinder.examples.testing.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.VirtualNetworkView;
import io.fabricbinder.examples.controller.FabricBinderController;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 2 through {@code fabricbinder controller}: with no Kubernetes API server to answer,
 * the controller never reconciles (its informers never sync and it never leads), so the fabric keeps
 * everything FabricBinder owns. "Never" is counted in the controller's own attempts: every informer
 * has tried its list several times before the test looks.
 */
class ControllerWithoutApiServerTest {

    @Test
    void aControllerThatCannotReachTheApiServerNeverReconciles(@TempDir Path dir) throws Exception {
        try (ApstraEmulator apstra = ApstraEmulator.builder()
                        .topology(BundledExamples.emulatorFabric())
                        .start();
                UnansweringApiServer apiServer = new UnansweringApiServer()) {
            Map<String, String> env = Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", apstra.password());
            String[] common = {
                "--topology",
                PlanCommandTest.TOPOLOGY.toString(),
                "--ipam-dir",
                dir.resolve("ipam").toString(),
                "--apstra-url",
                apstra.baseUrl().toString(),
                "--blueprint",
                apstra.blueprintId()
            };
            CliRun applied = CliRun.withEnv(
                    env, concat(new String[] {"apply", "--manifests", PlanCommandTest.CLUSTER.toString()}, common));
            assertThat(applied.code()).as(applied.err()).isZero();
            List<VirtualNetworkView> networks = apstra.virtualNetworks(Stage.DEPLOYED);
            List<PortVlan> tagged = apstra.taggedVlans(Stage.DEPLOYED);
            int deploys = apstra.callCount("PUT /api/blueprints/{bp}/deploy");
            assertThat(networks).hasSize(2);

            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: gone, cluster: {server: "http://127.0.0.1:%d"}}]
                    users: [{name: test, user: {token: test-token}}]
                    contexts: [{name: gone, context: {cluster: gone, user: test, namespace: default}}]
                    current-context: gone
                    """.formatted(apiServer.port()));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger code = new AtomicInteger(-1);
            String[] args = concat(
                    new String[] {
                        "controller",
                        "--kubeconfig",
                        kubeconfig.toString(),
                        "--identity",
                        "fabricbinder-0",
                        "--window",
                        "PT0.1S"
                    },
                    common);
            Thread thread = new Thread(
                    () -> code.set(
                            FabricBinderCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args)),
                    "controller-command");
            thread.start();
            try {
                // The old code reconciled the empty cluster one window after start. Here every informer
                // has tried its list several times, and found no answer, before the test looks.
                await(
                        () -> FabricBinderController.KINDS.stream()
                                .allMatch(k -> apiServer.requests(listPath(k)) >= LIST_ATTEMPTS),
                        () -> "every informer to try its list " + LIST_ATTEMPTS + " times; requests: "
                                + apiServer.requestsByPath + "\n" + out + err);
                assertThat(out.toString()).contains("watching all namespaces");
            } finally {
                thread.interrupt();
                // Stopping gives up waiting for the Lease's release after
                // FabricBinderController.LEASE_RELEASE_WAIT rather than riding out fabric8's retries
                // against the silent API server (16-18 s before): well inside Kubernetes' 30 s grace.
                thread.join(10_000);
            }
            assertThat(thread.isAlive())
                    .as("the controller stopped within 10 s")
                    .isFalse();
            assertThat(err.toString()).doesNotContain("Exception in thread");
            assertThat(out.toString()).doesNotContain("reconciled:");
            assertThat(apstra.virtualNetworks(Stage.STAGING)).containsExactlyInAnyOrderElementsOf(networks);
            assertThat(apstra.taggedVlans(Stage.STAGING)).containsExactlyInAnyOrderElementsOf(tagged);
            assertThat(apstra.virtualNetworks(Stage.DEPLOYED)).containsExactlyInAnyOrderElementsOf(networks);
            assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(deploys);
        }
    }

    private static final int LIST_ATTEMPTS = 4;

    /** Where an informer lists a kind in all namespaces. */
    private static String listPath(FabricBinderController.WatchedKind k) {
        return (k.apiVersion().contains("/") ? "/apis/" : "/api/") + k.apiVersion() + "/" + k.plural();
    }

    /**
     * Takes each connection, notes the path of its request and hangs up without an answer: an API
     * server that is there for TCP but never answers, so the controller's attempts can be counted.
     */
    private static final class UnansweringApiServer implements AutoCloseable {
        private final ServerSocket socket;
        final Map<String, Integer> requestsByPath = new ConcurrentHashMap<>();

        UnansweringApiServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::serve, "unanswering-api-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int requests(String path) {
            return requestsByPath.getOrDefault(path, 0);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    connection.setSoTimeout(5_000);
                    String line = new BufferedReader(
                                    new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine();
                    String[] parts = line == null ? new String[0] : line.split(" ");
                    if (parts.length >= 2) {
                        requestsByPath.merge(parts[1].split("\\?", 2)[0], 1, Integer::sum);
                    }
                } catch (IOException e) {
                    // closed by close(), or the client hung up first
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
