package io.fabricbinder.examples.cli;

import static io.fabricbinder.examples.testing.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.examples.testing.MockCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code controller --topology-source apstra}: the blueprint's cabling map alone maps the PFs. */
class ApstraTopologySourceCommandTest {

    @Test
    void theCablingMapAloneTagsThePortsOfTheBundledCluster(@TempDir Path dir) throws Exception {
        try (MockCluster cluster = MockCluster.start();
                ApstraEmulator apstra = ApstraEmulator.builder()
                        .topology(BundledExamples.emulatorFabric())
                        .start()) {
            Path kubeconfig = cluster.kubeconfig(dir);
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
                    cluster.createAll(BundledExamples.text(file));
                }
                await(() -> apstra.taggedVlans(Stage.DEPLOYED).size() == 3, "three tagged leaf ports, deployed");
            } finally {
                thread.interrupt();
                thread.join(20_000);
            }
            assertThat(code.get()).as(err.toString()).isZero();
            assertThat(out.toString()).doesNotContain("topology error");
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
}
