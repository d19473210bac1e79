package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyCommandTest {

    private ApstraEmulator apstra;
    private Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeEach
    void startApstra() {
        apstra = ApstraEmulator.builder()
                .topology(BundledExamples.emulatorFabric())
                .start();
        env = Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", apstra.password());
    }

    @AfterEach
    void stopApstra() {
        apstra.close();
    }

    @Test
    void appliesTheExampleClusterInOneCommitAndASecondApplyChangesNothing() {
        CliRun first = CliRun.withEnv(env, args("apply"));

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("+ tag   leaf1 xe-0/0/10", "Apply: APPLIED", "allocated 10.10.1.");
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(1);
        assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("leaf1", "xe-0/0/10", 101),
                        org.assertj.core.groups.Tuple.tuple("leaf1", "xe-0/0/11", 101),
                        org.assertj.core.groups.Tuple.tuple("leaf2", "xe-0/0/12", 102));

        CliRun second = CliRun.withEnv(env, args("apply"));

        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("Apply: NO_CHANGES").doesNotContain("allocated ");
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(1);
    }

    @Test
    void planAgainstApstraShowsNothingToDoAfterAnApply() {
        CliRun.withEnv(env, args("apply"));

        CliRun plan = CliRun.withEnv(env, args("plan"));

        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("0 to create", "0 ports to tag");
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(1);
    }

    @Test
    void missingPasswordIsAnInputError() {
        CliRun run = CliRun.withEnv(Map.of("APSTRA_USER", "admin"), args("apply"));

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("no Apstra password: set APSTRA_PASSWORD or --password-file");
    }

    @Test
    void passwordFileWorksAndThePasswordIsNeverPrinted() throws Exception {
        Path password = dir.resolve("password");
        Files.writeString(password, apstra.password() + "\n");

        CliRun run = CliRun.withEnv(
                Map.of("APSTRA_USER", apstra.username()),
                concat(args("apply"), "--password-file", password.toString()));

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out() + run.err()).doesNotContain("password=" + apstra.password());
    }

    @Test
    void unreadableCaCertIsAnInputError() {
        CliRun run = CliRun.withEnv(
                env,
                concat(args("apply"), "--ca-cert", dir.resolve("missing.pem").toString()));

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--ca-cert");
    }

    @Test
    void anUnreachableApstraIsAnUnexpectedFailure() {
        int port = apstra.port();
        apstra.close();

        CliRun run = CliRun.withEnv(env, args("apply"));

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(run.err()).contains("127.0.0.1:" + port);
    }

    private String[] args(String command) {
        String[] common = {
            command,
            "--manifests",
            PlanCommandTest.CLUSTER.toString(),
            "--topology",
            PlanCommandTest.TOPOLOGY.toString(),
            "--apstra-url",
            apstra.baseUrl().toString(),
            "--blueprint",
            apstra.blueprintId()
        };
        return command.equals("apply")
                ? concat(common, "--ipam-dir", dir.resolve("ipam").toString())
                : common;
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
