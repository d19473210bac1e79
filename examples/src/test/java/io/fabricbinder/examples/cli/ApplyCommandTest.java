package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyCommandTest {

    private static final String[] TARGET = {
        "apply",
        "--manifests",
        PlanCommandTest.CLUSTER.toString(),
        "--topology",
        PlanCommandTest.TOPOLOGY.toString(),
        "--apstra-url",
        "https://127.0.0.1:1",
        "--blueprint",
        "bp-1"
    };

    @Test
    void missingPasswordIsAnInputError() {
        CliRun run = CliRun.withEnv(Map.of("APSTRA_USER", "admin"), TARGET);

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("no Apstra password: set APSTRA_PASSWORD or --password-file");
    }

    @Test
    void unreadableCaCertIsAnInputError(@TempDir Path dir) {
        CliRun run = CliRun.withEnv(
                Map.of("APSTRA_USER", "admin", "APSTRA_PASSWORD", "s3cret"),
                concat(TARGET, "--ca-cert", dir.resolve("missing.pem").toString()));

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--ca-cert").doesNotContain("s3cret");
    }

    @Test
    void withCredentialsApplyIsNotAvailableInThisBuildYet(@TempDir Path dir) throws Exception {
        Path password = dir.resolve("password");
        Files.writeString(password, "s3cret\n");

        CliRun run =
                CliRun.withEnv(Map.of("APSTRA_USER", "admin"), concat(TARGET, "--password-file", password.toString()));

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(run.err()).contains("applying a plan is not available in this build");
        assertThat(run.out() + run.err()).doesNotContain("s3cret");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
