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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
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
 * <p><b>Correctness comes from etcd transactions alone.</b> Each {@link #commit} is one etcd {@code
 * Txn}: one compare per condition ({@code version == 0} for "absent", {@code mod_revision == v}
 * otherwise) and, in its success branch, one put or delete per mutation. etcd applies a transaction
 * atomically and serializably at one revision, so either every compare held and every write
 * happened, or nothing happened. No lock or lease is used. The version this store reports is the
 * key's {@code mod_revision}: the cluster-wide revision of the transaction that last wrote it, which
 * only grows, also across a delete and a re-create of the key, and which is shared by every key one
 * transaction wrote.
 *
 * <p><b>Group commit and merged reads.</b> The store keeps at most one commit request and one read
 * request in flight. A call that finds nothing in flight is sent at once; calls arriving meanwhile
 * are queued and sent together when it completes. Queued commits whose keys (conditions and
 * mutations together) are pairwise disjoint become one etcd request whose success branch holds one
 * nested {@code Txn} per commit, exactly the one it would have sent alone: etcd evaluates each
 * nested Txn's compares and applies its writes only if they hold, so every caller gets its own
 * outcome from etcd, and with disjoint keys that outcome is the one it would have had alone. A
 * commit sharing a key with one in the batch (or with one held back) waits for a later batch.
 * Queued finds become one read-only Txn of range requests, which etcd serves as one linearizable
 * read. A batch is one raft entry and one fsync on each member instead of one per commit, which is
 * what cuts etcd's and the client's CPU per allocation when many threads allocate at once.
 *
 * <p><b>Hint cache.</b> The store remembers, for up to {@linkplain Builder#hintCacheSize a bounded
 * number} of keys, the newest value and version it has read or written itself, and answers {@link
 * #findHint} from it without a request. A hint is only ever used where a commit's condition on its
 * version protects the outcome (see {@link IpPoolStore#findHint}), so an entry made stale by
 * another writer costs one failed commit, after which the entry is dropped and the caller reads
 * etcd again. When more than a quarter of recent commits fail on versions this cache handed out
 * (several processes allocating from one pool at once), it stops answering for the next 1,024 hint
 * reads. {@link #find} never answers from the cache.
 *
 * <p><b>Round trips.</b> Alone, {@link #find} is one linearizable range request, {@link #commit} one
 * {@code Txn} request, {@link #list} one range request, {@link #findHint} none when it hits the
 * cache and one range request otherwise. An uncontended allocation by {@link
 * io.fabricbinder.ipam.IpAllocator} therefore costs at most two: a read of a part of the
 * free-address index this store has not seen yet, and one transaction.
 *
 * <p><b>Failures.</b> Every error of etcd or the connection, and every request that does not
 * complete within {@linkplain Builder#requestTimeout the request timeout}, becomes an {@link
 * IpPoolStoreException}; when a merged request fails, every caller in it gets one. A call waits at
 * most twice the request timeout (once behind the request in flight, once for its own). After such
 * an exception the outcome of a {@code commit} is unknown (etcd may have applied it); the
 * allocator's operations are idempotent, so callers retry them.
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
    /**
     * Bound of a merged commit's request size; etcd's default {@code --max-request-bytes} is 1.5 MiB.
     * A single commit is never split and is sent alone whatever its size.
     */
    static final int MAX_BATCH_BYTES = 512 * 1024;

    /** Default {@link Builder#hintCacheSize}. */
    static final int DEFAULT_HINT_CACHE_SIZE = 16_384;
    /** Hint reads that bypass the cache after too many commits failed on its versions. */
    static final int HINT_BYPASS_READS = 1024;

    private static final int OP_OVERHEAD_BYTES = 32;
    private static final Op[] NO_OPS = new Op[0];

    private final Client client;
    private final KV kv;
    private final boolean ownsClient;
    private final byte[] prefix;
    private final String prefixText;
    private final Duration requestTimeout;
    private final int maxTxnOps;
    private final String where;
    private final boolean groupCommits;
    private final boolean batchReads;
    private final Stats stats = new Stats();
    private final CommitPipeline commits = new CommitPipeline();
    private final ReadPipeline reads = new ReadPipeline();
    private final HintCache hints;

    private EtcdIpPoolStore(Builder b, Client client, boolean ownsClient) {
        this.client = client;
        this.kv = client.getKVClient();
        this.ownsClient = ownsClient;
        this.prefixText = b.keyPrefix;
        this.prefix = b.keyPrefix.getBytes(StandardCharsets.UTF_8);
        this.requestTimeout = b.requestTimeout;
        this.maxTxnOps = b.maxTxnOps;
        this.groupCommits = b.groupCommits;
        this.batchReads = b.batchReads;
        this.hints = new HintCache(b.hintCacheSize, stats);
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
        return read(key, false);
    }

    private Optional<VersionedValue> read(String key, boolean forHint) {
        Optional<VersionedValue> found;
        if (!batchReads) {
            GetResponse r = await(kv.get(bytes(key)), "get " + key);
            found = r.getKvs().isEmpty()
                    ? Optional.empty()
                    : Optional.of(toValue(r.getKvs().get(0)));
        } else {
            PendingRead p = new PendingRead(bytes(key));
            reads.submit(p);
            found = awaitPending(reads, p, () -> "get " + key);
        }
        hints.learn(key, found, forHint);
        return found;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Answers from the store's hint cache (the newest value and version this store read or
     * wrote for the key) without a request when it can, and otherwise like {@link #find}.
     */
    @Override
    public Optional<VersionedValue> findHint(String key) {
        checkKey(key);
        Hint cached = hints.serve(key);
        return cached != null ? cached.answer() : read(key, true);
    }

    @Override
    public boolean commit(List<Condition> conditions, List<Mutation> mutations) {
        IpPoolStore.checkCommitArguments(conditions, mutations);
        if (conditions.size() > maxTxnOps || mutations.size() > maxTxnOps) {
            throw new IllegalArgumentException("a commit may hold at most " + maxTxnOps
                    + " conditions and " + maxTxnOps + " mutations (etcd --max-txn-ops), got "
                    + conditions.size() + " and " + mutations.size());
        }
        int bytes = 0;
        Set<String> keys = new HashSet<>(2 * (conditions.size() + mutations.size()));
        Cmp[] cmps = new Cmp[conditions.size()];
        for (int i = 0; i < cmps.length; i++) {
            Condition c = conditions.get(i);
            checkKey(c.key());
            keys.add(c.key());
            bytes += prefix.length + c.key().length() + OP_OVERHEAD_BYTES;
            cmps[i] = c.isAbsent()
                    // version counts writes since the key's creation and is 0 exactly when it is absent.
                    ? new Cmp(bytes(c.key()), Cmp.Op.EQUAL, CmpTarget.version(0))
                    : new Cmp(bytes(c.key()), Cmp.Op.EQUAL, CmpTarget.modRevision(c.version()));
        }
        Op[] ops = new Op[mutations.size()];
        for (int i = 0; i < ops.length; i++) {
            Mutation m = mutations.get(i);
            checkKey(m.key());
            keys.add(m.key());
            String value = m.value();
            bytes += prefix.length + m.key().length() + OP_OVERHEAD_BYTES + (value == null ? 0 : value.length() * 3);
            ops[i] = value == null
                    ? Op.delete(bytes(m.key()), DeleteOption.DEFAULT)
                    : Op.put(bytes(m.key()), ByteSequence.from(value, StandardCharsets.UTF_8), PutOption.DEFAULT);
        }
        boolean succeeded = false;
        try {
            if (!groupCommits) {
                TxnResponse r = await(kv.txn().If(cmps).Then(ops).commit(), "txn on " + describe(mutations));
                succeeded = r.isSucceeded();
                if (succeeded) {
                    hints.committed(mutations, r.getHeader().getRevision());
                }
                return succeeded;
            }
            PendingCommit p = new PendingCommit(cmps, ops, keys, bytes, mutations);
            commits.submit(p);
            succeeded = awaitPending(commits, p, () -> "txn on " + describe(mutations));
            return succeeded;
        } finally {
            if (!succeeded) {
                // Failed on a condition, or outcome unknown: what the cache holds for these keys may
                // be stale now.
                hints.failed(conditions, keys);
            }
        }
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

    /**
     * Waits for a request handed to a pipeline. The pipeline bounds the etcd request itself by the
     * request timeout; the caller additionally waits at most one request timeout for the requests
     * ahead of it.
     */
    private <T> T awaitPending(Pipeline<?> pipeline, Pending<T> p, Supplier<String> what) {
        try {
            return p.result.get(2 * requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            boolean unsent = pipeline.withdraw(p);
            throw new IpPoolStoreException(
                    what.get() + " on " + where + " did not complete within " + requestTimeout.multipliedBy(2)
                            + (unsent ? " (never sent: still queued behind other requests)" : "; outcome unknown"),
                    e);
        } catch (InterruptedException e) {
            boolean unsent = pipeline.withdraw(p);
            Thread.currentThread().interrupt();
            throw new IpPoolStoreException(
                    what.get() + " on " + where + " was interrupted"
                            + (unsent ? " before it was sent" : "; outcome unknown"),
                    e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw failure(
                    what.get() + (p.batchSize > 1 ? " (merged with " + (p.batchSize - 1) + " others)" : ""), cause);
        }
    }

    private IpPoolStoreException failure(String what, Throwable cause) {
        if (cause instanceof TimeoutException) {
            return new IpPoolStoreException(
                    what + " on " + where + " did not complete within " + requestTimeout + "; outcome unknown", cause);
        }
        String code =
                cause instanceof EtcdException ee ? ee.getErrorCode().name().toLowerCase(Locale.ROOT) + ": " : "";
        return new IpPoolStoreException(
                what + " on " + where + " failed (" + code + cause.getMessage() + "); outcome unknown", cause);
    }

    /** One caller's request waiting in, or sent by, a {@link Pipeline}. */
    private abstract static class Pending<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        /** How many requests the etcd request that carried this one held; for error messages. */
        volatile int batchSize;
    }

    /** A {@link #find}. */
    private static final class PendingRead extends Pending<Optional<VersionedValue>> {
        final ByteSequence key;
        /** The index of this read's Range op in the merged Txn; set by the pipeline. */
        int slot;

        PendingRead(ByteSequence key) {
            this.key = key;
        }
    }

    /** A {@link #commit}: its compares and writes, prepared by the caller's thread. */
    private static final class PendingCommit extends Pending<Boolean> {
        final Cmp[] cmps;
        final Op[] ops;
        final Set<String> keys;
        final int bytes;
        final List<Mutation> mutations;

        PendingCommit(Cmp[] cmps, Op[] ops, Set<String> keys, int bytes, List<Mutation> mutations) {
            this.cmps = cmps;
            this.ops = ops;
            this.keys = keys;
            this.bytes = bytes;
            this.mutations = mutations;
        }

        int width() {
            return Math.max(cmps.length, ops.length);
        }
    }

    /**
     * Keeps at most one etcd request of its kind in flight and merges every request that arrives
     * meanwhile into the next one. A request that finds nothing in flight is sent at once by its own
     * thread, so a lone caller never waits for a batch; the next batch is sent by the thread that
     * completes the previous request (jetcd's, or the JDK's timeout thread). No timers, no threads
     * of our own.
     */
    private abstract class Pipeline<P extends Pending<?>> {
        private final ArrayDeque<P> queue = new ArrayDeque<>();
        private boolean inFlight;

        final void submit(P p) {
            List<P> batch;
            synchronized (this) {
                queue.addLast(p);
                if (inFlight) {
                    return;
                }
                inFlight = true;
                batch = take(queue);
            }
            send(batch);
        }

        final synchronized int queuedCount() {
            return queue.size();
        }

        /** Removes {@code p} if it was not sent yet; true if removed. */
        final synchronized boolean withdraw(Pending<?> p) {
            return queue.removeFirstOccurrence(p);
        }

        private void send(List<P> batch) {
            for (P p : batch) {
                p.batchSize = batch.size();
            }
            recordBatch(batch.size());
            CompletableFuture<?> response;
            try {
                response = start(batch);
            } catch (RuntimeException e) {
                response = CompletableFuture.failedFuture(e);
            }
            // The future whenComplete returns is not needed: the callback settles every request's
            // own future whatever happens in it (Throwable below), and those are what callers wait on.
            @SuppressWarnings("FutureReturnValueIgnored")
            var unused = response.orTimeout(requestTimeout.toNanos(), TimeUnit.NANOSECONDS)
                    .whenComplete((r, error) -> {
                        try {
                            if (error != null) {
                                failed(
                                        batch,
                                        error instanceof CompletionException && error.getCause() != null
                                                ? error.getCause()
                                                : error);
                            } else {
                                deliver(batch, r);
                            }
                        } catch (Throwable e) { // an Error too: a request left unsettled would hang its caller
                            for (P p : batch) {
                                p.result.completeExceptionally(e);
                            }
                        } finally {
                            sendNext();
                        }
                    });
        }

        private void sendNext() {
            List<P> batch;
            synchronized (this) {
                if (queue.isEmpty()) {
                    inFlight = false;
                    return;
                }
                batch = take(queue);
            }
            send(batch);
        }

        /** Removes the next batch (at least one request) from the non-empty queue. */
        abstract List<P> take(ArrayDeque<P> queue);

        /** Sends the batch as one etcd request. */
        abstract CompletableFuture<?> start(List<P> batch);

        /** Completes every request of the batch from the response. */
        abstract void deliver(List<P> batch, Object response);

        abstract void recordBatch(int size);

        /** The request of {@code batch} failed: by default every request of it fails with the cause. */
        void failed(List<P> batch, Throwable cause) {
            for (P p : batch) {
                p.result.completeExceptionally(cause);
            }
        }
    }

    /** Merges concurrent {@link #find} calls into one read-only Txn of Range requests. */
    private final class ReadPipeline extends Pipeline<PendingRead> {
        @Override
        List<PendingRead> take(ArrayDeque<PendingRead> queue) {
            int n = Math.min(queue.size(), maxTxnOps);
            List<PendingRead> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(queue.removeFirst());
            }
            return batch;
        }

        @Override
        CompletableFuture<?> start(List<PendingRead> batch) {
            if (batch.size() == 1) {
                return kv.get(batch.get(0).key);
            }
            // Callers reading the same key share one Range op.
            Map<ByteSequence, Integer> slots = new HashMap<>();
            List<Op> gets = new ArrayList<>(batch.size());
            for (PendingRead p : batch) {
                Integer slot = slots.get(p.key);
                if (slot == null) {
                    slot = gets.size();
                    slots.put(p.key, slot);
                    gets.add(Op.get(p.key, GetOption.DEFAULT));
                }
                p.slot = slot;
            }
            // A Txn without compares whose ops are all reads is served by etcd as one linearizable
            // read (no raft entry), at one revision: like as many Range requests, in one round trip.
            return kv.txn().Then(gets.toArray(NO_OPS)).commit();
        }

        @Override
        void deliver(List<PendingRead> batch, Object response) {
            if (batch.size() == 1) {
                batch.get(0).result.complete(first(((GetResponse) response).getKvs()));
                return;
            }
            List<GetResponse> gets = ((TxnResponse) response).getGetResponses();
            for (PendingRead p : batch) {
                if (p.slot >= gets.size()) {
                    throw new IllegalStateException("etcd answered " + gets.size() + " reads to a txn of more");
                }
                p.result.complete(first(gets.get(p.slot).getKvs()));
            }
        }

        /**
         * A merged read failed. Unless it timed out, read each key alone: reads are idempotent, and
         * the merged answer may have been too large for one gRPC message (4 MiB by default) even
         * though every single value fits.
         */
        @Override
        void failed(List<PendingRead> batch, Throwable cause) {
            if (batch.size() == 1 || cause instanceof TimeoutException) {
                super.failed(batch, cause);
                return;
            }
            for (PendingRead p : batch) {
                // as in send: the callback settles p.result whatever happens, so its future is not needed
                @SuppressWarnings("FutureReturnValueIgnored")
                var unused = kv.get(p.key)
                        .orTimeout(requestTimeout.toNanos(), TimeUnit.NANOSECONDS)
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                p.result.completeExceptionally(
                                        e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                                return;
                            }
                            try {
                                p.result.complete(first(r.getKvs()));
                            } catch (Throwable t) { // whatever first() throws reaches the waiting caller
                                p.result.completeExceptionally(t);
                            }
                        });
            }
        }

        private Optional<VersionedValue> first(List<KeyValue> kvs) {
            return kvs.isEmpty() ? Optional.empty() : Optional.of(toValue(kvs.get(0)));
        }

        @Override
        void recordBatch(int size) {
            stats.reads.add(size);
            stats.readBatches.increment();
        }
    }

    /**
     * Merges concurrent {@link #commit} calls with pairwise disjoint keys into one Txn whose success
     * branch holds one nested Txn per commit (that commit's compares and writes, exactly what it
     * would send alone). etcd evaluates every nested Txn's compares itself and applies its writes
     * only if they hold, so each caller gets its own outcome from etcd, while the whole batch is one
     * request, one raft entry and one fsync. Keys are disjoint, so no nested Txn can see or change
     * another's keys: the outcome of each is the one it would have had alone at that revision.
     */
    private final class CommitPipeline extends Pipeline<PendingCommit> {
        @Override
        List<PendingCommit> take(ArrayDeque<PendingCommit> queue) {
            PendingCommit first = queue.removeFirst();
            if (queue.isEmpty()) {
                return List.of(first);
            }
            List<PendingCommit> batch = new ArrayList<>();
            batch.add(first);
            Set<String> keys = new HashSet<>(first.keys);
            Set<String> deferred = new HashSet<>();
            int width = first.width();
            int bytes = first.bytes;
            for (Iterator<PendingCommit> it = queue.iterator(); it.hasNext(); ) {
                PendingCommit p = it.next();
                // etcd gives a nested Txn a budget of max-txn-ops minus the ops of the outer level
                // (checkTxnRequest in etcd's v3rpc/key.go): members + widest member <= max-txn-ops.
                boolean fits = batch.size() + 1 + Math.max(width, p.width()) <= maxTxnOps
                        && bytes + p.bytes <= MAX_BATCH_BYTES;
                if (fits && disjoint(p.keys, keys) && disjoint(p.keys, deferred)) {
                    it.remove();
                    batch.add(p);
                    keys.addAll(p.keys);
                    width = Math.max(width, p.width());
                    bytes += p.bytes;
                } else {
                    // Later commits on these keys wait too, so commits on one key keep their order.
                    deferred.addAll(p.keys);
                }
            }
            return batch;
        }

        @Override
        CompletableFuture<?> start(List<PendingCommit> batch) {
            if (batch.size() == 1) {
                PendingCommit p = batch.get(0);
                return kv.txn().If(p.cmps).Then(p.ops).commit();
            }
            Op[] nested = new Op[batch.size()];
            for (int i = 0; i < nested.length; i++) {
                PendingCommit p = batch.get(i);
                nested[i] = Op.txn(p.cmps, p.ops, NO_OPS);
            }
            return kv.txn().Then(nested).commit();
        }

        @Override
        void deliver(List<PendingCommit> batch, Object response) {
            TxnResponse r = (TxnResponse) response;
            // Every write of one etcd Txn, nested ones included, is at the revision it created.
            long revision = r.getHeader().getRevision();
            if (batch.size() == 1) {
                complete(batch.get(0), r.isSucceeded(), revision);
                return;
            }
            List<TxnResponse> nested = r.getTxnResponses();
            if (nested.size() != batch.size()) {
                throw new IllegalStateException(
                        "etcd answered " + nested.size() + " nested txns to a batch of " + batch.size());
            }
            for (int i = 0; i < nested.size(); i++) {
                complete(batch.get(i), nested.get(i).isSucceeded(), revision);
            }
        }

        private void complete(PendingCommit p, boolean succeeded, long revision) {
            if (succeeded) {
                // Before the caller learns the outcome, so its next hint read sees its own write.
                hints.committed(p.mutations, revision);
            }
            p.result.complete(succeeded);
        }

        @Override
        void recordBatch(int size) {
            stats.txns.increment();
            stats.commits.add(size);
            stats.histogram[Math.min(size, stats.histogram.length - 1)].increment();
        }
    }

    /**
     * What this store last saw of a key, for {@link #findHint}: its value and version, or that it
     * was absent ({@code value == null}).
     */
    private record Hint(@Nullable VersionedValue value) {
        static final Hint ABSENT = new Hint(null);

        Optional<VersionedValue> answer() {
            return Optional.ofNullable(value);
        }

        /** Whether this is at least as new as {@code other}; an absence is older than any value. */
        boolean supersedes(Hint other) {
            VersionedValue mine = value;
            VersionedValue theirs = other.value;
            return theirs == null || (mine != null && mine.version() >= theirs.version());
        }
    }

    /**
     * The newest value and version this store has seen per key, bounded in size, for {@link
     * #findHint}. Only keys asked for with {@code findHint} are admitted (so the owner and address
     * records every allocation writes do not crowd out the index); once admitted, an entry follows
     * {@link #find} answers and this store's successful commits, and is dropped when a commit on the
     * key fails or its outcome is unknown, or when the key is deleted. A newer version always
     * replaces an older one, whatever order answers arrive in. Thread-safe.
     */
    private static final class HintCache {
        private final int capacity;
        private final Stats stats;
        private final ConcurrentHashMap<String, Hint> entries;
        /** Hint reads served since the last check, and failed commits on served versions. */
        private final AtomicInteger served = new AtomicInteger();

        private final AtomicInteger stale = new AtomicInteger();
        /** Hint reads left that bypass the cache. */
        private final AtomicInteger bypass = new AtomicInteger();

        HintCache(int capacity, Stats stats) {
            this.capacity = capacity;
            this.stats = stats;
            this.entries = new ConcurrentHashMap<>(Math.min(capacity, 1024));
        }

        /** The cached answer for {@code key}, or null when the caller must read etcd. */
        @Nullable
        Hint serve(String key) {
            Hint h = null;
            if (capacity > 0 && (bypass.get() <= 0 || bypass.getAndDecrement() <= 0)) {
                h = entries.get(key);
            }
            if (h == null) {
                stats.hintMisses.increment();
                return null;
            }
            stats.hintHits.increment();
            served.incrementAndGet();
            return h;
        }

        /** Records what a read answered; admits a key that is not cached yet only if {@code admit}. */
        void learn(String key, Optional<VersionedValue> answer, boolean admit) {
            if (capacity == 0) {
                return;
            }
            Hint h = answer.isPresent() ? new Hint(answer.get()) : Hint.ABSENT;
            if (!admit) {
                if (h.value() == null) {
                    // An absence seen by a plain read may predate a write this cache holds; forgetting
                    // costs one read at most.
                    entries.remove(key);
                } else {
                    entries.computeIfPresent(key, (k, old) -> h.supersedes(old) ? h : old);
                }
                return;
            }
            if (entries.size() >= capacity && !entries.containsKey(key)) {
                // Evict an arbitrary entry: a hint that is gone costs one read, never correctness.
                Iterator<String> it = entries.keySet().iterator();
                if (it.hasNext()) {
                    entries.remove(it.next());
                }
            }
            entries.merge(key, h, (old, now) -> now.supersedes(old) ? now : old);
        }

        /** This store's commit succeeded at {@code revision}: cached keys take the written values. */
        void committed(List<Mutation> mutations, long revision) {
            if (capacity == 0) {
                return;
            }
            for (Mutation m : mutations) {
                String value = m.value();
                if (value == null) {
                    entries.remove(m.key());
                } else {
                    Hint h = new Hint(new VersionedValue(m.key(), value, revision));
                    entries.computeIfPresent(m.key(), (k, old) -> h.supersedes(old) ? h : old);
                }
            }
        }

        /**
         * A commit failed or its outcome is unknown: drop its keys, and count it as stale when a
         * condition named what the cache holds (an answer it may have handed out). If that happens
         * for more than a quarter of the hint reads served since the last check, another writer is
         * busy on these keys: answer the next {@link #HINT_BYPASS_READS} hint reads from etcd.
         */
        void failed(List<Condition> conditions, Set<String> keys) {
            if (capacity == 0) {
                return;
            }
            boolean onCachedAnswer = false;
            for (Condition c : conditions) {
                Hint h = entries.get(c.key());
                VersionedValue v = h == null ? null : h.value();
                if (h != null && (c.isAbsent() ? v == null : v != null && v.version() == c.version())) {
                    onCachedAnswer = true;
                }
            }
            for (String k : keys) {
                entries.remove(k);
            }
            if (!onCachedAnswer) {
                return;
            }
            stats.staleHints.increment();
            int s = stale.incrementAndGet();
            int n = served.get();
            if (n >= 32) {
                if (4 * s > n) {
                    bypass.set(HINT_BYPASS_READS);
                    stats.hintBypasses.increment();
                }
                served.set(0);
                stale.set(0);
            }
        }
    }

    private static boolean disjoint(Set<String> a, Set<String> b) {
        for (String k : a) {
            if (b.contains(k)) {
                return false;
            }
        }
        return true;
    }

    /** Counters of the pipelines, for tests and the benchmark harness. */
    static final class Stats {
        final LongAdder txns = new LongAdder();
        final LongAdder commits = new LongAdder();
        final LongAdder reads = new LongAdder();
        final LongAdder readBatches = new LongAdder();
        /** Hint reads answered from the cache. */
        final LongAdder hintHits = new LongAdder();
        /** Hint reads that went to etcd (not cached, or the cache was bypassed). */
        final LongAdder hintMisses = new LongAdder();
        /** Failed commits that had a condition on a version the cache had handed out. */
        final LongAdder staleHints = new LongAdder();
        /** Times the cache was bypassed for {@link #HINT_BYPASS_READS} reads. */
        final LongAdder hintBypasses = new LongAdder();
        /** Commit batches by size; the last bucket counts that size and larger. */
        final LongAdder[] histogram = new LongAdder[65];

        Stats() {
            for (int i = 0; i < histogram.length; i++) {
                histogram[i] = new LongAdder();
            }
        }
    }

    /** The pipelines' counters (package-private: tests and the benchmark harness read them). */
    Stats stats() {
        return stats;
    }

    /** Requests waiting behind an in-flight one: {commits, reads}. For tests. */
    int[] queued() {
        return new int[] {commits.queuedCount(), reads.queuedCount()};
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
            throw failure(what, e.getCause() == null ? e : e.getCause());
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
        private boolean groupCommits = true;
        private boolean batchReads = true;
        private int hintCacheSize = DEFAULT_HINT_CACHE_SIZE;

        private Builder() {}

        /**
         * How many keys the hint cache remembers (default 16,384; 0 turns
         * it off, so every {@link EtcdIpPoolStore#findHint} is a read). The allocator reads its
         * free-address index with hints: one entry per 256 addresses of a pool's ranges that this
         * store has touched, a few hundred bytes each. With the cache, an allocation by the process
         * that does most of a pool's allocations is usually one etcd request instead of two.
         */
        public Builder hintCacheSize(int hintCacheSize) {
            if (hintCacheSize < 0) {
                throw new IllegalArgumentException("hintCacheSize must be >= 0: " + hintCacheSize);
            }
            this.hintCacheSize = hintCacheSize;
            return this;
        }

        /**
         * Whether concurrent commits are merged into one etcd Txn (default true). Off: one Txn per
         * commit. For measurements and tests; package-private.
         */
        Builder groupCommits(boolean groupCommits) {
            this.groupCommits = groupCommits;
            return this;
        }

        /**
         * Whether concurrent finds are merged into one read-only Txn (default true). Off: one Range
         * request per find. For measurements and tests; package-private.
         */
        Builder batchReads(boolean batchReads) {
            this.batchReads = batchReads;
            return this;
        }

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
         * mutations is rejected before it is sent. Merged commits are bounded by it too: etcd allows a
         * nested Txn {@code max-txn-ops} minus the outer Txn's op count, so a batch holds at most
         * {@code maxTxnOps} minus its widest commit's op count commits.
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
