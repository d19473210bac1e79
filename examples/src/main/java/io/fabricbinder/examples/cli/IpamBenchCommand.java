package io.fabricbinder.examples.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fabricbinder ipam-bench}: the central allocator against a whereabouts-style baseline. */
@Command(
        name = "ipam-bench",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the IP allocator benchmark side by side with a whereabouts-style baseline (one "
                    + "lock and a full pool rewrite per allocation) on the chosen backend, and prints "
                    + "allocations/s, duplicate addresses found (must be 0) and the speed-up."
        })
final class IpamBenchCommand implements Callable<Integer> {

    /** Where the pool lives. */
    enum Backend {
        memory,
        file,
        etcd
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--backend",
            defaultValue = "memory",
            paramLabel = "memory|file|etcd",
            description = "Pool store (default: ${DEFAULT-VALUE}); file uses a temporary directory.")
    Backend backend = Backend.memory;

    @Option(
            names = "--endpoints",
            split = ",",
            paramLabel = "URLS",
            description = "etcd client URLs, comma-separated (with --backend etcd), e.g. http://127.0.0.1:2379.")
    List<URI> endpoints = List.of();

    @Option(
            names = "--allocations",
            defaultValue = "10000",
            paramLabel = "N",
            description = "Allocations per run (default: ${DEFAULT-VALUE}).")
    int allocations;

    @Option(
            names = "--threads",
            defaultValue = "8",
            paramLabel = "T",
            description = "Concurrent allocating threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (allocations < 1) {
            err.println("fabricbinder ipam-bench: --allocations: must be at least 1, got " + allocations);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (threads < 1) {
            err.println("fabricbinder ipam-bench: --threads: must be at least 1, got " + threads);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (backend == Backend.etcd && endpoints.isEmpty()) {
            err.println("fabricbinder ipam-bench: --endpoints is required with --backend etcd");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (backend != Backend.etcd && !endpoints.isEmpty()) {
            err.println("fabricbinder ipam-bench: --endpoints only applies to --backend etcd");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        return NotAvailable.report(err, "ipam-bench", "the allocator benchmark", "the ipam module's benchmark harness");
    }
}
