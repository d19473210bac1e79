package io.fabricbinder.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.etcd.EtcdIpPoolStore;
import io.fabricbinder.ipam.etcd.EtcdTestCluster;
import io.fabricbinder.ipam.spi.IpPoolStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two simulated nodes (two node agents, each in its own JVM) over one store, under concurrent
 * ADD/DEL churn through the plugin's code path, while one agent is killed with SIGKILL and
 * restarted (and, on etcd, the etcd leader is killed): no address is ever acknowledged to two
 * attachments, every acknowledged ADD's address is held until its DEL, and nothing is left allocated
 * after every attachment was deleted. Retries follow what a runtime does: a failed ADD is followed
 * by DEL, a failed DEL is retried.
 */
class TwoNodeChurnTest {
    private static final String CONF = "{\"cniVersion\":\"1.0.0\",\"name\":\"churn\",\"type\":\"sriov\","
            + "\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.90.0.0/24\"}}";
    private static final int WORKERS = 6;
    private static final int PODS_PER_WORKER = 25;

    @TempDir
    Path tmp;

    @Test
    void fileStore() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("store"));
        churn(List.of("file", dir.toString()), () -> FileIpPoolStore.open(dir), () -> {});
    }

    @Test
    void threeMemberEtcdWithTheLeaderKilled() throws Exception {
        try (EtcdTestCluster etcd = EtcdTestCluster.start3()) {
            String prefix = "churn-" + System.nanoTime() + "/";
            String endpoints = String.join(",", etcd.endpoints());
            churn(
                    List.of("etcd", endpoints, prefix),
                    () -> EtcdIpPoolStore.builder()
                            .endpoints(etcd.endpoints())
                            .keyPrefix(prefix)
                            .build(),
                    () -> System.out.println("killed etcd leader " + etcd.killLeader()));
        }
    }

    @Test
    void etcdWithoutQuorumAnswers11WithinFiveSecondsAndNothingStaysAllocated() throws Exception {
        try (EtcdTestCluster etcd = EtcdTestCluster.start3()) {
            String prefix = "quorum-" + System.nanoTime() + "/";
            AgentProcess a = new AgentProcess(
                    Files.createDirectories(tmp.resolve("node-q")),
                    List.of("etcd", String.join(",", etcd.endpoints()), prefix));
            try (IpPoolStore check = EtcdIpPoolStore.builder()
                    .endpoints(etcd.endpoints())
                    .keyPrefix(prefix)
                    .build()) {
                assertThat(cni(a, "ADD", "warm").exitCode()).isZero(); // the pool exists; the agent is warm
                assertThat(cni(a, "DEL", "warm").exitCode()).isZero();
                System.out.println("killed etcd leaders " + etcd.killLeader() + " and " + etcd.killLeader());
                long t0 = System.nanoTime();
                PluginHarness.Result add = cni(a, "ADD", "q1");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(add.exitCode()).as(add.stdout()).isEqualTo(11);
                assertThat(add.stdout()).contains("\"code\":11");
                assertThat(ms).as("ADD answered after %d ms", ms).isLessThan(5_000);
                etcd.restartDead();
                PoolSpec pool = IpamBlock.parse(Map.of("type", "fabricbinder-ipam", "subnet", "10.90.0.0/24"))
                        .pool("churn");
                IpAllocator reader = IpAllocator.create(check);
                // The agent releases what the failed ADD may have written once etcd answers again.
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!retry(() -> reader.list(pool)).isEmpty() && System.nanoTime() < deadline) {
                    sleep(200);
                }
                assertThat(retry(() -> reader.list(pool))).isEmpty();
            } finally {
                a.stop();
            }
        }
    }

    /** One CNI command through the plugin's code path (in process, without the watchdog). */
    private static PluginHarness.Result cni(AgentProcess agent, String command, String pod) {
        Map<String, String> env = Map.of(
                "CNI_COMMAND",
                command,
                "CNI_CONTAINERID",
                "ctr-" + pod,
                "CNI_NETNS",
                "/run/netns/" + pod,
                "CNI_IFNAME",
                "net1",
                "CNI_ARGS",
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=churn;K8S_POD_NAME=" + pod + ";K8S_POD_UID=uid-" + pod,
                NodeConfig.ENV_OVERRIDE,
                agent.nodeConfig.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Plugin(
                        env,
                        new ByteArrayInputStream(CONF.getBytes(StandardCharsets.UTF_8)),
                        out,
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(false);
        return new PluginHarness.Result(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String address(String result) {
        int i = result.indexOf("\"address\":\"");
        return result.substring(i + 11, result.indexOf('"', i + 11));
    }

    private void churn(List<String> store, Supplier<IpPoolStore> checker, Runnable fault) throws Exception {
        long seed = System.nanoTime();
        System.out.println("TwoNodeChurnTest seed " + seed);
        AgentProcess a = new AgentProcess(Files.createDirectories(tmp.resolve("node-a")), store);
        AgentProcess b = new AgentProcess(Files.createDirectories(tmp.resolve("node-b")), store);
        AgentProcess[] agents = {a, b};
        PoolSpec pool = IpamBlock.parse(Map.of("type", "fabricbinder-ipam", "subnet", "10.90.0.0/24"))
                .pool("churn");
        Map<String, String> held = new ConcurrentHashMap<>(); // address -> pod, acknowledged and not yet deleted
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        ExecutorService pool8 = Executors.newFixedThreadPool(WORKERS + 1);
        try (IpPoolStore check = checker.get()) {
            IpAllocator reader = IpAllocator.create(check);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                futures.add(pool8.submit(() -> {
                    Random rnd = new Random(seed + worker);
                    for (int i = 0; i < PODS_PER_WORKER && violation.get() == null; i++) {
                        String pod = "p" + worker + "-" + i;
                        Owner owner = new Owner("churn", pod, "uid-" + pod, "net1");
                        AgentProcess node = agents[rnd.nextInt(2)]; // a pod's commands all come from its node
                        PluginHarness.Result add = cni(node, "ADD", pod);
                        if (add.exitCode() == 0) {
                            String addr = address(add.stdout());
                            String before = held.putIfAbsent(addr, pod);
                            if (before != null) {
                                violation.compareAndSet(null, addr + " acknowledged to " + before + " and " + pod);
                            }
                            acked.incrementAndGet();
                            sleep(rnd.nextInt(30));
                            Optional<Allocation> now = retry(() -> reader.find(pool, owner));
                            if (now.isEmpty()
                                    || !now.get().addresses().get(0).cidr().equals(addr)) {
                                violation.compareAndSet(null, pod + " acknowledged " + addr + " but holds " + now);
                            }
                        } else {
                            retried.incrementAndGet();
                        }
                        // The address is "held until its DEL": once the DEL is sent it may be freed and handed
                        // to another pod before this thread runs again, so it leaves the book before the DEL
                        // (removing it after the DEL reported that legitimate reuse as a duplicate).
                        if (add.exitCode() == 0) {
                            held.remove(address(add.stdout()), pod);
                        }
                        // DEL until it succeeds (the runtime retries a failed DEL; it also DELs after a failed ADD)
                        while (true) {
                            PluginHarness.Result del = cni(node, "DEL", pod);
                            if (del.exitCode() == 0) {
                                break;
                            }
                            retried.incrementAndGet();
                            sleep(100);
                        }
                    }
                    return null;
                }));
            }
            // Faults, once the churn is under way.
            futures.add(pool8.submit(() -> {
                while (acked.get() < 20) {
                    sleep(20);
                }
                a.process.toHandle().destroyForcibly(); // kill -9 of node agent A mid-run
                System.out.println("killed node agent A after " + acked.get() + " acknowledged ADDs");
                fault.run();
                sleep(500);
                a.process = a.start(); // the DaemonSet restarts it; it finds and replaces its stale socket
                return null;
            }));
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
            assertThat(violation.get()).isNull();
            assertThat(acked.get()).isGreaterThan(WORKERS * PODS_PER_WORKER / 2);
            assertThat(retry(() -> reader.list(pool)))
                    .as("allocations left after every DEL")
                    .isEmpty();
            System.out.println(
                    "churn: " + acked.get() + " acknowledged ADDs, " + retried.get() + " failed and retried");
        } finally {
            pool8.shutdownNow();
            a.stop();
            b.stop();
        }
    }

    private static <T> T retry(Supplier<T> s) {
        RuntimeException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return s.get();
            } catch (RuntimeException e) {
                last = e;
                sleep(200);
            }
        }
        throw last;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
