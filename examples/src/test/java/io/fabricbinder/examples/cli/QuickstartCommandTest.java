package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuickstartCommandTest {

    @Test
    void startsTheEmulatorShowsTheClusterAndWaitsForTheReconcilerOfThisBuild() {
        CliRun run = CliRun.of("quickstart");

        assertThat(run.out())
                .contains(
                        "[1/6] Starting the Apstra emulator",
                        "NAD tenant-blue/blue-web",
                        "Pod tenant-blue/db-1       on worker-3",
                        "(no VLAN on any server port)");
        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(run.err()).contains("the reconcile step is not available in this build");
    }
}
