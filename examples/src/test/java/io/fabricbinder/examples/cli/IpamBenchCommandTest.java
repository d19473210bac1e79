package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpamBenchCommandTest {

    @Test
    void etcdBackendNeedsEndpoints() {
        CliRun run = CliRun.of("ipam-bench", "--backend", "etcd");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--endpoints is required with --backend etcd");
    }

    @Test
    void nonPositiveAllocationsAreAnInputError() {
        CliRun run = CliRun.of("ipam-bench", "--allocations", "0");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--allocations");
    }

    @Test
    void theBenchmarkIsNotAvailableInThisBuildYet() {
        CliRun run = CliRun.of("ipam-bench", "--backend", "memory", "--allocations", "100", "--threads", "2");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(run.err()).contains("the allocator benchmark is not available in this build");
    }
}
