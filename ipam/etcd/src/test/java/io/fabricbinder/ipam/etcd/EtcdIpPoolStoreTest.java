package io.fabricbinder.ipam.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreContract;
import io.fabricbinder.ipam.spi.IpPoolStoreException;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared store contract against a real 3-member etcd cluster, plus what is specific to etcd:
 * round trips per allocation (counted on the gRPC channel), namespaces, client ownership, failures.
 */
class EtcdIpPoolStoreTest extends IpPoolStoreContract {
    private static EtcdCluster cluster;

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

    @Override
    protected IpPoolStore newStore() {
        // A fresh namespace per store: stores of different tests never see each other's keys.
        return EtcdIpPoolStore.builder()
                .endpoints(cluster.endpoints())
                .keyPrefix("contract/" + UUID.randomUUID() + "/")
                .build();
    }

    @Override
    protected int sequenceLength() {
        return 200;
    }

    /** Counts gRPC calls by full method name, e.g. {@code etcdserverpb.KV/Txn}. */
    static final class CallCounter implements ClientInterceptor {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            calls.computeIfAbsent(method.getFullMethodName(), k -> new AtomicInteger())
                    .incrementAndGet();
            return next.newCall(method, options);
        }

        int get(String method) {
            AtomicInteger n = calls.get(method);
            return n == null ? 0 : n.get();
        }

