package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerCommandTest {

    @Test
    void eachReplicaNeedsAnIdentity() {
        CliRun run = CliRun.withEnv(Map.of(), "controller");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--identity is required");
    }

    @Test
    void reconcilingIsNotAvailableInThisBuildYet() {
        CliRun run = CliRun.withEnv(Map.of("POD_NAME", "fabricbinder-0"), "controller");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(run.err()).contains("reconciling the fabric from the cluster is not available in this build");
    }
}
