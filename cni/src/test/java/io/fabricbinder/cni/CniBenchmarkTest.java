package io.fabricbinder.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabricbinder.cni.agent.CniHandler;
import io.fabricbinder.cni.agent.IpamAgent;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.etcd.EtcdIpPoolStore;
import io.fabricbinder.ipam.etcd.EtcdTestCluster;
import io.fabricbinder.ipam.spi.IpPoolStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark harness, not a timed test: it runs only with {@code -Dcni.bench=true} and asserts only
 * correctness (no duplicates, every command succeeded); the figures go to stdout and into
 * docs/performance.md. Execs the packaged {@code target/fabricbinder-ipam/fabricbinder-ipam} (build
 * it first: {@code ./mvnw -pl cni -am package -DskipTests -Pfabricbinder-ipam-dir}) and Debian's
 * {@code host-local} the same way, in the same run: ADD wall p50/p99 and CPU per ADD at 1 and 8
 * concurrent, on the file store and on a 3-member etcd; then 1,000 ADDs + 1,000 DELs from two node
 * agents against the etcd.
 *
 * <pre>
 * ./mvnw -B -pl cni -am verify -Dcni.bench=true -Dtest=CniBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class CniBenchmarkTest {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Path HOST_LOCAL = Path.of("/usr/lib/cni/host-local");

    @TempDir
    Path tmp;

    private record Stats(String label, int n, double p50, double p99, double cpuPerOp, double seconds) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f |", label, n, p50, p99, cpuPerOp, seconds);
        }
    }

    /** CPU time (ms) of this JVM's reaped children, from /proc/self/stat (cutime + cstime). */
    private static double childCpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        // fields after the command: state(3) ... cutime is field 16, cstime 17 (1-based in proc(5))
        long ticks = Long.parseLong(f[16 - 3]) + Long.parseLong(f[17 - 3]);
        return ticks * 1000.0 / 100.0; // USER_HZ is 100 on Linux
    }

    private Stats run(
            String label, Path exe, String conf, Map<String, String> baseEnv, int total, int threads, String tag)
            throws Exception {
        List<Double> walls = Collections.synchronizedList(new ArrayList<>());
        Set<String> addresses = Collections.synchronizedSet(new HashSet<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        double cpu0 = childCpuMillis();
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(ex.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    Map<String, String> env = new HashMap<>(baseEnv);
                    String pod = tag + "-" + i;
                    env.put("CNI_COMMAND", "ADD");
                    env.put("CNI_CONTAINERID", "ctr-" + pod);
                    env.put(
                            "CNI_ARGS",
                            "IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=" + pod + ";K8S_POD_UID=u-" + pod);
                    long s = System.nanoTime();
                    PluginHarness.Result r = PluginHarness.exec(exe, env, conf);
                    walls.add((System.nanoTime() - s) / 1e6);
                    if (r.exitCode() != 0) {
                        failures.incrementAndGet();
                        System.out.println(label + " failed: " + r.stdout() + r.stderr());
                        continue;
                    }
                    String addr = address(r.stdout());
                    if (!addresses.add(addr)) {
                        failures.incrementAndGet();
                        System.out.println(label + " DUPLICATE " + addr);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = childCpuMillis() - cpu0;
        ex.shutdown();
        assertThat(failures.get()).as(label + " failures").isZero();
        List<Double> sorted = new ArrayList<>(walls);
        Collections.sort(sorted);
        Stats st = new Stats(
                label,
                total,
                sorted.get(sorted.size() / 2),
                sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)),
                cpu / total,
                seconds);
        System.out.println(st);
        return st;
    }

    private static String address(String result) {
        try {
            return JSON.readTree(result).path("ips").path(0).path("address").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> env(Path nodeConfig) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_NETNS", "/run/netns/bench");
        env.put("CNI_IFNAME", "net1");
        env.put("CNI_PATH", "/usr/lib/cni");
        env.put(NodeConfig.ENV_OVERRIDE, nodeConfig.toString());
        return env;
    }

    private static String fbConf(String name) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"" + name + "\",\"type\":\"sriov\","
                + "\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.120.0.0/16\",\"gateway\":\"10.120.0.1\"}}";
    }

    @Test
    void benchmark() throws Exception {
        assumeTrue(Boolean.getBoolean("cni.bench"), "benchmark harness: run with -Dcni.bench=true");
        Path exe = Path.of("target/fabricbinder-ipam/fabricbinder-ipam").toAbsolutePath();
        assumeTrue(Files.isExecutable(exe), "build target/fabricbinder-ipam first (see the class doc)");
        int n1 = Integer.getInteger("cni.bench.n1", 60);
        int n8 = Integer.getInteger("cni.bench.n8", 160);
        String hlConf =
                "{\"cniVersion\":\"1.0.0\",\"name\":\"bench-hl\",\"type\":\"sriov\",\"ipam\":{\"type\":\"host-local\","
                        + "\"dataDir\":\"" + tmp.resolve("host-local")
                        + "\",\"ranges\":[[{\"subnet\":\"10.121.0.0/16\"}]]}}";
        List<Stats> all = new ArrayList<>();
        System.out.println(
                "| Plugin, store, concurrency | ADDs | wall p50 (ms) | wall p99 (ms) | CPU per ADD (ms) | total (s) |");
        System.out.println("|---|---|---|---|---|---|");
        try (FileIpPoolStore file = FileIpPoolStore.open(Files.createDirectories(tmp.resolve("file")));
                IpamAgent fileAgent =
                        IpamAgent.start(tmp.resolve("file.sock"), new CniHandler(IpAllocator.create(file), file));
                EtcdTestCluster etcd = EtcdTestCluster.start3()) {
            Path fileConf = PluginHarness.writeNodeConfig(tmp.resolve("file.conf"), fileAgent.socket());
            String prefix = "bench-" + System.nanoTime() + "/";
            try (IpPoolStore es = EtcdIpPoolStore.builder()
                            .endpoints(etcd.endpoints())
                            .keyPrefix(prefix)
                            .build();
                    IpamAgent etcdAgent =
                            IpamAgent.start(tmp.resolve("etcd.sock"), new CniHandler(IpAllocator.create(es), es))) {
                Path etcdConf = PluginHarness.writeNodeConfig(tmp.resolve("etcd.conf"), etcdAgent.socket());
                // warm-up (page cache, JIT of the agents)
                run("warm-up", exe, fbConf("bench-warm"), env(fileConf), 10, 2, "w");
                for (int c : new int[] {1, 8}) {
                    int n = c == 1 ? n1 : n8;
                    all.add(run("host-local, c=" + c, HOST_LOCAL, hlConf, env(fileConf), n, c, "hl" + c));
                    all.add(run(
                            "fabricbinder-ipam, file store, c=" + c,
                            exe,
                            fbConf("bench-file-" + c),
                            env(fileConf),
                            n,
                            c,
                            "f" + c));
                    all.add(run(
                            "fabricbinder-ipam, 3-member etcd, c=" + c,
                            exe,
                            fbConf("bench-etcd-" + c),
                            env(etcdConf),
                            n,
                            c,
                            "e" + c));
                }
                for (Stats s : all) {
                    System.out.println(s);
                }
            }
            // 1,000 ADDs + 1,000 DELs from two node agents against the 3-member etcd, 8 concurrent execs.
            String prefix2 = "bench2-" + System.nanoTime() + "/";
            try (IpPoolStore s1 = EtcdIpPoolStore.builder()
                            .endpoints(etcd.endpoints())
                            .keyPrefix(prefix2)
                            .build();
                    IpPoolStore s2 = EtcdIpPoolStore.builder()
                            .endpoints(etcd.endpoints())
                            .keyPrefix(prefix2)
                            .build();
                    IpamAgent a1 = IpamAgent.start(tmp.resolve("n1.sock"), new CniHandler(IpAllocator.create(s1), s1));
                    IpamAgent a2 =
                            IpamAgent.start(tmp.resolve("n2.sock"), new CniHandler(IpAllocator.create(s2), s2))) {
                Path c1 = PluginHarness.writeNodeConfig(tmp.resolve("n1.conf"), a1.socket());
                Path c2 = PluginHarness.writeNodeConfig(tmp.resolve("n2.conf"), a2.socket());
                int total = Integer.getInteger("cni.bench.churn", 1000);
                Set<String> held = Collections.synchronizedSet(new HashSet<>());
                AtomicInteger dups = new AtomicInteger();
                AtomicInteger failed = new AtomicInteger();
                AtomicInteger next = new AtomicInteger();
                ExecutorService ex = Executors.newFixedThreadPool(8);
                long t0 = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    fs.add(ex.submit(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < total) {
                            Map<String, String> env = env(i % 2 == 0 ? c1 : c2);
                            env.put("CNI_CONTAINERID", "ctr-" + i);
                            env.put("CNI_ARGS", "K8S_POD_NAMESPACE=bench;K8S_POD_NAME=p" + i + ";K8S_POD_UID=u" + i);
                            env.put("CNI_COMMAND", "ADD");
                            PluginHarness.Result r = PluginHarness.exec(exe, env, fbConf("bench-churn"));
                            if (r.exitCode() != 0) {
                                failed.incrementAndGet();
                                continue;
                            }
                            String addr = address(r.stdout());
                            if (!held.add(addr)) {
                                dups.incrementAndGet();
                            }
                            env.put("CNI_COMMAND", "DEL");
                            PluginHarness.Result d = PluginHarness.exec(exe, env, fbConf("bench-churn"));
                            if (d.exitCode() != 0) {
                                failed.incrementAndGet();
                                continue;
                            }
                            held.remove(addr);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                ex.shutdown();
                System.out.printf(
                        Locale.ROOT,
                        "two node agents, 3-member etcd: %d ADD + %d DEL (8 concurrent execs) in %.1f s, duplicates %d,"
                                + " failed %d%n",
                        total,
                        total,
                        secs,
                        dups.get(),
                        failed.get());
                assertThat(dups.get()).isZero();
                assertThat(failed.get()).isZero();
            }
        }
        Files.writeString(tmp.resolve("done"), "ok", StandardCharsets.UTF_8);
    }
}
