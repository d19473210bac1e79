package io.fabricbinder.examples.cli;

import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.AssignedAddress;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.benchmarks.IpamBenchmark;
import io.fabricbinder.ipam.etcd.EtcdIpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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
    public Integer call() throws IOException, InterruptedException {
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
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("fabricbinder-ipam-bench");
        try {
            out.printf(
                    Locale.ROOT,
                    "IPAM benchmark: %,d allocations on %d threads, %s%n",
                    allocations,
                    threads,
                    switch (backend) {
                        case file -> "file store (" + dir + ", fsync on)";
                        case etcd -> "etcd store (" + endpoints + ", key prefix " + dir.getFileName() + "/)";
                        case memory -> "in-memory store";
                    });
            out.flush();
            Result ours;
            if (backend == Backend.file) {
                try (FileIpPoolStore store = FileIpPoolStore.open(dir.resolve("ours"))) {
                    ours = concurrentRun(store, allocations, threads);
                }
            } else if (backend == Backend.etcd) {
                // A fresh key prefix per run, so runs never see each other's pools.
                try (EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                        .endpoints(endpoints.stream().map(URI::toString).toList())
                        .keyPrefix("/fabricbinder-bench/" + dir.getFileName() + "/")
                        .build()) {
                    ours = concurrentRun(store, allocations, threads);
                }
            } else {
                ours = concurrentRun(new InMemoryIpPoolStore(), allocations, threads);
            }
            out.printf(
                    Locale.ROOT,
                    "  FabricBinder allocator: %,.0f allocations/s (%.3f s), duplicates found: %d, allocations"
                            + " recorded: %,d%n",
                    allocations / (ours.nanos() / 1e9),
                    ours.nanos() / 1e9,
                    ours.duplicates(),
                    ours.recorded());
            out.println();
            out.println("Side by side with the whereabouts-style baseline (one lock, whole pool rewritten per");
            out.println("allocation), from the ipam module's benchmark harness (in-memory and file stores):");
            out.flush();
            ByteArrayOutputStream table = new ByteArrayOutputStream();
            try (PrintStream ps = new PrintStream(table, true, StandardCharsets.UTF_8)) {
                IpamBenchmark.run(harnessOptions(dir.resolve("harness")), ps);
            }
            out.print(table.toString(StandardCharsets.UTF_8));
            out.flush();
            if (ours.duplicates() != 0 || ours.recorded() != allocations) {
                err.println("fabricbinder ipam-bench: " + ours.duplicates() + " duplicate address(es), "
                        + ours.recorded() + " of " + allocations + " allocations recorded");
                return FabricBinderCli.EXIT_FAILURE;
            }
            return 0;
        } finally {
            deleteRecursively(dir);
        }
    }

    /** The harness sized after --allocations, with the file-store comparison only for --backend file. */
    private IpamBenchmark.Options harnessOptions(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new IpamBenchmark.Options(
                allocations,
                Math.min(allocations, 20_000),
                backend == Backend.file ? Math.max(8, Math.min(allocations, 2_000)) : 8,
                allocations,
                backend == Backend.file ? Math.min(allocations, 2_000) : 0,
                dir);
    }

    /** What one concurrent run did. */
    record Result(long nanos, int duplicates, int recorded) {}

    /**
     * Allocates {@code n} owners from a pool sized to stay under half full, on {@code threads}
     * threads, then checks every address was handed out once.
     */
    static Result concurrentRun(IpPoolStore store, int n, int threads) throws InterruptedException {
        int hostBits = Math.max(8, 64 - Long.numberOfLeadingZeros(2L * n));
        PoolSpec pool = PoolSpec.of("bench", IpRange.ofSubnet("10.0.0.0/" + (32 - Math.min(hostBits, 24))));
        IpAllocator allocator = IpAllocator.create(store);
        Map<String, String> holder = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool0 = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            futures.add(pool0.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    Owner owner = new Owner("bench", "pod-" + i, "uid-" + i, "net1");
                    Allocation a = allocator.allocate(pool, owner);
                    for (AssignedAddress address : a.addresses()) {
                        if (holder.putIfAbsent(address.cidr(), owner.toString()) != null) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("allocation failed: " + e.getCause(), e.getCause());
        } finally {
            pool0.shutdownNow();
        }
        long nanos = System.nanoTime() - t0;
        return new Result(nanos, duplicates.get(), allocator.list(pool).size());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