        int total() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        void reset() {
            calls.clear();
        }
    }

    /** A store over its own client whose gRPC calls are counted; close both with {@link #close}. */
    private record Counted(Client client, EtcdIpPoolStore store, CallCounter counter) implements AutoCloseable {
        static Counted start(String prefix, int hintCacheSize) {
            CallCounter counter = new CallCounter();
            Client client = Client.builder()
                    .endpoints(cluster.endpoints().toArray(String[]::new))
                    .interceptor(counter)
                    .build();
            EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                    .client(client)
                    .keyPrefix(prefix + UUID.randomUUID() + "/")
                    .hintCacheSize(hintCacheSize)
                    .build();
            return new Counted(client, store, counter);
        }

        @Override
        public void close() {
            store.close();
            client.close();
        }
    }

    @Test
    void withoutTheHintCacheAnUncontendedAllocationIsOneRangeReadAndOneTxn() {
        try (Counted c = Counted.start("rtt/", 0)) {
            EtcdIpPoolStore store = c.store();
            CallCounter counter = c.counter();
            IpAllocator allocator = IpAllocator.create(store);
            PoolSpec pool = PoolSpec.of("rtt", IpRange.ofSubnet("10.60.0.0/16"));
            allocator.allocate(pool, new Owner("ns", "warm", "uid-warm", "net1")); // stores the pool spec once

            List<Integer> perAllocation = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                counter.reset();
                allocator.allocate(pool, new Owner("ns", "pod-" + i, "uid-" + i, "net1"));
                assertThat(counter.get("etcdserverpb.KV/Range"))
                        .as("reads of allocation %d", i)
                        .isEqualTo(1);
                assertThat(counter.get("etcdserverpb.KV/Txn"))
                        .as("txns of allocation %d", i)
                        .isEqualTo(1);
                perAllocation.add(counter.total());
            }
            assertThat(perAllocation).allMatch(n -> n == 2);

            counter.reset();
            store.find("k");
            store.commit(List.of(Condition.absent("k")), List.of(Mutation.put("k", "v")));
            store.list("", "", 10);
            assertThat(counter.total()).isEqualTo(3);
        }
    }

    @Test
    void withTheHintCacheAnUncontendedAllocationIsOneTxnOnceItsLeafHasBeenRead() {
        try (Counted c = Counted.start("rtt-hint/", EtcdIpPoolStore.DEFAULT_HINT_CACHE_SIZE)) {
            EtcdIpPoolStore store = c.store();
            CallCounter counter = c.counter();
            IpAllocator allocator = IpAllocator.create(store);
            // A /24 is one leaf of the free-address index: read once, then known from this store's
            // own commits.
            PoolSpec pool = PoolSpec.of("rtt", IpRange.ofSubnet("10.61.0.0/24"));
            counter.reset();
            allocator.allocate(pool, new Owner("ns", "first", "uid-first", "net1"));
            assertThat(counter.get("etcdserverpb.KV/Range"))
                    .as("the first allocation reads")
                    .isPositive();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                counter.reset();
                seen.add(allocator
                        .allocate(pool, new Owner("ns", "pod-" + i, "uid-" + i, "net1"))
                        .addresses()
                        .toString());
                assertThat(counter.get("etcdserverpb.KV/Range"))
                        .as("reads of allocation %d", i)
                        .isZero();
                assertThat(counter.get("etcdserverpb.KV/Txn"))
                        .as("txns of allocation %d", i)
                        .isEqualTo(1);
            }
            assertThat(seen).doesNotHaveDuplicates();
            assertThat(store.stats().hintHits.sum()).isEqualTo(100);
        }
    }

    @Test
    void anotherWritersChangeCostsOneFailedCommitAndABusyOtherWriterTurnsTheCacheOff() {
        String prefix = "stale/" + UUID.randomUUID() + "/";
        try (EtcdIpPoolStore a = EtcdIpPoolStore.builder()
                        .endpoints(cluster.endpoints())
                        .keyPrefix(prefix)
                        .build();
                EtcdIpPoolStore b = EtcdIpPoolStore.builder()
                        .endpoints(cluster.endpoints())
                        .keyPrefix(prefix)
                        .build()) {
            IpAllocator onA = IpAllocator.builder(a).randomSeed(1).build();
            IpAllocator onB = IpAllocator.builder(b).randomSeed(2).build();
            PoolSpec pool = PoolSpec.of("shared", IpRange.ofSubnet("10.62.0.0/24"));
            List<String> addresses = new ArrayList<>();
            addresses.add(address(onA, pool, "a0"));
            // b changes the leaf a has cached: a's next allocation commits on a stale version, fails,
            // drops the entry and succeeds on a fresh read.
            addresses.add(address(onB, pool, "b0"));
            addresses.add(address(onA, pool, "a1"));
            assertThat(a.stats().staleHints.sum()).isEqualTo(1);
            assertThat(a.stats().hintBypasses.sum()).isZero();

            // Alternating writers make most of a's hints stale: a stops using its cache.
            for (int i = 0; i < 100; i++) {
                addresses.add(address(onB, pool, "b" + (i + 1)));
                addresses.add(address(onA, pool, "a" + (i + 2)));
            }
            assertThat(addresses).hasSize(203).doesNotHaveDuplicates();
            assertThat(a.stats().hintBypasses.sum()).isPositive();
            assertThat(a.stats().staleHints.sum())
                    .as("stale hints stop once the cache is bypassed")
                    .isLessThan(80);
        }
    }

    /** Allocates for pod {@code pod} (uid {@code uid-<pod>}) and returns its addresses as text. */
    private static String address(IpAllocator allocator, PoolSpec pool, String pod) {
        return allocator
                .allocate(pool, new Owner("ns", pod, "uid-" + pod, "net1"))
                .addresses()
                .toString();
    }

    @Test
    void storesWithDifferentPrefixesDoNotSeeEachOther() {
        String run = UUID.randomUUID().toString();
        try (EtcdIpPoolStore a = EtcdIpPoolStore.builder()
                        .endpoints(cluster.endpoints())
                        .keyPrefix("iso/" + run + "/a/")
                        .build();
                EtcdIpPoolStore b = EtcdIpPoolStore.builder()
                        .endpoints(cluster.endpoints())
                        .keyPrefix("iso/" + run + "/b/")
                        .build()) {
            assertThat(a.commit(List.of(Condition.absent("k")), List.of(Mutation.put("k", "from-a"))))
                    .isTrue();
            assertThat(b.commit(List.of(Condition.absent("k")), List.of(Mutation.put("k", "from-b"))))
                    .isTrue();

            assertThat(a.find("k").orElseThrow().value()).isEqualTo("from-a");
            assertThat(b.find("k").orElseThrow().value()).isEqualTo("from-b");
            assertThat(a.list("", "", 100)).extracting(VersionedValue::key).containsExactly("k");
            assertThat(a.keyPrefix()).isEqualTo("iso/" + run + "/a/");
        }
    }

    @Test
    void aCallersClientIsNotClosedAndSeesTheKeysUnderThePrefix() throws Exception {
        String prefix = "owned/" + UUID.randomUUID() + "/";
        try (Client client = Client.builder()
                .endpoints(cluster.endpoints().toArray(String[]::new))
                .build()) {
            EtcdIpPoolStore store =
                    EtcdIpPoolStore.builder().client(client).keyPrefix(prefix).build();
            store.commit(List.of(), List.of(Mutation.put("k", "v")));
            long version = store.find("k").orElseThrow().version();
            store.close();

            var kvs = client.getKVClient()
                    .get(ByteSequence.from(prefix + "k", StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS)
                    .getKvs();
            assertThat(kvs).hasSize(1);
            assertThat(kvs.get(0).getModRevision())
                    .as("version is the mod_revision")
                    .isEqualTo(version);
        }
    }

    @Test
    void anUnreachableEtcdFailsWithARetryableStoreErrorNamingTheEndpoint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        try (EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                .endpoints(endpoint)
                .requestTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(200))
                .build()) {
            assertThatThrownBy(() -> store.commit(List.of(), List.of(Mutation.put("k", "v"))))
                    .isInstanceOf(IpPoolStoreException.class)
                    .hasMessageContaining(endpoint)
                    .hasMessageContaining("outcome unknown")
                    .matches(e -> ((IpPoolStoreException) e).isRetryable());
            assertThatThrownBy(() -> store.find("k")).isInstanceOf(IpPoolStoreException.class);
        }
    }

    @Test
    void theBuilderRejectsBadSettingsNamingTheField() {
        assertThatThrownBy(() -> EtcdIpPoolStore.builder().endpoints("http://127.0.0.1:2379", "127.0.0.1:2379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints[1]");
        assertThatThrownBy(() -> EtcdIpPoolStore.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoints");
        assertThatThrownBy(() -> EtcdIpPoolStore.builder().keyPrefix(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> EtcdIpPoolStore.builder().keyPrefix("a b/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> EtcdIpPoolStore.builder().requestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestTimeout");
        try (Client client = Client.builder()
                .endpoints(cluster.endpoints().toArray(String[]::new))
                .build()) {
            assertThatThrownBy(() -> EtcdIpPoolStore.builder()
                            .client(client)
                            .endpoints(cluster.endpoints())
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not both");
        }
    }

    @Test
    void aCommitLargerThanEtcdsTxnLimitIsRejectedBeforeItIsSent() {
        IpPoolStore s = store();
        List<Mutation> many = new ArrayList<>();
        for (int i = 0; i <= EtcdIpPoolStore.DEFAULT_MAX_TXN_OPS; i++) {
            many.add(Mutation.put("big/" + i, "v"));
        }

        assertThatThrownBy(() -> s.commit(List.of(), many))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-txn-ops");
        assertThat(s.list("big/", "", 10)).isEmpty();
    }

    // ---- group commit and batched reads ----

    /** A store over its own client with {@code gate} on the channel; close both with {@link Gated#close}. */
    private static Gated gated(RequestGate gate, Duration requestTimeout) {
        Client client = Client.builder()
                .endpoints(cluster.endpoints().toArray(String[]::new))
                .interceptor(gate)
                .build();
        EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                .client(client)
                .keyPrefix("batch/" + UUID.randomUUID() + "/")
                .requestTimeout(requestTimeout)
                .build();
        return new Gated(client, store, gate, Executors.newCachedThreadPool());
    }

    private record Gated(Client client, EtcdIpPoolStore store, RequestGate gate, ExecutorService callers)
            implements AutoCloseable {
        Future<Boolean> commit(Condition condition, Mutation mutation) {
            return callers.submit(() -> store.commit(List.of(condition), List.of(mutation)));
        }

        /** Submits a commit and waits until it is queued behind the request in flight. */
        Future<Boolean> queuedCommit(Condition condition, Mutation mutation) throws InterruptedException {
            int before = store.queued()[0];
            Future<Boolean> f = commit(condition, mutation);
            awaitQueued(0, before + 1);
            return f;
        }

        /**
         * Commits {@code a=1} alone (held in flight by a gate holding txn 1), queues {@code b=2},
         * {@code c=3} and {@code d=4} behind it, releases it and returns the four outcomes.
         */
        List<Boolean> commitAThenMergeBcd() throws InterruptedException, ExecutionException {
            Future<Boolean> a = commit(Condition.absent("a"), Mutation.put("a", "1"));
            gate.awaitHeld("txn1");
            Future<Boolean> b = queuedCommit(Condition.absent("b"), Mutation.put("b", "2"));
            Future<Boolean> c = queuedCommit(Condition.absent("c"), Mutation.put("c", "3"));
            Future<Boolean> d = queuedCommit(Condition.absent("d"), Mutation.put("d", "4"));
            gate.release("txn1");
            return List.of(a.get(), b.get(), c.get(), d.get());
        }

        void awaitQueued(int kind, int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (store.queued()[kind] < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("never queued: " + n);
                }
                Thread.sleep(5);
            }
        }

        @Override
        public void close() {
            gate.releaseAll();
            callers.shutdownNow();
            store.close();
            client.close();
        }
    }

    private static @Nullable String value(IpPoolStore store, String key) {
        return store.find(key).map(VersionedValue::value).orElse(null);
    }

    @Test
    void disjointCommitsArrivingWhileATxnIsInFlightAreMergedIntoOneTxnAndAllApplied() throws Exception {
        try (Gated g = gated(new RequestGate().holdTxn(1), Duration.ofSeconds(20))) {
            assertThat(g.commitAThenMergeBcd()).containsOnly(true);
            List<io.etcd.jetcd.api.TxnRequest> txns = g.gate().txns();
            assertThat(txns).as("one txn for a, one for b+c+d").hasSize(2);
            assertThat(txns.get(1).getSuccessCount()).isEqualTo(3);
            assertThat(txns.get(1).getSuccessList()).allMatch(io.etcd.jetcd.api.RequestOp::hasRequestTxn);
            assertThat(g.store().stats().histogram[3].sum()).isEqualTo(1);
            assertThat(List.of(
                            value(g.store(), "a"), value(g.store(), "b"), value(g.store(), "c"), value(g.store(), "d")))
                    .containsExactly("1", "2", "3", "4");
            long rb = g.store().find("b").orElseThrow().version();
            assertThat(g.store().find("d").orElseThrow().version())
                    .as("one txn, one revision")
                    .isEqualTo(rb);
        }
    }

    @Test
    void aMergedCommitGivesCachedHintsTheBatchsRevision() throws Exception {
        try (Gated g = gated(new RequestGate().holdTxn(1), Duration.ofSeconds(20))) {
            List<String> keys = List.of("b", "c", "d");
            for (String k : keys) {
                assertThat(g.store().findHint(k)).isEmpty(); // a hint read admits the key to the cache
            }
            assertThat(g.commitAThenMergeBcd()).containsOnly(true);
            assertThat(g.store().stats().histogram[3].sum())
                    .as("b, c and d were merged")
                    .isEqualTo(1);

            long hits = g.store().stats().hintHits.sum();
            for (String k : keys) {
                Optional<VersionedValue> hint = g.store().findHint(k);
                assertThat(hint).as("hint of %s", k).isEqualTo(g.store().find(k));
            }
            assertThat(g.store().stats().hintHits.sum())
                    .as("answered from the cache")
                    .isEqualTo(hits + 3);
        }
    }

    @Test
    void aConflictingCommitInABatchSeesFalseAndTheOthersStillSucceedInTheSameTxn() throws Exception {
        try (Gated g = gated(new RequestGate().holdTxn(2), Duration.ofSeconds(20))) {
            assertThat(g.store().commit(List.of(Condition.absent("x")), List.of(Mutation.put("x", "first"))))
                    .isTrue();
            long xVersion = g.store().find("x").orElseThrow().version();
            Future<Boolean> a = g.commit(Condition.absent("a"), Mutation.put("a", "1"));
            g.gate().awaitHeld("txn2");
            Future<Boolean> loser = g.queuedCommit(Condition.absent("x"), Mutation.put("x", "second"));
            Future<Boolean> c = g.queuedCommit(Condition.absent("c"), Mutation.put("c", "3"));
            Future<Boolean> stale =
                    g.queuedCommit(Condition.atVersion("y", xVersion), Mutation.put("y", "never")); // y does not exist
            Future<Boolean> d = g.queuedCommit(Condition.atVersion("x2", 1), Mutation.delete("d"));
            g.gate().release("txn2");

            assertThat(a.get()).isTrue();
            assertThat(loser.get()).as("x exists: its absent-compare fails").isFalse();
            assertThat(c.get()).isTrue();
            assertThat(stale.get()).isFalse();
            assertThat(d.get()).isFalse();
            assertThat(g.gate().txns())
                    .as("no re-run: etcd decided each nested txn")
                    .hasSize(3);
            assertThat(g.gate().txns().get(2).getSuccessCount()).isEqualTo(4);
            assertThat(value(g.store(), "x")).isEqualTo("first");
            assertThat(g.store().find("x").orElseThrow().version()).isEqualTo(xVersion);
            assertThat(value(g.store(), "c")).isEqualTo("3");
            assertThat(value(g.store(), "y")).isNull();
        }
    }

    @Test
    void commitsSharingAKeyAreNeverMergedAndKeepTheirOrder() throws Exception {
        try (Gated g = gated(new RequestGate().holdTxn(1), Duration.ofSeconds(20))) {
            Future<Boolean> a = g.commit(Condition.absent("a"), Mutation.put("a", "1"));
            g.gate().awaitHeld("txn1");
            Future<Boolean> first = g.queuedCommit(Condition.absent("k"), Mutation.put("k", "first"));
            Future<Boolean> second = g.queuedCommit(Condition.absent("k"), Mutation.put("k", "second"));
            // Shares no key with the others but one with "second" through its condition only.
            Future<Boolean> reader = g.queuedCommit(Condition.absent("k"), Mutation.put("seen-k-absent", "yes"));
            Future<Boolean> other = g.queuedCommit(Condition.absent("o"), Mutation.put("o", "4"));
            g.gate().release("txn1");

            assertThat(a.get()).isTrue();
            assertThat(first.get()).isTrue();
            assertThat(second.get()).as("after first, k exists").isFalse();
            assertThat(reader.get()).isFalse();
            assertThat(other.get()).isTrue();
            assertThat(value(g.store(), "k")).isEqualTo("first");
            List<io.etcd.jetcd.api.TxnRequest> txns = g.gate().txns();
            for (io.etcd.jetcd.api.TxnRequest t : txns) {
                long touchingK = t.getSuccessList().stream()
                        .filter(io.etcd.jetcd.api.RequestOp::hasRequestTxn)
                        .filter(op -> op.getRequestTxn().getCompareList().stream()
                                .anyMatch(cmp -> cmp.getKey().toStringUtf8().endsWith("/k")))
                        .count();
                assertThat(touchingK).as("commits on k in one txn").isLessThanOrEqualTo(1);
            }
            assertThat(txns.get(1).getSuccessCount()).as("first + other").isEqualTo(2);
            assertThat(txns).as("a; first+other; second; reader").hasSize(4);
        }
    }

    @Test
    void whenAMergedTxnTimesOutEveryMemberGetsAStoreErrorWithOutcomeUnknown() throws Exception {
        try (Gated g = gated(new RequestGate().holdTxn(1).holdTxn(2), Duration.ofSeconds(3))) {
            Future<Boolean> a = g.commit(Condition.absent("a"), Mutation.put("a", "1"));
            g.gate().awaitHeld("txn1");
            List<Future<Boolean>> members = new ArrayList<>();
            for (String k : List.of("b", "c", "d")) {
                members.add(g.queuedCommit(Condition.absent(k), Mutation.put(k, k)));
            }
            g.gate().release("txn1");
            g.gate().awaitHeld("txn2");

            assertThat(a.get()).isTrue();
            for (Future<Boolean> f : members) {
                assertThatThrownBy(f::get)
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(IpPoolStoreException.class)
                        .hasMessageContaining("outcome unknown")
                        .hasMessageContaining("merged with 2 others");
            }
            assertThat(g.gate().txns().get(1).getSuccessCount()).isEqualTo(3);
        }
    }

    @Test
    void concurrentFindsAreMergedIntoOneReadOnlyTxn() throws Exception {
        try (Gated g = gated(new RequestGate().holdRange(1), Duration.ofSeconds(20))) {
            g.store().commit(List.of(), List.of(Mutation.put("p", "1"), Mutation.put("q", "2")));
            long txnsBefore = g.store().stats().txns.sum();
            Future<Optional<VersionedValue>> first =
                    g.callers().submit(() -> g.store().find("p"));
            g.gate().awaitHeld("range1");
            List<Future<Optional<VersionedValue>>> more = new ArrayList<>();
            for (String k : List.of("q", "missing", "p")) {
                int before = g.store().queued()[1];
                more.add(g.callers().submit(() -> g.store().find(k)));
                g.awaitQueued(1, before + 1);
            }
            g.gate().release("range1");

            assertThat(first.get().orElseThrow().value()).isEqualTo("1");
            assertThat(more.get(0).get().orElseThrow().value()).isEqualTo("2");
            assertThat(more.get(1).get()).isEmpty();
            assertThat(more.get(2).get().orElseThrow().value()).isEqualTo("1");
            assertThat(g.gate().ranges()).hasSize(1);
            List<io.etcd.jetcd.api.TxnRequest> txns = g.gate().txns();
            assertThat(txns).hasSize(2); // the put, then the three merged reads
            assertThat(txns.get(1).getCompareCount()).isZero();
            assertThat(txns.get(1).getSuccessList()).hasSize(3).allMatch(io.etcd.jetcd.api.RequestOp::hasRequestRange);
            assertThat(txnsBefore).isEqualTo(1);
        }
    }

    @Test
    void mergedFindsWhoseAnswerIsTooLargeForOneMessageAreReadOneByOne() throws Exception {
        try (Gated g = gated(new RequestGate().holdRange(1), Duration.ofSeconds(20))) {
            // Each value fits etcd's 1.5 MiB request limit; three together exceed gRPC's 4 MiB answer limit.
            String big = "x".repeat(1_400_000);
            for (String k : List.of("big1", "big2", "big3")) {
                assertThat(g.store().commit(List.of(), List.of(Mutation.put(k, k + big))))
                        .isTrue();
            }
            Future<Optional<VersionedValue>> first =
                    g.callers().submit(() -> g.store().find("small"));
            g.gate().awaitHeld("range1");
            List<Future<Optional<VersionedValue>>> more = new ArrayList<>();
            for (String k : List.of("big1", "big2", "big3", "big1")) {
                int before = g.store().queued()[1];
                more.add(g.callers().submit(() -> g.store().find(k)));
                g.awaitQueued(1, before + 1);
            }
            g.gate().release("range1");

            assertThat(first.get()).isEmpty();
            assertThat(more.get(0).get().orElseThrow().value())
                    .startsWith("big1x")
                    .hasSize(1_400_004);
            assertThat(more.get(1).get().orElseThrow().value()).startsWith("big2x");
            assertThat(more.get(2).get().orElseThrow().value()).startsWith("big3x");
            assertThat(more.get(3).get().orElseThrow().value()).startsWith("big1x");
            List<io.etcd.jetcd.api.TxnRequest> txns = g.gate().txns();
            assertThat(txns.get(txns.size() - 1).getSuccessList())
                    .as("one Range op per distinct key")
                    .hasSize(3);
            assertThat(g.gate().ranges())
                    .as("the held read, then one per merged read")
                    .hasSize(5);
        }
    }

    @Test
    void aBatchRespectsEtcdsOpBudgetForNestedTxns() throws Exception {
        try (Gated g = gated(new RequestGate().holdTxn(1), Duration.ofSeconds(20))) {
            Future<Boolean> a = g.commit(Condition.absent("a"), Mutation.put("a", "1"));
            g.gate().awaitHeld("txn1");
            // etcd: outer ops + widest nested txn <= max-txn-ops (128). 2 + 126 fits; 3 + 126 and 2 + 127 do not.
            List<Future<Boolean>> wide = new ArrayList<>();
            for (int[] shape : new int[][] {{1, 126}, {2, 126}, {3, 127}}) {
                List<Mutation> puts = new ArrayList<>();
                for (int i = 0; i < shape[1]; i++) {
                    puts.add(Mutation.put("w" + shape[0] + "/" + i, "v"));
                }
                int before = g.store().queued()[0];
                wide.add(g.callers().submit(() -> g.store().commit(List.of(), puts)));
                g.awaitQueued(0, before + 1);
            }
            g.gate().release("txn1");

            assertThat(a.get()).isTrue();
            for (Future<Boolean> f : wide) {
                assertThat(f.get()).isTrue();
            }
            List<io.etcd.jetcd.api.TxnRequest> txns = g.gate().txns();
            assertThat(txns).hasSize(3);
            assertThat(txns.get(1).getSuccessCount())
                    .as("two nested txns of 126 ops")
                    .isEqualTo(2);
            assertThat(txns.get(2).getSuccessCount())
                    .as("the 127-op commit alone, not nested")
                    .isEqualTo(127);
            assertThat(g.store().list("w", "", 1000)).hasSize(126 + 126 + 127);
        }
    }
}
