package io.fabricbinder.sriov;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Benchmark harness (not a unit test): discovery over a fixture tree of 16 PFs x 128 VFs, every
 * VF with a netdev, in the real layout (device dirs, bus/pci/devices and class/net symlinks).
 * Target: under 100 ms per discovery. Run (see docs/performance.md):
 *
 * <pre>
 * ./mvnw -B -q -pl sriov -am test-compile
 * ./mvnw -B -q -pl sriov dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp sriov/target/test-classes:sriov/target/classes:$(cat sriov/target/cp.txt) \
 *     io.fabricbinder.sriov.DiscoveryBenchmark [pfs] [vfsPerPf] [iterations] [fixtureDir|-] [threads]
 * </pre>
 */
public final class DiscoveryBenchmark {
    /** Warm-up calls before timing: at least this many, then until the JIT is quiet (JitWarmup). */
    private static final int MIN_WARMUP = 100;

    private static final int MAX_WARMUP = 2_000;

    private DiscoveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int pfs = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int vfs = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        // optional 4th argument: a directory to keep (and reuse) the fixture in, e.g. on /dev/shm
        boolean keep = args.length > 3 && !args[3].equals("-");
        // optional 5th argument: also time discover(executor) on a pool of this many threads
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        Path tmp = keep ? Files.createDirectories(Path.of(args[3])) : Files.createTempDirectory("sriov-bench");
        // the "v5" marks the fixture layout version (v2 adds the PFs' sriov_vf_device, v3 an empty
        // class/infiniband, v4 the PFs' sriov_offset and sriov_stride, v5 the bus/pci/drivers/<drv>/
        // <BDF> links): a tree kept from an older harness is rebuilt instead of being measured with
        // files missing
        Path marker = tmp.resolve("complete-v5-" + pfs + "x" + vfs);
        try {
            long t0 = System.nanoTime();
            SysfsFixture fx;
            if (keep && Files.exists(marker)) {
                fx = SysfsFixture.existing(tmp);
            } else {
                fx = build(tmp, pfs, vfs);
                Files.createFile(marker);
            }
            System.out.printf(
                    Locale.ROOT,
                    "fixture: %d PFs x %d VFs built in %.0f ms at %s%n",
                    pfs,
                    vfs,
                    (System.nanoTime() - t0) / 1e6,
                    fx.sys);
            SriovDiscovery discovery = SriovDiscovery.at(fx.sys);
            long cold = System.nanoTime();
            SriovReport check = discovery.discover();
            System.out.printf(
                    Locale.ROOT,
                    "first discover() in this JVM (classes loading, code interpreted): %.1f ms%n",
                    (System.nanoTime() - cold) / 1e6);
            int found = check.interfaces().stream()
                    .mapToInt(pf -> pf.virtualFunctions().size())
                    .sum();
            if (check.interfaces().size() != pfs
                    || found != pfs * vfs
                    || !check.defects().isEmpty()) {
                throw new IllegalStateException("unexpected report: "
                        + check.interfaces().size() + " PFs, " + found + " VFs, defects " + check.defects());
            }
            int warm = JitWarmup.run(discovery::discover, MIN_WARMUP, MAX_WARMUP);
            ThreadMXBean tm = ManagementFactory.getThreadMXBean();
            long jit = JitWarmup.compilationMillis();
            long gcs = JitWarmup.collections();
            double[] ms = new double[iterations];
            double[] cpu = new double[iterations];
            double[] user = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long c = tm.getCurrentThreadCpuTime();
                long u = tm.getCurrentThreadUserTime();
                long s = System.nanoTime();
                discovery.discover();
                ms[i] = (System.nanoTime() - s) / 1e6;
                cpu[i] = (tm.getCurrentThreadCpuTime() - c) / 1e6;
                user[i] = (tm.getCurrentThreadUserTime() - u) / 1e6;
            }
            // Thread CPU time (user + system) is what discovery costs; wall time also counts waiting
            // for a CPU, which dominates on a shared, overloaded machine.
            print("wall", ms);
            print("cpu ", cpu);
            // user = CPU outside the kernel (Java code); cpu - user = system calls
            print("user", user);
            System.out.printf(
                    Locale.ROOT,
                    "warm-up %d calls; during the timed calls: JIT %d ms, %d collections%n",
                    warm,
                    JitWarmup.compilationMillis() - jit,
                    JitWarmup.collections() - gcs);
            if (threads > 0) {
                parallel(discovery, check, iterations, threads, tm);
            }
        } finally {
            // no return in here: it would swallow a failed check's exception and exit 0
            if (!keep) {
                try (Stream<Path> walk = Files.walk(tmp)) {
                    walk.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** discover(executor): wall time, and CPU summed over the calling thread and the pool's tasks. */
    private static void parallel(
            SriovDiscovery discovery, SriovReport expected, int iterations, int threads, ThreadMXBean tm)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "discovery-bench");
            t.setDaemon(true);
            return t;
        });
        LongAdder taskCpu = new LongAdder();
        Executor measured = r -> pool.execute(() -> {
            long c = tm.getCurrentThreadCpuTime();
            try {
                r.run();
            } finally {
                taskCpu.add(tm.getCurrentThreadCpuTime() - c);
            }
        });
        try {
            if (!discovery.discover(measured).equals(expected)) {
                throw new IllegalStateException("discover(executor) differs from discover()");
            }
            JitWarmup.run(() -> discovery.discover(measured), MIN_WARMUP, MAX_WARMUP);
            double[] ms = new double[iterations];
            double[] cpu = new double[iterations];
            for (int i = 0; i < iterations; i++) {
                long c = tm.getCurrentThreadCpuTime() + taskCpu.sum();
                long s = System.nanoTime();
                discovery.discover(measured);
                ms[i] = (System.nanoTime() - s) / 1e6;
                cpu[i] = (tm.getCurrentThreadCpuTime() + taskCpu.sum() - c) / 1e6;
            }
            print("wall, executor of " + threads, ms);
            print("cpu,  executor of " + threads, cpu);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void print(String what, double[] v) {
        Arrays.sort(v);
        int n = v.length;
        System.out.printf(
                Locale.ROOT,
                "discover() %s: n=%d min=%.1f ms median=%.1f ms p90=%.1f ms max=%.1f ms (target < 100 ms)%n",
                what,
                n,
                v[0],
                v[n / 2],
                v[(int) (n * 0.9)],
                v[n - 1]);
    }

    static SysfsFixture build(Path tmp, int pfs, int vfsPerPf) {
        SysfsFixture fx = SysfsFixture.create(tmp);
        // the RDMA core is loaded (as on hosts whose NIC drivers pull in irdma or mlx5_ib) but no
        // function has an RDMA device: discovery learns that from one listing
        fx.mkdirs("class/infiniband");
        for (int p = 0; p < pfs; p++) {
            int bus = 0x10 + p;
            String parent = String.format(Locale.ROOT, "pci0000:%02x/0000:%02x:00.0", bus - 1, bus - 1);
            String pfAddr = String.format(Locale.ROOT, "0000:%02x:00.0", bus);
            SysfsFixture.Dev pf = fx.nic(pfAddr, parent, "8086", "1592", "ice", p % 2)
                    .netdev(
                            "ens" + p + "f0",
                            "3c:fd:fe:00:00:" + String.format(Locale.ROOT, "%02x", p),
                            9000,
                            1,
                            "up",
                            100000)
                    .sriov(256, vfsPerPf)
                    // VF v at devfn 8 + v below: First VF Offset 8, VF Stride 1
                    .file("sriov_offset", "8")
                    .file("sriov_stride", "1");
            for (int v = 0; v < vfsPerPf; v++) {
                // VFs from device 0x01 on: 8 functions per device
                String vfAddr = String.format(Locale.ROOT, "0000:%02x:%02x.%d", bus, 1 + v / 8, v % 8);
                fx.vf(pf, v, vfAddr, "8086", "1889", "iavf")
                        .netdev(
                                "ens" + p + "f0v" + v,
                                String.format(Locale.ROOT, "02:00:00:%02x:%02x:%02x", p, v / 256, v % 256),
                                9000,
                                1,
                                "up",
                                -1);
            }
        }
        return fx;
    }
}
