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
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
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

    /** The scenarios of one run; {@code --only} selects some of them by their {@link #flag()}. */
    public enum Scenario {
        /** In-memory store, /16 at 90 % fill, one thread. */
        IN_MEMORY("in-memory"),
        /** Allocate+release in an empty /24 against a /64 holding many allocations. */
        SPARSE("sparse"),
        /** File store, fsync on, 8 threads. */
        FILE("file"),
        /** Ours against the whereabouts-style baseline. */
        RATIO("ratio");

        private final String flag;

        Scenario(String flag) {
            this.flag = flag;
        }

        /** The name used with {@code --only}. */
        public String flag() {
            return flag;
        }

        static Set<Scenario> parseList(String text) {
            Set<Scenario> out = EnumSet.noneOf(Scenario.class);
            for (String name : text.split(",", -1)) {
                Scenario found = null;
                for (Scenario s : values()) {
                    if (s.flag.equals(name.trim())) {
                        found = s;
                    }
                }
                if (found == null) {
                    throw new IllegalArgumentException(
                            "unknown scenario '" + name + "' (in-memory, sparse, file, ratio)");
                }
                out.add(found);
            }
            return out;
        }
    }

    /** Runs the benchmark from the command line; {@code --only a,b} runs only those scenarios. */
    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        Set<Scenario> only = EnumSet.allOf(Scenario.class);
        int i = rest.indexOf("--only");
        if (i >= 0) {
            if (i + 1 >= rest.size()) {
                throw new IllegalArgumentException("missing value after --only");
            }
            only = Scenario.parseList(rest.get(i + 1));
            rest.subList(i, i + 2).clear();
        }
        run(Options.parse(rest.toArray(new String[0])), System.out, only);
    }

    /** Runs every scenario and prints a Markdown table of results to {@code out}. */
    public static void run(Options options, PrintStream out) {
        run(options, out, EnumSet.allOf(Scenario.class));
    }

    /** Runs the given scenarios and prints a Markdown table of results to {@code out}. */
    public static void run(Options options, PrintStream out, Set<Scenario> scenarios) {
        out.printf(
                Locale.ROOT,
                "# IPAM benchmark (%d CPUs, java %s, load average %s)%n%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                loadAverage());
        out.println("| scenario | result |");
        out.println("|---|---|");
        if (scenarios.contains(Scenario.IN_MEMORY)) {
            inMemoryAtNinetyPercent(options, out);
        }
        if (scenarios.contains(Scenario.SPARSE)) {
            sparseVersusEmpty(options, out);
        }
        if (scenarios.contains(Scenario.FILE)) {
            fileStoreEightThreads(options, out);
        }
        if (scenarios.contains(Scenario.RATIO)) {
            baselineRatio(options, out);
        }
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
        int n = o.measuredOperations();
        // Timed in batches of 1,000 allocations of new owners; after each batch 1,000 random owners
        // are released (untimed), so the fill stays between 90.0 % and 91.5 %. Each batch's owners
        // are created just before it (untimed), as a controller gets them from pod events: creating
        // all of them up front would make the collector copy that whole array during the timed part.
        SplittableRandom rnd = new SplittableRandom(2);
        List<Owner> live = new ArrayList<>();
        for (int i = 0; i < fill; i++) {
            live.add(owner("fill-", i));
        }
        ThreadMeter meter = new ThreadMeter();
        int batch = 1_000;
        Owner[] owners = new Owner[batch];
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            for (int i = from; i < to; i++) {
                owners[i - from] = owner("m-", i);
            }
            meter.start();
            for (int i = from; i < to; i++) {
                allocator.allocate(pool, owners[i - from]);
            }
            meter.stop();
            for (int i = from; i < to; i++) {
                live.add(owners[i - from]);
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
                                + " each); %s; %,d allocations",
                        n / (meter.wallNanos / 1e9),
                        meter.wallNanos / 1e3 / n,
                        n / (meter.cpuNanos / 1e9),
                        meter.cpuNanos / 1e3 / n,
                        meter.describe(n),
                        n));
    }

    /**
     * Wall time, thread CPU time, bytes allocated by the thread and GC time of the timed sections,
     * so a reader can tell CPU work, garbage and waiting apart.
     */
    private static final class ThreadMeter {
        private final java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        private final List<java.lang.management.GarbageCollectorMXBean> gcs =
                java.lang.management.ManagementFactory.getGarbageCollectorMXBeans();
        long wallNanos;
        long cpuNanos;
        long allocatedBytes;
        long gcMillis;
        long gcCount;
        private long t0;
        private long c0;
        private long a0;
        private long g0;
        private long n0;

        void start() {
            g0 = gcMillis();
            n0 = gcCount();
            a0 = allocated();
            c0 = threads.getCurrentThreadCpuTime();
            t0 = System.nanoTime();
        }

        void stop() {
            wallNanos += System.nanoTime() - t0;
            cpuNanos += threads.getCurrentThreadCpuTime() - c0;
            allocatedBytes += allocated() - a0;
            gcMillis += gcMillis() - g0;
            gcCount += gcCount() - n0;
        }

        String describe(int operations) {
            return String.format(
                    Locale.ROOT,
                    "%,.0f bytes allocated each; GC %,d ms in %,d collections during the timed %,.0f ms",
                    allocatedBytes / (double) operations,
                    gcMillis,
                    gcCount,
                    wallNanos / 1e6);
        }

        private long allocated() {
            if (threads instanceof com.sun.management.ThreadMXBean sun) {
                return sun.getCurrentThreadAllocatedBytes();
            }
            return 0;
        }

        private long gcMillis() {
            long sum = 0;
            for (java.lang.management.GarbageCollectorMXBean gc : gcs) {
                sum += Math.max(0, gc.getCollectionTime());
            }
            return sum;
        }

        private long gcCount() {
            long sum = 0;
            for (java.lang.management.GarbageCollectorMXBean gc : gcs) {
                sum += Math.max(0, gc.getCollectionCount());
            }
            return sum;
        }
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
