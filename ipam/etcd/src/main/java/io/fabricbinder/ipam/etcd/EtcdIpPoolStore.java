package io.fabricbinder.ipam.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreException;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IpPoolStore} on etcd v3 (through jetcd), so allocators on many hosts share one pool.
 *
 * <pre>{@code
 * try (EtcdIpPoolStore store = EtcdIpPoolStore.builder()
 *         .endpoints("http://10.0.0.11:2379", "http://10.0.0.12:2379", "http://10.0.0.13:2379")
 *         .keyPrefix("fabricbinder/cluster-a/")
 *         .requestTimeout(Duration.ofSeconds(5))
 *         .build()) {
 *     IpAllocator allocator = IpAllocator.create(store);
 *     Allocation a = allocator.allocate(pool, owner);
 * }
 * }</pre>
 *
 * <p><b>Correctness comes from etcd transactions alone.</b> {@link #commit} is exactly one etcd
 * {@code Txn}: one compare per condition ({@code version == 0} for "absent", {@code mod_revision ==
 * v} otherwise) and, in its success branch, one put or delete per mutation. etcd applies a
 * transaction atomically and serializably at one revision, so either every compare held and every
 * write happened, or nothing happened. No lock or lease is used. The version this store reports is
 * the key's {@code mod_revision}: the cluster-wide revision of the transaction that last wrote it,
 * which only grows, also across a delete and a re-create of the key, and which is shared by every
 * key one transaction wrote.
 *
 * <p><b>Round trips.</b> {@link #find} is one linearizable range request, {@link #commit} one
 * {@code Txn} request, {@link #list} one range request. An uncontended allocation by {@link
 * io.fabricbinder.ipam.IpAllocator} therefore costs two: one read and one transaction.
 *
 * <p><b>Failures.</b> Every error of etcd or the connection, and every request that does not
 * complete within {@linkplain Builder#requestTimeout the request timeout}, becomes an {@link
 * IpPoolStoreException}. After such an exception the outcome of a {@code commit} is unknown (etcd
 * may have applied it); the allocator's operations are idempotent, so callers retry them.
 * Transactions are never retried inside this class, because a blind retry of an applied
 * transaction would report a false conflict.
 *
 * <p><b>Namespacing.</b> Every key is stored under {@linkplain Builder#keyPrefix the key prefix},
 * so several stores (clusters, tenants, test runs) share one etcd without seeing each other.
 *
 * <p>Thread-safe; share one instance. jetcd runs its own I/O threads. {@link #close()} closes the
 * jetcd client if this store created it, never a client handed in with {@link Builder#client}.
 */
public final class EtcdIpPoolStore implements IpPoolStore {
    /** etcd's default {@code --max-txn-ops}. */
    static final int DEFAULT_MAX_TXN_OPS = 128;

    private final Client client;
    private final KV kv;
    private final boolean ownsClient;
    private final byte[] prefix;
    private final String prefixText;
    private final Duration requestTimeout;
    private final int maxTxnOps;
    private final String where;

    private EtcdIpPoolStore(Builder b, Client client, boolean ownsClient) {
        this.client = client;
        this.kv = client.getKVClient();
        this.ownsClient = ownsClient;
        this.prefixText = b.keyPrefix;
        this.prefix = b.keyPrefix.getBytes(StandardCharsets.UTF_8);
        this.requestTimeout = b.requestTimeout;
        this.maxTxnOps = b.maxTxnOps;
        this.where = "etcd " + (b.endpoints.isEmpty() ? "(caller's client)" : String.join(",", b.endpoints))
                + " prefix '" + b.keyPrefix + "'";
    }

    /** A builder; give it {@link Builder#endpoints} or a {@link Builder#client}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The key prefix (namespace) of this store. */
    public String keyPrefix() {
        return prefixText;
    }

    @Override
    public Optional<VersionedValue> find(String key) {
        checkKey(key);
        GetResponse r = await(kv.get(bytes(key)), "get " + key);
        if (r.getKvs().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toValue(r.getKvs().get(0)));
    }

    @Override
    public boolean commit(List<Condition> conditions, List<Mutation> mutations) {
        IpPoolStore.checkCommitArguments(conditions, mutations);
        if (conditions.size() > maxTxnOps || mutations.size() > maxTxnOps) {
            throw new IllegalArgumentException("a commit may hold at most " + maxTxnOps
                    + " conditions and " + maxTxnOps + " mutations (etcd --max-txn-ops), got "
                    + conditions.size() + " and " + mutations.size());
        }
        Cmp[] cmps = new Cmp[conditions.size()];
        for (int i = 0; i < cmps.length; i++) {
            Condition c = conditions.get(i);
            checkKey(c.key());
            cmps[i] = c.isAbsent()
                    // version counts writes since the key's creation and is 0 exactly when it is absent.
                    ? new Cmp(bytes(c.key()), Cmp.Op.EQUAL, CmpTarget.version(0))
                    : new Cmp(bytes(c.key()), Cmp.Op.EQUAL, CmpTarget.modRevision(c.version()));
        }
        Op[] ops = new Op[mutations.size()];
        for (int i = 0; i < ops.length; i++) {
            Mutation m = mutations.get(i);
            checkKey(m.key());
            String value = m.value();
            ops[i] = value == null
                    ? Op.delete(bytes(m.key()), DeleteOption.DEFAULT)
                    : Op.put(bytes(m.key()), ByteSequence.from(value, StandardCharsets.UTF_8), PutOption.DEFAULT);
        }
        TxnResponse r = await(kv.txn().If(cmps).Then(ops).commit(), "txn on " + describe(mutations));
        return r.isSucceeded();
    }

    @Override
    public List<VersionedValue> list(String prefix, String startAfter, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(startAfter, "startAfter");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1: " + limit);
        }
        byte[] from = startAfter.compareTo(prefix) < 0 ? concat(this.prefix, utf8(prefix)) : successor(startAfter);
        byte[] end = prefixEnd(concat(this.prefix, utf8(prefix)));
        if (Arrays.compareUnsigned(from, end) >= 0) {
            return List.of();
        }
        GetOption option = GetOption.builder()
                .withRange(ByteSequence.from(end))
                .withLimit(limit)
                .withSortField(GetOption.SortTarget.KEY)
                .withSortOrder(GetOption.SortOrder.ASCEND)
                .build();
        GetResponse r =
                await(kv.get(ByteSequence.from(from), option), "list " + prefix + " after '" + startAfter + "'");
        List<VersionedValue> out = new ArrayList<>(r.getKvs().size());
        for (KeyValue k : r.getKvs()) {
            out.add(toValue(k));
        }
        return out;
    }

    /** Closes the jetcd client if this store created it. */
    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "EtcdIpPoolStore[" + where + "]";
    }

    private VersionedValue toValue(KeyValue k) {
        byte[] key = k.getKey().getBytes();
        String relative = new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
        return new VersionedValue(relative, k.getValue().toString(StandardCharsets.UTF_8), k.getModRevision());
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IpPoolStoreException(
                    what + " on " + where + " did not complete within " + requestTimeout + "; outcome unknown", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IpPoolStoreException(what + " on " + where + " was interrupted; outcome unknown", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String code =
                    cause instanceof EtcdException ee ? ee.getErrorCode().name().toLowerCase(Locale.ROOT) + ": " : "";
            throw new IpPoolStoreException(
                    what + " on " + where + " failed (" + code + cause.getMessage() + "); outcome unknown", cause);
        }
    }

    private ByteSequence bytes(String key) {
        return ByteSequence.from(concat(prefix, utf8(key)));
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    private byte[] successor(String startAfter) {
        byte[] k = concat(prefix, utf8(startAfter));
        return Arrays.copyOf(k, k.length + 1); // the smallest key greater than startAfter: append 0x00
    }

    /** The smallest key greater than every key starting with {@code p} ({@code \0} = no bound). */
    static byte[] prefixEnd(byte[] p) {
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(p, i + 1);
                end[i]++;
                return end;
            }
        }
        return new byte[] {0};
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String describe(List<Mutation> mutations) {
        String first = mutations.get(0).key();
        return mutations.size() == 1 ? first : first + " and " + (mutations.size() - 1) + " more keys";
    }

    /**
     * Settings of an {@link EtcdIpPoolStore}. Not thread-safe; use once.
     *
     * <pre>{@code
     * EtcdIpPoolStore.builder().endpoints("http://127.0.0.1:2379").keyPrefix("fb/").build();
     * }</pre>
     */
    public static final class Builder {
        private List<String> endpoints = List.of();
        private @Nullable Client client;
        private String keyPrefix = "fabricbinder/";
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxTxnOps = DEFAULT_MAX_TXN_OPS;

        private Builder() {}

        /**
         * The etcd client URLs ({@code http://host:port}); the store creates a jetcd client over them
         * and closes it in {@link EtcdIpPoolStore#close()}. For TLS or authentication, build a jetcd
         * {@link Client} yourself and pass it to {@link #client}.
         */
        public Builder endpoints(String... endpoints) {
            return endpoints(Arrays.asList(endpoints));
        }

        /** The etcd client URLs; see {@link #endpoints(String...)}. */
        public Builder endpoints(List<String> endpoints) {
            Objects.requireNonNull(endpoints, "endpoints");
            List<String> copy = new ArrayList<>(endpoints.size());
            for (int i = 0; i < endpoints.size(); i++) {
                String e = endpoints.get(i);
                if (e == null) {
                    throw new IllegalArgumentException("endpoints[" + i + "] is null");
                }
                copy.add(checkEndpoint(i, e));
            }
            this.endpoints = List.copyOf(copy);
            return this;
        }

        /**
         * A jetcd client owned by the caller, used instead of {@link #endpoints}; the store never
         * closes it. Its own namespace setting, if any, applies below {@link #keyPrefix}.
         */
        public Builder client(Client client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * The prefix of every key this store writes (default {@code fabricbinder/}). Stores with
         * different prefixes on one etcd never see each other's keys; use one prefix per cluster.
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty()) {
                throw new IllegalArgumentException("keyPrefix must not be empty (it namespaces the store's keys)");
            }
            for (int i = 0; i < keyPrefix.length(); i++) {
                char c = keyPrefix.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    throw new IllegalArgumentException("keyPrefix must be printable ASCII without spaces; '" + keyPrefix
                            + "' has character " + (int) c + " at index " + i);
                }
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * How long one etcd request may take (default 5 s). A request that takes longer fails with
         * {@link IpPoolStoreException}, outcome unknown.
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** How long connecting to an endpoint may take (default 5 s); only with {@link #endpoints}. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * The etcd server's {@code --max-txn-ops} (default 128). A commit with more conditions or more
         * mutations is rejected before it is sent.
         */
        public Builder maxTxnOps(int maxTxnOps) {
            if (maxTxnOps < 1) {
                throw new IllegalArgumentException("maxTxnOps must be >= 1: " + maxTxnOps);
            }
            this.maxTxnOps = maxTxnOps;
            return this;
        }

        /**
         * Builds the store. Does not contact etcd; the first request does.
         *
         * @throws IllegalArgumentException if neither or both of endpoints and client were given
         */
        public EtcdIpPoolStore build() {
            Client given = client;
            if (given != null && !endpoints.isEmpty()) {
                throw new IllegalArgumentException("give either endpoints or a client, not both");
            }
            if (given != null) {
                return new EtcdIpPoolStore(this, given, false);
            }
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints: at least one etcd endpoint (or a client) is required");
            }
            ClientBuilder cb =
                    Client.builder().endpoints(endpoints.toArray(String[]::new)).connectTimeout(connectTimeout);
            return new EtcdIpPoolStore(this, cb.build(), true);
        }

        private static String checkEndpoint(int index, String endpoint) {
            URI uri;
            try {
                uri = new URI(endpoint);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        "endpoints[" + index + "] '" + endpoint + "' is not a URL: " + e.getMessage(), e);
            }
            String scheme = uri.getScheme();
            if (scheme == null || !scheme.equals("http") || uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("endpoints[" + index + "] '" + endpoint
                        + "' must look like http://host:port (for TLS pass a configured jetcd client)");
            }
            return endpoint;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
