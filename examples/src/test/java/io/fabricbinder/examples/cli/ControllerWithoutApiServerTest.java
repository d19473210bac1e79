package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.VirtualNetworkView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 2 through {@code fabricbinder controller}: with no Kubernetes API server reachable
 * the controller never reconciles (its informers never sync and it never leads), so the fabric keeps
 * everything FabricBinder owns.
 */
class ControllerWithoutApiServerTest {

    @Test
    void aControllerThatCannotReachTheApiServerNeverReconciles(@TempDir Path dir) throws Exception {
        try (ApstraEmulator apstra = ApstraEmulator.builder()
                .topology(BundledExamples.emulatorFabric())
                .start()) {
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

            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: gone, cluster: {server: "http://127.0.0.1:%d"}}]
                    users: [{name: test, user: {token: test-token}}]
                    contexts: [{name: gone, context: {cluster: gone, user: test, namespace: default}}]
                    current-context: gone
                    """.formatted(closedPort));
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
                // Many reconcile windows: on the old code a reconcile of the empty cluster ran after one.
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (System.nanoTime() < until) {
                    assertThat(out.toString()).doesNotContain("reconciled:");
                    Thread.sleep(100);
                }
            } finally {
                thread.interrupt();
                thread.join(30_000);
            }
            assertThat(out.toString()).doesNotContain("reconciled:");
            assertThat(apstra.virtualNetworks(Stage.STAGING)).containsExactlyInAnyOrderElementsOf(networks);
            assertThat(apstra.taggedVlans(Stage.STAGING)).containsExactlyInAnyOrderElementsOf(tagged);
            assertThat(apstra.virtualNetworks(Stage.DEPLOYED)).containsExactlyInAnyOrderElementsOf(networks);
            assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(deploys);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
