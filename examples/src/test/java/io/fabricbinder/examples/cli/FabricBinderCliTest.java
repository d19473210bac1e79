package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FabricBinderCliTest {

    @Test
    void helpListsEverySubcommand() {
        CliRun run = CliRun.of("--help");

        assertThat(run.code()).isZero();
        assertThat(run.out())
                .contains(
                        "quickstart",
                        "plan",
                        "apply",
                        "emulator",
                        "sriov-inventory",
                        "ipam-bench",
                        "controller",
                        "node-agent",
                        "cni-install");
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "quickstart",
                "plan",
                "apply",
                "emulator",
                "sriov-inventory",
                "ipam-bench",
                "controller",
                "node-agent",
                "cni-install"
            })
    void everySubcommandHasHelp(String subcommand) {
        CliRun run = CliRun.of(subcommand, "--help");

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("Usage: fabricbinder " + subcommand);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = CliRun.of("--no-such-option");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--no-such-option");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        CliRun run = CliRun.of("plan", "--topology", "t.yaml");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--manifests");
    }
}
