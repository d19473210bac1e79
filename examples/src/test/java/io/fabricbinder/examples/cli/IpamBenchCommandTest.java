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
    void memoryBackendRunPrintsThroughputNoDuplicatesAndTheBaselineRatio() {
        CliRun run = CliRun.of("ipam-bench", "--backend", "memory", "--allocations", "300", "--threads", "4");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("300 allocations on 4 threads, in-memory store")
                .containsPattern("FabricBinder allocator: [0-9,]+ allocations/s")
                .contains("duplicates found: 0, allocations recorded: 300")
                .contains("whereabouts-style")
                .containsPattern("faster");
    }

    @Test
    void etcdBackendIsNotAvailableInThisBuildYet() {
        CliRun run = CliRun.of("ipam-bench", "--backend", "etcd", "--endpoints", "http://127.0.0.1:2379");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(run.err()).contains("--backend etcd is not available in this build");
    }
}
