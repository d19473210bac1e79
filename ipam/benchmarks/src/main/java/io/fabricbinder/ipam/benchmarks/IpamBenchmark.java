package io.fabricbinder.ipam.benchmarks;

import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.spi.IpPoolStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The IPAM benchmark harness: allocator throughput on the in-memory and file stores, the cost of a
 * sparse /64 holding many allocations against an empty /24, store round trips per allocation, and
 * the ratio against a whereabouts-style baseline on the same store.
 *
 * <pre>{@code
 * IpamBenchmark.run(IpamBenchmark.Options.defaults(), System.out);
 * }</pre>
 *
 * <p>Command line: {@code java -cp ... io.fabricbinder.ipam.benchmarks.IpamBenchmark [--quick]
 * [--dir PATH] [--sparse-prefill N] [--file-allocations N] [--baseline-allocations N]
 * [--baseline-file-allocations N]}.
 */
public final class IpamBenchmark {
    private IpamBenchmark() {}

    /**
     * Sizes of one run.
     *
     * @param measuredOperations allocate+release pairs timed at 90 % fill of the /16
     * @param sparsePrefill allocations placed in the /64 before timing
     * @param fileAllocations allocations timed on the file store (8 threads, fsync on)
     * @param baselineAllocations allocations for the baseline ratio on the in-memory store
     * @param baselineFileAllocations allocations for the baseline ratio on the file store (0 = skip)
     * @param directory where the file store is created (a fresh subdirectory per run)
     */
    public record Options(
            int measuredOperations,
            int sparsePrefill,
            int fileAllocations,
            int baselineAllocations,
            int baselineFileAllocations,
            Path directory) {
        /** Validates the sizes. */
        public Options {
            Objects.requireNonNull(directory, "directory");
            if (measuredOperations < 1 || fileAllocations < 8 || baselineAllocations < 1 || sparsePrefill < 0) {
                throw new IllegalArgumentException("benchmark sizes must be positive");
            }
        }

        /** The sizes the numbers in docs/performance.md were taken with. */
        public static Options defaults() {
            return new Options(200_000, 1_000_000, 8_000, 10_000, 2_000, Path.of(System.getProperty("java.io.tmpdir")));
        }

        /** Small sizes for a smoke run (seconds). */
        public static Options quick() {
            return new Options(20_000, 20_000, 800, 2_000, 200, Path.of(System.getProperty("java.io.tmpdir")));
        }

        /** Parses command-line flags over {@link #defaults()}. */
        public static Options parse(String... args) {
            Options o = defaults();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--quick")) {
                    o = quick().withDirectory(o.directory());
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                o = switch (a) {
                    case "--dir" -> o.withDirectory(Path.of(v));
                    case "--measured-operations" ->
                        new Options(
                                Integer.parseInt(v),
                                o.sparsePrefill(),
                                o.fileAllocations(),
                                o.baselineAllocations(),
                                o.baselineFileAllocations(),
                                o.directory());
                    case "--sparse-prefill" ->
                        new Options(
                                o.measuredOperations(),
                                Integer.parseInt(v),
                                o.fileAllocations(),
                                o.baselineAllocations(),
                                o.baselineFileAllocations(),
                                o.directory());
                    case "--file-allocations" ->
                        new Options(
                                o.measuredOperations(),
                                o.sparsePrefill(),
                                Integer.parseInt(v),
                                o.baselineAllocations(),
                                o.baselineFileAllocations(),
                                o.directory());
                    case "--baseline-allocations" ->
                        new Options(
                                o.measuredOperations(),
                                o.sparsePrefill(),
                                o.fileAllocations(),
                                Integer.parseInt(v),
                                o.baselineFileAllocations(),
                                o.directory());
                    case "--baseline-file-allocations" ->
                        new Options(
                                o.measuredOperations(),
                                o.sparsePrefill(),
                                o.fileAllocations(),
                                o.baselineAllocations(),
                                Integer.parseInt(v),
                                o.directory());
                    default -> throw new IllegalArgumentException("unknown option " + a);
                };
            }
            return o;
        }

