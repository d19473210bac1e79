package io.fabricbinder.ipam.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamException;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.spi.IpPoolStoreContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The allocator on a real 3-member etcd cluster under concurrency and faults: many threads, several
 * JVMs, a killed etcd leader, a killed allocator process. Duplicates are checked from the recorded
 * history of acknowledged operations and against what etcd holds afterwards.
 */
class EtcdAllocatorConcurrencyTest {
    private static EtcdCluster cluster;
    /** This test's keys in etcd (JUnit makes a new instance per test). */
    private final String prefix = "conc/" + UUID.randomUUID() + "/";

    @BeforeAll
    static void startEtcd() {
        cluster = EtcdCluster.start(3);
    }

    @AfterAll
    static void stopEtcd() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void reviveKilledMembers() {
        cluster.restartDead();
    }

    private EtcdIpPoolStore newStore() {
        return EtcdIpPoolStore.builder()
                .endpoints(cluster.endpoints())
                .keyPrefix(prefix)
                // Generous: the first request of a JVM also loads and starts gRPC, Netty and Vert.x.
                .requestTimeout(Duration.ofSeconds(15))
                .build();
    }

    /** One completed operation; times from one {@link System#nanoTime()} clock. */
    private record Op(Owner owner, String address, boolean allocate, long invoked, long completed) {}

