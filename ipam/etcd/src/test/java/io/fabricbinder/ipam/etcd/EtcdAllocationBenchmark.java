package io.fabricbinder.ipam.etcd;

import io.etcd.jetcd.Client;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Allocation throughput on a real 3-member etcd cluster on loopback: {@link IpAllocator} on {@link
 * EtcdIpPoolStore} side by side with a whereabouts-style baseline on the same store and cluster.
 * A harness main class, not a test: numbers go to {@code docs/performance.md}.
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * ./mvnw -B -q -pl ipam/etcd -am install -DskipTests
 * ./mvnw -B -q -pl ipam/etcd exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.fabricbinder.ipam.etcd.EtcdAllocationBenchmark
 * </pre>
 *
 * <p>System properties: {@code bench.threads} (16), {@code bench.allocations} (10000), {@code
 * bench.baselineAllocations} (300), {@code bench.warmup} (48000), {@code bench.groupCommits} and {@code
 * bench.batchReads} (true: the store's request merging; false to measure without), {@code etcd.dataRoot}
 * (where the members keep their data; default {@code java.io.tmpdir}, i.e. a real disk with fsync).
 *
 * <p>The baseline keeps every allocation of the range in one key (like whereabouts' IPPool
 * object), finds the lowest free address by a linear scan from the start of the range and writes
 * the whole object back with a compare on its {@code mod_revision}, retrying on conflict. No lock
 * or lease, so it is measured at its best.
 */
public final class EtcdAllocationBenchmark {
    private static final String SUBNET = "10.80.0.0/16";

    private EtcdAllocationBenchmark() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("bench.threads", 16);
        int allocations = Integer.getInteger("bench.allocations", 10_000);
        int baselineAllocations = Integer.getInteger("bench.baselineAllocations", 300);
        int warmup = Integer.getInteger("bench.warmup", 48_000);
        boolean groupCommits = Boolean.parseBoolean(System.getProperty("bench.groupCommits", "true"));
        boolean batchReads = Boolean.parseBoolean(System.getProperty("bench.batchReads", "true"));
        System.out.printf(
                Locale.ROOT,
                "etcd %s, 3 members on 127.0.0.1, data in %s; JDK %s; %d cores%n",
                EtcdCluster.BINARY,
                System.getProperty("etcd.dataRoot", System.getProperty("java.io.tmpdir")),
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(
                Locale.ROOT,
                "group commit %s, batched reads %s, %d warm-up allocations; load average at start: %s%n",
                groupCommits ? "on" : "off",
                batchReads ? "on" : "off",
                warmup,
                loadAverage());
        try (EtcdCluster cluster = EtcdCluster.start(3)) {
            EtcdIpPoolStoreTest.CallCounter rpcs = new EtcdIpPoolStoreTest.CallCounter();
            try (Client client = Client.builder()
                    .endpoints(cluster.endpoints().toArray(String[]::new))
                    .interceptor(rpcs)
                    .build()) {
                String run = UUID.randomUUID().toString();
                try (EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                        .client(client)
                        .keyPrefix("bench/" + run + "/")
                        .groupCommits(groupCommits)
                        .batchReads(batchReads)
                        .hintCacheSize(Integer.getInteger("bench.hintCacheSize", 16_384))
                        .build()) {
                    PoolSpec pool = PoolSpec.of("bench", IpRange.ofSubnet(SUBNET));
                    IpAllocator allocator =
                            IpAllocator.builder(store).maxAttempts(1000).build();

                    // Warm-up in a separate pool, not reported: the JIT compiles gRPC, Netty and Vert.x,
                    // which on a small machine takes tens of seconds of CPU.
                    PoolSpec warm = PoolSpec.of("warmup", IpRange.ofSubnet("10.81.0.0/16"));
                    runAllocator(allocator, warm, threads, warmup, "w");

                    rpcs.reset();
                    Result single = runAllocator(allocator, pool, 1, 500, "s");
                    int singleRpcs = rpcs.total();
                    print("ours, 1 allocator (uncontended), fill 0 -> 500", single);
                    System.out.printf(
                            Locale.ROOT,
                            "  etcd round trips per allocation: %.3f (%d Range + %d Txn for %d allocations)%n",
                            singleRpcs / (double) single.count,
                            rpcs.get("etcdserverpb.KV/Range"),
                            rpcs.get("etcdserverpb.KV/Txn"),
                            single.count);

                    rpcs.reset();
                    Counts before = Counts.of(store);
                    long cpuBefore = cpuNanos(cluster);
                    long jvmBefore = jvmCpuNanos();
                    long jitBefore = jitMillis();
                    Result contended = runAllocator(allocator, pool, threads, allocations, "c");
                    double cpuMillisPerAllocation = (cpuNanos(cluster) - cpuBefore) / 1e6 / contended.count;
                    double jvmMillisPerAllocation = (jvmCpuNanos() - jvmBefore) / 1e6 / contended.count;
                    long jitDuring = jitMillis() - jitBefore;
                    Counts after = Counts.of(store);
                    print("ours, " + threads + " allocators, fill 500 -> " + (500 + allocations), contended);
                    System.out.printf(
                            Locale.ROOT,
                            "  per allocation: %.3f Range + %.3f Txn requests; %.3f commits in %.3f etcd txns"
                                    + " (%.2f commits per txn); %.3f finds in %.3f read requests%n",
                            rpcs.get("etcdserverpb.KV/Range") / (double) contended.count,
                            rpcs.get("etcdserverpb.KV/Txn") / (double) contended.count,
                            (after.commits - before.commits) / (double) contended.count,
                            (after.txns - before.txns) / (double) contended.count,
                            (after.commits - before.commits) / (double) Math.max(1, after.txns - before.txns),
                            (after.reads - before.reads) / (double) contended.count,
                            (after.readBatches - before.readBatches) / (double) contended.count);
                    System.out.println("  commit batch sizes (size:count): " + after.histogramMinus(before));
                    EtcdIpPoolStore.Stats st = store.stats();
                    System.out.printf(
                            Locale.ROOT,
                            "  hint cache since start: %d hits, %d misses, %d failed commits on cached versions,"
                                    + " %d bypasses%n",
                            st.hintHits.sum(),
                            st.hintMisses.sum(),
                            st.staleHints.sum(),
                            st.hintBypasses.sum());
                    System.out.printf(
                            Locale.ROOT,
                            "  etcd round trips per allocation: %.3f (every Range and Txn request, merged ones"
                                    + " counted once)%n",
                            rpcs.total() / (double) contended.count);
                    System.out.printf(
                            Locale.ROOT,
                            "  CPU per allocation (3 etcd members + this JVM): %.2f ms, of which this JVM %.2f ms"
                                    + " -> at most %.0f allocations/s on %d dedicated cores%n",
                            cpuMillisPerAllocation,
                            jvmMillisPerAllocation,
                            Runtime.getRuntime().availableProcessors() * 1000 / cpuMillisPerAllocation,
                            Runtime.getRuntime().availableProcessors());
                    System.out.printf(
                            Locale.ROOT,
                            "  JIT compilation during this phase: %d ms (near 0 once the warm-up has compiled the"
                                    + " hot paths; if large, raise -Dbench.warmup)%n",
                            jitDuring);
                    System.out.println("  load average after this phase: " + loadAverage());

                    Result oursAt10k = runAllocator(allocator, pool, threads, baselineAllocations * 4, "d");
                    print("ours, " + threads + " allocators, at fill " + (500 + allocations), oursAt10k);

                    Baseline baseline = new Baseline(store, "baseline/bench", 65_534);
                    Result b0 = baseline.run(threads, baselineAllocations, "e");
                    print("baseline, " + threads + " allocators, fill 0 -> " + baselineAllocations, b0);
                    baseline.prefill(10_000);
                    Result b10k = baseline.run(threads, baselineAllocations, "f");
                    print("baseline, " + threads + " allocators, at fill 10000", b10k);
                    System.out.printf(
                            Locale.ROOT,
                            "  baseline CAS conflicts per allocation: %.2f; object size %d bytes%n",
                            baseline.conflicts.get() / (double) (b0.count + b10k.count),
                            baseline.lastSize);
                    System.out.printf(
                            Locale.ROOT,
                            "RATIO at ~10,000 allocations: ours %.0f/s vs baseline %.1f/s = %.0fx%n",
                            oursAt10k.perSecond(),
                            b10k.perSecond(),
                            oursAt10k.perSecond() / b10k.perSecond());
                }
            }
        }
    }

    /** The store's pipeline counters at one moment. */
    @SuppressWarnings("ArrayRecordComponent") // a snapshot read once; never compared or hashed
    private record Counts(long commits, long txns, long reads, long readBatches, long[] histogram) {
        static Counts of(EtcdIpPoolStore store) {
            EtcdIpPoolStore.Stats s = store.stats();
            long[] h = new long[s.histogram.length];
            for (int i = 0; i < h.length; i++) {
                h[i] = s.histogram[i].sum();
            }
            return new Counts(s.commits.sum(), s.txns.sum(), s.reads.sum(), s.readBatches.sum(), h);
        }

        String histogramMinus(Counts before) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < histogram.length; i++) {
                long n = histogram[i] - before.histogram[i];
                if (n > 0) {
                    out.append(out.length() == 0 ? "" : " ")
                            .append(i)
                            .append(i == histogram.length - 1 ? "+" : "")
                            .append(':')
                            .append(n);
                }
            }
            return out.toString();
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim();
        } catch (java.io.IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    /** CPU time used so far by every etcd member and by this JVM. */
    private static long cpuNanos(EtcdCluster cluster) {
        long total = jvmCpuNanos();
        for (EtcdCluster.Member m : cluster.members()) {
            total += m.process()
                    .toHandle()
                    .info()
                    .totalCpuDuration()
                    .map(java.time.Duration::toNanos)
                    .orElse(0L);
        }
        return total;
    }

    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private static long jvmCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
    }

    /** Throughput and latency of one phase. */
    @SuppressWarnings("ArrayRecordComponent") // raw samples for percentiles; never compared or hashed
    record Result(int count, long nanos, long[] latencies) {
        double perSecond() {
            return count / (nanos / 1e9);
        }

        double percentileMillis(double p) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1e6;
        }
    }

    private static void print(String label, Result r) {
        System.out.printf(
                Locale.ROOT,
                "%-60s %8.0f allocations/s  p50 %6.2f ms  p99 %7.2f ms  (%d in %.2f s)%n",
                label,
                r.perSecond(),
                r.percentileMillis(0.50),
                r.percentileMillis(0.99),
                r.count,
                r.nanos / 1e9);
    }

    @FunctionalInterface
    private interface Allocate {
        void allocate(int thread, int index);
    }

    private static Result runAllocator(IpAllocator allocator, PoolSpec pool, int threads, int total, String tag)
            throws InterruptedException {
        return runThreads(threads, total, (t, i) -> allocator.allocate(pool, owner(tag, t, i)));
    }

    private static Owner owner(String tag, int thread, int index) {
        return new Owner("bench", tag + "-" + thread + "-" + index, "uid-" + tag + "-" + thread + "-" + index, "net1");
    }

    private static Result runThreads(int threads, int total, Allocate body) throws InterruptedException {
        int perThread = total / threads;
        long[] latencies = new long[perThread * threads];
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong failures = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    long t0 = System.nanoTime();
                    try {
                        body.allocate(thread, i);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        System.err.println("allocation failed: " + e);
                    }
                    latencies[thread * perThread + i] = System.nanoTime() - t0;
                }
            });
            w.start();
            workers.add(w);
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        long nanos = System.nanoTime() - t0;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " allocations failed");
        }
        return new Result(perThread * threads, nanos, latencies);
    }

    /**
     * whereabouts' shape: one object with every allocation ({@code offset owner} lines), lowest-free
     * linear scan, compare-and-swap of the whole object on its version.
     */
    static final class Baseline {
        private final IpPoolStore store;
        private final String key;
        private final int capacity;
        final AtomicInteger conflicts = new AtomicInteger();
        volatile int lastSize;

        Baseline(IpPoolStore store, String key, int capacity) {
            this.store = store;
            this.key = key;
            this.capacity = capacity;
        }

        Result run(int threads, int total, String tag) throws InterruptedException {
            return runThreads(
                    threads, total, (t, i) -> allocate(owner(tag, t, i).toString()));
        }

        /** Fills the object up to {@code n} allocations in one write (not measured). */
        void prefill(int n) {
            while (true) {
                Optional<VersionedValue> cur = store.find(key);
                StringBuilder doc =
                        new StringBuilder(cur.map(VersionedValue::value).orElse(""));
                BitSet used = parse(doc.toString());
                int count = used.cardinality();
                for (int offset = used.nextClearBit(1); count < n; offset = used.nextClearBit(offset + 1)) {
                    used.set(offset);
                    doc.append(offset).append(" bench/prefill/").append(offset).append("/net1\n");
                    count++;
                }
                Condition c =
                        cur.map(v -> Condition.atVersion(key, v.version())).orElse(Condition.absent(key));
                if (store.commit(List.of(c), List.of(Mutation.put(key, doc.toString())))) {
                    return;
                }
            }
        }

        void allocate(String owner) {
            while (true) {
                Optional<VersionedValue> cur = store.find(key);
                String doc = cur.map(VersionedValue::value).orElse("");
                BitSet used = parse(doc);
                int offset = 1; // lowest free, scanning linearly from the first host address
                while (offset <= capacity && used.get(offset)) {
                    offset++;
                }
                if (offset > capacity) {
                    throw new IllegalStateException("baseline pool exhausted");
                }
                String next = doc + offset + " " + owner + "\n";
                Condition c =
                        cur.map(v -> Condition.atVersion(key, v.version())).orElse(Condition.absent(key));
                if (store.commit(List.of(c), List.of(Mutation.put(key, next)))) {
                    lastSize = next.length();
                    return;
                }
                conflicts.incrementAndGet();
            }
        }

        private static BitSet parse(String doc) {
            BitSet used = new BitSet();
            int i = 0;
            while (i < doc.length()) {
                int space = doc.indexOf(' ', i);
                int end = doc.indexOf('\n', space);
                used.set(Integer.parseInt(doc, i, space, 10));
                i = end + 1;
            }
            return used;
        }
    }
}