        Options withDirectory(Path dir) {
            return new Options(
                    measuredOperations,
                    sparsePrefill,
                    fileAllocations,
                    baselineAllocations,
                    baselineFileAllocations,
                    dir);
        }
    }

    /** Runs the benchmark from the command line. */
    public static void main(String[] args) {
        run(Options.parse(args), System.out);
    }

    /** Runs every scenario and prints a Markdown table of results to {@code out}. */
    public static void run(Options options, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "# IPAM benchmark (%d CPUs, java %s, load average %s)%n%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                loadAverage());
        out.println("| scenario | result |");
        out.println("|---|---|");
        inMemoryAtNinetyPercent(options, out);
        sparseVersusEmpty(options, out);
        fileStoreEightThreads(options, out);
        baselineRatio(options, out);
        out.printf(Locale.ROOT, "%nload average after the run: %s%n", loadAverage());
    }

    private static Owner owner(String prefix, int i) {
        return new Owner("bench", prefix + i, "uid-" + i, "net1");
    }

    private static void row(PrintStream out, String scenario, String result) {
        out.printf(Locale.ROOT, "| %s | %s |%n", scenario, result);
        out.flush();
    }

    private static void inMemoryAtNinetyPercent(Options o, PrintStream out) {
        PoolSpec pool = PoolSpec.of("bench-16", IpRange.ofSubnet("10.0.0.0/16"));
        IpAllocator allocator =
                IpAllocator.builder(new InMemoryIpPoolStore()).randomSeed(1).build();
        int fill = (int) Math.round(65_534 * 0.9);
        for (int i = 0; i < fill; i++) {
            allocator.allocate(pool, owner("fill-", i));
        }
        Owner[] owners = new Owner[o.measuredOperations()];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = owner("m-", i);
        }
        // Timed in batches of 1,000 allocations of new owners; after each batch 1,000 random owners
        // are released (untimed), so the fill stays between 90.0 % and 91.5 %.
        SplittableRandom rnd = new SplittableRandom(2);
        List<Owner> live = new ArrayList<>();
        for (int i = 0; i < fill; i++) {
            live.add(owner("fill-", i));
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long allocNanos = 0;
        long allocCpu = 0;
        int batch = 1_000;
        for (int from = 0; from < owners.length; from += batch) {
            int to = Math.min(owners.length, from + batch);
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = from; i < to; i++) {
                allocator.allocate(pool, owners[i]);
            }
            allocNanos += System.nanoTime() - t0;
            allocCpu += mx.getCurrentThreadCpuTime() - c0;
            for (int i = from; i < to; i++) {
                live.add(owners[i]);
                int victim = rnd.nextInt(live.size());
                Owner gone = live.set(victim, live.get(live.size() - 1));
                live.remove(live.size() - 1);
                allocator.release(pool, gone);
            }
        }
        row(
                out,
                "in-memory, /16 at 90 % fill, 1 thread",
                String.format(
                        Locale.ROOT,
                        "**%,.0f allocations/s** wall (%.2f µs each); %,.0f allocations/s of thread CPU time (%.2f µs"
                                + " each); %,d allocations",
                        owners.length / (allocNanos / 1e9),
                        allocNanos / 1e3 / owners.length,
                        owners.length / (allocCpu / 1e9),
                        allocCpu / 1e3 / owners.length,
                        owners.length));
    }

    private static void sparseVersusEmpty(Options o, PrintStream out) {
        int timed = 20_000;
        CountingStore small = new CountingStore(new InMemoryIpPoolStore());
        PoolSpec slash24 = PoolSpec.of("bench-24", IpRange.ofSubnet("10.1.0.0/24"));
        IpAllocator a24 = IpAllocator.builder(small).randomSeed(3).build();
        // warm-up on a throwaway pool of the same shape
        IpAllocator warm =
                IpAllocator.builder(new InMemoryIpPoolStore()).randomSeed(4).build();
        PoolSpec warmPool = PoolSpec.of("warm", IpRange.ofSubnet("fd00:99::/64"));
        for (int i = 0; i < 50_000; i++) {
            warm.allocate(warmPool, owner("w-", i));
        }
        // /24: allocate+release one owner repeatedly (pool stays nearly empty)
        a24.allocate(slash24, owner("x-", 0));
        small.reset();
        long t0 = System.nanoTime();
        for (int i = 0; i < timed; i++) {
            a24.allocate(slash24, owner("s-", i));
            a24.release(slash24, owner("s-", i));
        }
        long empty24 = System.nanoTime() - t0;
        long r24 = small.reads.sum();
        long c24 = small.commits.sum();

        CountingStore big = new CountingStore(new InMemoryIpPoolStore());
        PoolSpec slash64 = PoolSpec.of("bench-64", IpRange.ofSubnet("fd00:64::/64"));
        IpAllocator a64 = IpAllocator.builder(big).randomSeed(5).build();
        for (int i = 0; i < o.sparsePrefill(); i++) {
            a64.allocate(slash64, owner("p-", i));
        }
        big.reset();
        long t1 = System.nanoTime();
        for (int i = 0; i < timed; i++) {
            a64.allocate(slash64, owner("s-", i));
            a64.release(slash64, owner("s-", i));
        }
        long sparse = System.nanoTime() - t1;
        row(
                out,
                "allocate+release, empty /24 (in-memory)",
                String.format(
                        Locale.ROOT,
                        "%.2f µs per pair; %.2f reads + %.2f commits per pair",
                        empty24 / 1e3 / timed,
                        (double) r24 / timed,
                        (double) c24 / timed));
        row(
                out,
                String.format(Locale.ROOT, "allocate+release, /64 holding %,d (in-memory)", o.sparsePrefill()),
                String.format(
                        Locale.ROOT,
                        "%.2f µs per pair (%.2f× the /24); %.2f reads + %.2f commits per pair",
                        sparse / 1e3 / timed,
                        (double) sparse / empty24,
                        (double) big.reads.sum() / timed,
                        (double) big.commits.sum() / timed));
    }

    private static void fileStoreEightThreads(Options o, PrintStream out) {
        Path dir = freshDir(o, "file-8t");
        PoolSpec pool = PoolSpec.of("bench-file", IpRange.ofSubnet("10.2.0.0/16"));
        try (FileIpPoolStore fs = FileIpPoolStore.open(dir)) {
            CountingStore store = new CountingStore(fs);
            IpAllocator allocator =
                    IpAllocator.builder(store).maxAttempts(10_000).build();
            for (int i = 0; i < 200; i++) {
                allocator.allocate(pool, owner("warm-", i));
            }
            store.reset();
            int threads = 8;
            int per = o.fileAllocations() / threads;
            CountDownLatch go = new CountDownLatch(1);
            AtomicLong done = new AtomicLong();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < per; i++) {
                        allocator.allocate(pool, owner("t" + id + "-", i));
                        done.incrementAndGet();
                    }
                });
                th.start();
                ts.add(th);
            }
            long t0 = System.nanoTime();
            go.countDown();
            for (Thread th : ts) {
                th.join();
            }
            long elapsed = System.nanoTime() - t0;
            row(
                    out,
                    "file store, fsync on, 8 threads, /16",
                    String.format(
                            Locale.ROOT,
                            "**%,.0f durable allocations/s** (%,d allocations; %.2f reads + %.2f commits each, %.3f"
                                    + " lost CAS races each)",
                            done.get() / (elapsed / 1e9),
                            done.get(),
                            store.reads.sum() / (double) done.get(),
                            store.commits.sum() / (double) done.get(),
                            store.failedCommits.sum() / (double) done.get()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void baselineRatio(Options o, PrintStream out) {
        int n = o.baselineAllocations();
        PoolSpec pool = PoolSpec.of("bench-ratio", IpRange.ofSubnet("10.3.0.0/16"));
        // warm-up both on throwaway stores
        timeOurs(new InMemoryIpPoolStore(), pool, Math.min(n, 2_000));
        timeBaseline(new InMemoryIpPoolStore(), Math.min(n, 2_000));
        long ours = timeOurs(new InMemoryIpPoolStore(), pool, n);
        long base = timeBaseline(new InMemoryIpPoolStore(), n);
        row(
                out,
                String.format(Locale.ROOT, "%,d allocations into a /16, in-memory store", n),
                String.format(
                        Locale.ROOT,
                        "ours %.3f s (%,.0f/s), whereabouts-style %.3f s (%,.0f/s): **%.0f× faster**",
                        ours / 1e9,
                        n / (ours / 1e9),
                        base / 1e9,
                        n / (base / 1e9),
                        (double) base / ours));
        int nf = o.baselineFileAllocations();
        if (nf > 0) {
            Path d1 = freshDir(o, "ratio-ours");
            Path d2 = freshDir(o, "ratio-base");
            try (FileIpPoolStore s1 = FileIpPoolStore.open(d1);
                    FileIpPoolStore s2 = FileIpPoolStore.open(d2)) {
                long fo = timeOurs(s1, pool, nf);
                long fb = timeBaseline(s2, nf);
                row(
                        out,
                        String.format(Locale.ROOT, "%,d allocations into a /16, file store, 1 thread", nf),
                        String.format(
                                Locale.ROOT,
                                "ours %.3f s (%,.0f/s), whereabouts-style %.3f s (%,.0f/s): %.1f× faster",
                                fo / 1e9,
                                nf / (fo / 1e9),
                                fb / 1e9,
                                nf / (fb / 1e9),
                                (double) fb / fo));
            } finally {
                deleteQuietly(d1);
                deleteQuietly(d2);
            }
        }
    }

    private static long timeOurs(IpPoolStore store, PoolSpec pool, int n) {
        IpAllocator allocator = IpAllocator.builder(store).randomSeed(6).build();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            allocator.allocate(pool, owner("r-", i));
        }
        return System.nanoTime() - t0;
    }

    private static long timeBaseline(IpPoolStore store, int n) {
        WhereaboutsBaseline b = new WhereaboutsBaseline(store, "bench-ratio", 1, 65_534);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            b.allocate("bench/r-" + i + "/uid-" + i + "/net1");
        }
        return System.nanoTime() - t0;
    }

    private static Path freshDir(Options o, String name) {
        try {
            Files.createDirectories(o.directory());
            return Files.createTempDirectory(o.directory(), "ipam-bench-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: benchmark scratch space
        }
    }

    private static String loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII);
            return String.join(" ", List.of(s.trim().split(" ")).subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