    @Test
    void sixteenThreadsAllocatingAndReleasingNeverHoldOneAddressTwice() throws Exception {
        long seed = Long.getLong("ipam.seed", new SplittableRandom().nextLong());
        System.out.println("sixteenThreads... seed=" + seed + " (rerun with -Dipam.seed=" + seed + ")");
        PoolSpec pool = PoolSpec.of("threads", IpRange.ofSubnet("10.41.0.0/23"));
        List<Op> history = Collections.synchronizedList(new ArrayList<>());
        try (EtcdIpPoolStore store = newStore()) {
            IpAllocator allocator = IpAllocator.builder(store).maxAttempts(1000).build();
            IpPoolStoreContract.runConcurrently(16, t -> {
                SplittableRandom rnd = new SplittableRandom(seed + t);
                List<Owner> held = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    if (!held.isEmpty() && rnd.nextInt(3) == 0) {
                        Owner o = held.remove(rnd.nextInt(held.size()));
                        String address = allocator
                                .find(pool, o)
                                .orElseThrow()
                                .addresses()
                                .get(0)
                                .cidr();
                        long invoked = System.nanoTime();
                        assertThat(allocator.release(pool, o)).isTrue();
                        history.add(new Op(o, address, false, invoked, System.nanoTime()));
                    } else {
                        Owner o = new Owner("ns", "p" + t + "-" + i, "u" + t + "-" + i, "net1");
                        long invoked = System.nanoTime();
                        Allocation a = allocator.allocate(pool, o);
                        history.add(new Op(o, a.addresses().get(0).cidr(), true, invoked, System.nanoTime()));
                        held.add(o);
                    }
                }
            });

            assertThat(overlappingHolders(history))
                    .as("addresses held by two owners at once")
                    .isEmpty();
            Map<Owner, String> expected = new HashMap<>();
            for (Op op : history) {
                if (op.allocate()) {
                    expected.put(op.owner(), op.address());
                } else {
                    expected.remove(op.owner());
                }
            }
            Map<Owner, String> stored = new HashMap<>();
            for (Allocation a : allocator.list(pool)) {
                stored.put(a.owner(), a.addresses().get(0).cidr());
            }
            assertThat(stored).isEqualTo(expected);
            assertThat(allocator.usage(pool).allocated().intValue()).isEqualTo(expected.size());
            long commits = store.stats().commits.sum();
            long txns = store.stats().txns.sum();
            System.out.println("sixteenThreads...: " + commits + " commits in " + txns + " etcd txns");
            assertThat(commits)
                    .as("group commit merged some of the 16 threads' commits")
                    .isGreaterThan(txns);
        }
    }

    /**
     * Pairs of owners whose certain holding intervals of one address overlap. An owner certainly
     * holds an address from the end of its allocate call to the start of its release call.
     */
    private static List<String> overlappingHolders(List<Op> history) {
        Map<Owner, Op> allocated = new HashMap<>();
        Map<String, List<long[]>> intervals = new HashMap<>();
        Map<String, List<Owner>> holders = new HashMap<>();
        List<Op> ops = new ArrayList<>(history);
        for (Op op : ops) {
            if (op.allocate()) {
                allocated.put(op.owner(), op);
            }
        }
        Map<Owner, Long> releasedAt = new HashMap<>();
        for (Op op : ops) {
            if (!op.allocate()) {
                releasedAt.put(op.owner(), op.invoked());
            }
        }
        for (Op a : allocated.values()) {
            intervals
                    .computeIfAbsent(a.address(), k -> new ArrayList<>())
                    .add(new long[] {a.completed(), releasedAt.getOrDefault(a.owner(), Long.MAX_VALUE)});
            holders.computeIfAbsent(a.address(), k -> new ArrayList<>()).add(a.owner());
        }
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, List<long[]>> e : intervals.entrySet()) {
            List<long[]> in = e.getValue();
            for (int i = 0; i < in.size(); i++) {
                for (int j = i + 1; j < in.size(); j++) {
                    if (in.get(i)[0] < in.get(j)[1] && in.get(j)[0] < in.get(i)[1]) {
                        List<Owner> owners = holders.getOrDefault(e.getKey(), List.of()); // same keys
                        bad.add(e.getKey() + " held by " + owners.get(i) + " and " + owners.get(j));
                    }
                }
            }
        }
        return bad;
    }

    @Test
    void twoJvmsWithEightThreadsEachNeverShareAnAddress() throws Exception {
        try (EtcdIpPoolStore store = newStore()) {
            PoolSpec pool = PoolSpec.of("jvms", IpRange.ofSubnet("10.42.0.0/23"));
            List<ChildJvm> children = new ArrayList<>();
            try {
                for (String tag : List.of("a", "b")) {
                    children.add(ChildJvm.start(child(pool, "10.42.0.0/23", tag, 8, 25, 60)));
                }
                for (ChildJvm c : children) {
                    assertThat(c.await(120))
                            .as("child exit; stderr %s", c.stderrText())
                            .isZero();
                    assertThat(c.lines).as("child %s output", c.process.pid()).noneMatch(l -> l.startsWith("FAIL"));
                }
                Map<String, String> acked = checkAcksUniqueAndStored(store, pool, children);
                assertThat(acked).hasSize(2 * 8 * 25);
            } finally {
                children.forEach(ChildJvm::close);
            }
        }
    }

    @Test
    void killingTheEtcdLeaderUnderLoadLosesNothingAndAllocationResumes() throws Exception {
        try (EtcdIpPoolStore store = newStore()) {
            PoolSpec pool = PoolSpec.of("failover", IpRange.ofSubnet("10.43.0.0/22"));
            List<ChildJvm> children = new ArrayList<>();
            try {
                for (String tag : List.of("a", "b")) {
                    children.add(ChildJvm.start(child(pool, "10.43.0.0/22", tag, 8, 40, 90)));
                }
                awaitAcks(children, 120);
                EtcdCluster.Member leader = cluster.killLeader();
                long acksAtKill =
                        children.stream().mapToLong(ChildJvm::ackCount).sum();
                System.out.println(
                        "killed etcd leader " + leader + " after " + acksAtKill + " acknowledged allocations");
                for (ChildJvm c : children) {
                    assertThat(c.await(150))
                            .as("child exit; stderr %s", c.stderrText())
                            .isZero();
                    assertThat(c.lines).as("child output").noneMatch(l -> l.startsWith("FAIL"));
                }
                long total = children.stream().mapToLong(ChildJvm::ackCount).sum();
                assertThat(total)
                        .as("allocations acknowledged after the leader died")
                        .isGreaterThan(acksAtKill);
                assertThat(cluster.leader()).isNotSameAs(leader);
                Map<String, String> acked = checkAcksUniqueAndStored(store, pool, children);
                assertThat(acked).hasSize(2 * 8 * 40);
            } finally {
                children.forEach(ChildJvm::close);
            }
        }
    }

    @Test
    void killingAnAllocatorMidAllocationLosesNoAcknowledgedAllocationAndDuplicatesNothing() throws Exception {
        try (EtcdIpPoolStore store = newStore()) {
            PoolSpec pool = PoolSpec.of("crash", IpRange.ofSubnet("10.44.0.0/23"));
            IpAllocator allocator = IpAllocator.create(store);
            ChildJvm victim = ChildJvm.start(child(pool, "10.44.0.0/23", "v", 8, 1000, 60));
            List<ChildJvm> all = new ArrayList<>(List.of(victim));
            try {
                awaitAcks(List.of(victim), 80);
                victim.kill(); // SIGKILL while 8 threads are between read, txn and print
                Map<String, String> ackedByVictim = checkAcksUniqueAndStored(store, pool, List.of(victim));
                assertThat(ackedByVictim).hasSizeGreaterThanOrEqualTo(80);
                int storedAfterKill = allocator.list(pool).size();
                assertThat(storedAfterKill)
                        .as("committed allocations (acknowledged or in flight when killed)")
                        .isGreaterThanOrEqualTo(ackedByVictim.size());

                // A new process redoes the same owners (the killed one's in-flight calls included) and more.
                ChildJvm again = ChildJvm.start(child(pool, "10.44.0.0/23", "v", 8, 30, 60));
                all.add(again);
                assertThat(again.await(120)).as("stderr %s", again.stderrText()).isZero();
                for (String[] ack : again.acks()) {
                    String before = ackedByVictim.get(ack[0]);
                    if (before != null) {
                        assertThat(ack[1])
                                .as("idempotent re-allocation of %s", ack[0])
                                .isEqualTo(before);
                    }
                }
                checkAcksUniqueAndStored(store, pool, List.of(again));
                assertNoAddressTwiceInStore(allocator, pool);
            } finally {
                all.forEach(ChildJvm::close);
            }
        }
    }

    private String[] child(PoolSpec pool, String subnet, String tag, int threads, int perThread, int deadline) {
        return new String[] {
            String.join(",", cluster.endpoints()),
            prefix,
            pool.name(),
            subnet,
            tag,
            Integer.toString(threads),
            Integer.toString(perThread),
            Integer.toString(deadline)
        };
    }

    private static void awaitAcks(List<ChildJvm> children, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (children.stream().mapToLong(ChildJvm::ackCount).sum() < n) {
            for (ChildJvm c : children) {
                if (!c.process.isAlive() && c.ackCount() < n) {
                    throw new IllegalStateException("child exited early: " + c.tail() + " " + c.stderrText());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("children did not acknowledge " + n + " allocations in 60 s");
            }
            Thread.sleep(10);
        }
    }

    /**
     * Every acknowledged (pod, address) is unique per address and is what etcd holds for that pod.
     * Returns pod to address.
     */
    private static Map<String, String> checkAcksUniqueAndStored(
            EtcdIpPoolStore store, PoolSpec pool, List<ChildJvm> children) {
        Map<String, String> byPod = new HashMap<>();
        Map<String, String> byAddress = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ChildJvm c : children) {
            for (String[] ack : c.acks()) {
                String previousAddress = byPod.put(ack[0], ack[1]);
                if (previousAddress != null && !previousAddress.equals(ack[1])) {
                    duplicates.add(ack[0] + " got " + previousAddress + " and " + ack[1]);
                }
                String previousPod = byAddress.put(ack[1], ack[0]);
                if (previousPod != null && !previousPod.equals(ack[0])) {
                    duplicates.add(ack[1] + " acknowledged to " + previousPod + " and " + ack[0]);
                }
            }
        }
        assertThat(duplicates).as("duplicates in the acknowledged history").isEmpty();
        IpAllocator reader = IpAllocator.create(store);
        Map<String, String> stored = new HashMap<>();
        for (Allocation a : reader.list(pool)) {
            stored.put(a.owner().pod(), a.addresses().get(0).cidr());
        }
        for (Map.Entry<String, String> e : byPod.entrySet()) {
            assertThat(stored.get(e.getKey()))
                    .as("etcd holds the acknowledged address of %s", e.getKey())
                    .isEqualTo(e.getValue());
        }
        assertNoAddressTwiceInStore(reader, pool);
        return byPod;
    }

    private static void assertNoAddressTwiceInStore(IpAllocator allocator, PoolSpec pool) {
        Map<String, Owner> seen = new HashMap<>();
        List<String> twice = new ArrayList<>();
        for (Allocation a : allocator.list(pool)) {
            Owner before = seen.put(a.addresses().get(0).cidr(), a.owner());
            if (before != null) {
                twice.add(a.addresses().get(0).cidr() + ": " + before + " and " + a.owner());
            }
        }
        assertThat(twice).as("addresses stored for two owners").isEmpty();
    }

    static boolean retryable(IpamException e) {
        return e.isRetryable();
    }
}
