package io.fabricbinder.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabricbinder.ipam.etcd.EtcdTestCluster;
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
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark harness, not a timed test: it runs only with {@code -Dcni.bench=true} and asserts only
 * correctness (no duplicates, every command succeeded); the figures go to stdout and into
 * docs/performance.md. Execs the packaged {@code target/fabricbinder-ipam/fabricbinder-ipam} (build
 * it first: {@code ./mvnw -pl cni -am package -DskipTests -Pfabricbinder-ipam-dir}) and Debian's
 * {@code host-local} the same way, in the same run, with the Java plugin alone ({@code
 * fabricbinder-ipam-jvm}, what the forwarder hands over to) as the baseline: ADD wall p50/p99, the
 * plugin process's CPU and the node agent's CPU per ADD (each agent is a JVM of its own, as on a
 * node) at 1 and 8 concurrent, on the file store and on a 3-member etcd (the etcd members' CPU is not
 * counted); then 1,000 ADDs + 1,000 DELs from two node agents against the etcd.
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

    private record Stats(
            String label, int n, double p50, double p99, double cpuPerOp, double agentCpuPerOp, double seconds) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %.1f | %.1f | %.1f | %s | %.2f |",
                    label,
                    n,
                    p50,
                    p99,
                    cpuPerOp,
                    Double.isNaN(agentCpuPerOp) ? "-" : String.format(Locale.ROOT, "%.1f", agentCpuPerOp),
                    seconds);
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
            String label,
            Path exe,
            String conf,
            @Nullable AgentProcess agent,
            Map<String, String> baseEnv,
            int total,
            int threads,
            String tag)
            throws Exception {
        List<Double> walls = Collections.synchronizedList(new ArrayList<>());
        Set<String> addresses = Collections.synchronizedSet(new HashSet<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        double cpu0 = childCpuMillis();
        double agent0 = agent == null ? 0 : agent.cpuMillis();
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
        double agentCpu = agent == null ? Double.NaN : agent.cpuMillis() - agent0;
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
                agentCpu / total,
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
        Path jvm = exe.resolveSibling("fabricbinder-ipam-jvm");
        int n1 = Integer.getInteger("cni.bench.n1", 60);
        int n8 = Integer.getInteger("cni.bench.n8", 160);
        String hlConf =
                "{\"cniVersion\":\"1.0.0\",\"name\":\"bench-hl\",\"type\":\"sriov\",\"ipam\":{\"type\":\"host-local\","
                        + "\"dataDir\":\"" + tmp.resolve("host-local")
                        + "\",\"ranges\":[[{\"subnet\":\"10.121.0.0/16\"}]]}}";
        List<Stats> all = new ArrayList<>();
        try (EtcdTestCluster etcd = EtcdTestCluster.start3()) {
            // the node agents in their own JVMs, as on a node, so their CPU is counted apart
            AgentProcess fileAgent = new AgentProcess(
                    Files.createDirectories(tmp.resolve("agent-file")),
                    List.of("file", Files.createDirectories(tmp.resolve("file")).toString()));
            AgentProcess etcdAgent = new AgentProcess(
                    Files.createDirectories(tmp.resolve("agent-etcd")),
                    List.of("etcd", String.join(",", etcd.endpoints()), "bench-" + System.nanoTime() + "/"));
            try {
                // warm-up (page cache, JIT of the agents)
                run("warm-up", exe, fbConf("bench-warm"), fileAgent, env(fileAgent.nodeConfig), 40, 2, "wf");
                run("warm-up", exe, fbConf("bench-warm"), etcdAgent, env(etcdAgent.nodeConfig), 40, 2, "we");
                for (int c : new int[] {1, 8}) {
                    int n = c == 1 ? n1 : n8;
                    all.add(run(
                            "host-local, c=" + c, HOST_LOCAL, hlConf, null, env(fileAgent.nodeConfig), n, c, "hl" + c));
                    all.add(run(
                            "fabricbinder-ipam, file store, c=" + c,
                            exe,
                            fbConf("bench-file-" + c),
                            fileAgent,
                            env(fileAgent.nodeConfig),
                            n,
                            c,
                            "f" + c));
                    all.add(run(
                            "fabricbinder-ipam, 3-member etcd, c=" + c,
                            exe,
                            fbConf("bench-etcd-" + c),
                            etcdAgent,
                            env(etcdAgent.nodeConfig),
                            n,
                            c,
                            "e" + c));
                    // the baseline: the Java plugin alone, as before the forwarder (and as it runs
                    // whenever the forwarder hands over)
                    all.add(run(
                            "fabricbinder-ipam-jvm (Java plugin alone), file store, c=" + c,
                            jvm,
                            fbConf("bench-jvm-file-" + c),
                            fileAgent,
                            env(fileAgent.nodeConfig),
                            n,
                            c,
                            "jf" + c));
                    all.add(run(
                            "fabricbinder-ipam-jvm (Java plugin alone), 3-member etcd, c=" + c,
                            jvm,
                            fbConf("bench-jvm-etcd-" + c),
                            etcdAgent,
                            env(etcdAgent.nodeConfig),
                            n,
                            c,
                            "je" + c));
                }
            } finally {
                fileAgent.stop();
                etcdAgent.stop();
            }
            System.out.println();
            System.out.println(
                    "| Plugin, store, concurrency | ADDs | wall p50 (ms) | wall p99 (ms) | plugin CPU per ADD (ms)"
                            + " | node agent CPU per ADD (ms) | total (s) |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (Stats s : all) {
                System.out.println(s);
            }
            // 1,000 ADDs + 1,000 DELs from two node agents against the 3-member etcd, 8 concurrent execs.
            churn("fabricbinder-ipam", exe, etcd);
            if (Boolean.getBoolean("cni.bench.churnJvm")) {
                churn("fabricbinder-ipam-jvm (Java plugin alone)", jvm, etcd);
            }
        }
        Files.writeString(tmp.resolve("done"), "ok", StandardCharsets.UTF_8);
    }

    /** {@code cni.bench.churn} ADDs, each followed by its DEL, from two node agents, 8 concurrent execs. */
    private void churn(String label, Path exe, EtcdTestCluster etcd) throws Exception {
        String prefix2 = "bench2-" + System.nanoTime() + "/";
        List<String> store = List.of("etcd", String.join(",", etcd.endpoints()), prefix2);
        AgentProcess a1 = new AgentProcess(Files.createDirectories(tmp.resolve("n1-" + prefix2.hashCode())), store);
        AgentProcess a2 = new AgentProcess(Files.createDirectories(tmp.resolve("n2-" + prefix2.hashCode())), store);
        try {
            Path c1 = a1.nodeConfig;
            Path c2 = a2.nodeConfig;
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
                    "%s, two node agents, 3-member etcd: %d ADD + %d DEL (8 concurrent execs) in %.1f s, duplicates %d,"
                            + " failed %d%n",
                    label,
                    total,
                    total,
                    secs,
                    dups.get(),
                    failed.get());
            assertThat(dups.get()).isZero();
            assertThat(failed.get()).isZero();
        } finally {
            a1.stop();
            a2.stop();
        }
    }
}
