package io.fabricbinder.core.manifest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Benchmark harness (not a test; surefire runs only {@code *Test}): parses 10,000 NADs and 50,000
 * pods of generated YAML and prints the time per run. It shows what reading YAML through SnakeYAML
 * Engine (YAML 1.2, the only path since the hand-written reader was removed) costs; there is no
 * target any more (controllers get JSON from the API server).
 *
 * <p>Run: see {@code docs/performance.md}, section "Manifest parsing" (arguments: NADs, pods, runs,
 * executor threads).
 */
public final class ManifestParseBenchmark {

    private ManifestParseBenchmark() {}

    /**
     * Entry point; optional args: NAD count, pod count, measured runs, executor threads (0 = the
     * sequential parse).
     */
    public static void main(String[] args) {
        int nads = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int pods = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int threadCount = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        AtomicInteger poolThreads = new AtomicInteger();
        ExecutorService pool = threadCount > 0
                ? Executors.newFixedThreadPool(threadCount, r -> {
                    Thread t = new Thread(r, "parse-" + poolThreads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                })
                : null;
        Function<String, ManifestSet> parser =
                pool == null ? y -> Manifests.parse("bench.yaml", y) : y -> Manifests.parse("bench.yaml", y, pool);
        String yaml = generate(nads, pods);
        System.out.printf(
                Locale.ROOT,
                "input: %d NADs + %d pods, %.1f MB of YAML; %s%n",
                nads,
                pods,
                yaml.getBytes(StandardCharsets.UTF_8).length / 1e6,
                threadCount > 0 ? "executor threads: " + threadCount : "sequential parse");
        for (int i = 0; i < 2; i++) {
            check(parser.apply(yaml), nads, pods);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] nanos = new long[runs];
        long[] cpu = new long[runs];
        long[] allCpu = new long[runs];
        for (int i = 0; i < runs; i++) {
            long p0 = poolCpu(threads);
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            ManifestSet set = parser.apply(yaml);
            nanos[i] = System.nanoTime() - t0;
            cpu[i] = threads.getCurrentThreadCpuTime() - c0;
            allCpu[i] = cpu[i] + poolCpu(threads) - p0;
            check(set, nads, pods);
        }
        // The YAML reading alone (no model conversion), to show where the time goes.
        long[] readCpu = new long[runs];
        for (int i = 0; i < runs; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            List<YamlDocuments.Document> docs = YamlDocuments.read(yaml);
            readCpu[i] = threads.getCurrentThreadCpuTime() - c0;
            if (docs.size() != nads + pods || docs.stream().anyMatch(d -> d.error() != null)) {
                throw new IllegalStateException("unexpected documents");
            }
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        Arrays.sort(allCpu);
        Arrays.sort(readCpu);
        // On a shared machine wall time includes waiting for a core; thread CPU time does not.
        System.out.printf(
                Locale.ROOT,
                "parse thread CPU time over %d runs: min %.3f s, median %.3f s%n",
                runs,
                cpu[0] / 1e9,
                cpu[runs / 2] / 1e9);
        if (pool != null) {
            System.out.printf(
                    Locale.ROOT,
                    "CPU time of calling + executor threads: min %.3f s, median %.3f s%n",
                    allCpu[0] / 1e9,
                    allCpu[runs / 2] / 1e9);
        }
        System.out.printf(
                Locale.ROOT,
                "YAML reading alone (sequential, no conversion), thread CPU: min %.3f s, median %.3f s%n",
                readCpu[0] / 1e9,
                readCpu[runs / 2] / 1e9);
        System.out.printf(
                Locale.ROOT,
                "parse wall time over %d runs: min %.3f s, median %.3f s, max %.3f s%n",
                runs,
                nanos[0] / 1e9,
                nanos[runs / 2] / 1e9,
                nanos[runs - 1] / 1e9);
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** CPU time of the executor's threads (named "parse-..."), found through their ThreadInfo. */
    private static long poolCpu(ThreadMXBean threads) {
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("parse-")) {
                sum += Math.max(threads.getThreadCpuTime(info.getThreadId()), 0);
            }
        }
        return sum;
    }

    private static void check(ManifestSet set, int nads, int pods) {
        if (set.nads().size() != nads
                || set.pods().size() != pods
                || !set.errors().isEmpty()) {
            throw new IllegalStateException("unexpected result " + set + " "
                    + set.errors().stream().limit(3).toList());
        }
    }

    static String generate(int nads, int pods) {
        StringBuilder sb = new StringBuilder(nads * 700 + pods * 900);
        for (int i = 0; i < nads; i++) {
            int a = i / 256;
            int b = i % 256;
            sb.append("---\napiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n")
                    .append("  name: net-")
                    .append(i)
                    .append("\n  namespace: ns-")
                    .append(i % 50)
                    .append('\n')
                    .append("  labels:\n    tenant: t")
                    .append(i % 20)
                    .append("\n    tier: web\n")
                    .append("  annotations:\n    k8s.v1.cni.cncf.io/resourceName: intel.com/intel_sriov_netdevice\n")
                    .append("    fabricbinder.io/extend-to-fabric: \"true\"\n    fabricbinder.io/vni: \"")
                    .append(10_000 + i)
                    .append("\"\nspec:\n  config: '{\"cniVersion\":\"1.0.0\",\"name\":\"net-")
                    .append(i)
                    .append("\",\"type\":\"sriov\",\"vlan\":")
                    .append(i % 4094)
                    .append(",\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.")
                    .append(a)
                    .append('.')
                    .append(b)
                    .append(".0/24\",\"rangeStart\":\"10.")
                    .append(a)
                    .append('.')
                    .append(b)
                    .append(".10\",\"rangeEnd\":\"10.")
                    .append(a)
                    .append('.')
                    .append(b)
                    .append(".200\",\"exclude\":[\"10.")
                    .append(a)
                    .append('.')
                    .append(b)
                    .append(".64/28\"],\"gateway\":\"10.")
                    .append(a)
                    .append('.')
                    .append(b)
                    .append(".1\"}}'\n");
        }
        for (int i = 0; i < pods; i++) {
            int net = i % nads;
            sb.append("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-")
                    .append(i)
                    .append("\n  namespace: ns-")
                    .append(net % 50)
                    .append("\n  uid: 00000000-0000-4000-8000-")
                    .append(String.format(Locale.ROOT, "%012d", i))
                    .append("\n  labels:\n    app: web\n")
                    .append("  annotations:\n    k8s.v1.cni.cncf.io/networks: '[{\"name\":\"net-")
                    .append(net)
                    .append("\",\"interface\":\"net1\"}]'\n    k8s.v1.cni.cncf.io/network-status: '[{\"name\":\"ns-")
                    .append(net % 50)
                    .append("/net-")
                    .append(net)
                    .append("\",\"interface\":\"net1\",\"ips\":[\"10.0.0.5\"],\"mac\":\"02:00:00:00:00:01\",")
                    .append("\"device-info\":{\"type\":\"pci\",\"version\":\"1.1.0\",\"pci\":{\"pci-address\":")
                    .append("\"0000:3b:02.1\",\"pf-pci-address\":\"0000:3b:00.0\"}}}]'\nspec:\n  nodeName: worker-")
                    .append(i % 100)
                    .append("\n  containers:\n  - name: app\n    image: app:1\nstatus:\n  phase: Running\n");
        }
        return sb.toString();
    }
}
