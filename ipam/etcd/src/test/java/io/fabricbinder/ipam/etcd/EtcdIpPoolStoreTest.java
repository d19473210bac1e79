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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    void anUncontendedAllocationIsOneRangeReadAndOneTxn() {
        CallCounter counter = new CallCounter();
        try (Client client = Client.builder()
                        .endpoints(cluster.endpoints().toArray(String[]::new))
                        .interceptor(counter)
                        .build();
                EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                        .client(client)
                        .keyPrefix("rtt/" + UUID.randomUUID() + "/")
                        .build()) {
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
}
