package io.fabricbinder.ipam;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IpPoolStore} in this JVM's memory: the reference model of the SPI, for tests and for a
 * single-process controller that may lose its allocations on restart.
 *
 * <pre>{@code
 * IpAllocator allocator = IpAllocator.create(new InMemoryIpPoolStore());
 * }</pre>
 *
 * <p>Thread-safe: every operation holds one monitor, so commits are linearizable.
 */
public final class InMemoryIpPoolStore implements IpPoolStore {
    private final Map<String, VersionedValue> byKey = new HashMap<>();
    // Sorted keys for list(), rebuilt lazily after writes: listing is rare (usage, reclamation),
    // and a tree insert per write would cost more than the rest of an allocation.
    private String @Nullable [] sortedKeys;
    private long revision;

    /** Creates an empty store. */
    public InMemoryIpPoolStore() {}

    @Override
    public synchronized Optional<VersionedValue> find(String key) {
        Objects.requireNonNull(key, "key");
        return Optional.ofNullable(byKey.get(key));
    }

    @Override
    public synchronized boolean commit(List<Condition> conditions, List<Mutation> mutations) {
        IpPoolStore.checkCommitArguments(conditions, mutations);
        for (Condition c : conditions) {
            VersionedValue current = byKey.get(c.key());
            long actual = current == null ? Condition.ABSENT : current.version();
            if (actual != c.version()) {
                return false;
            }
        }
        long next = ++revision;
        for (Mutation m : mutations) {
            String value = m.value();
            if (value == null) {
                if (byKey.remove(m.key()) != null) {
                    sortedKeys = null;
                }
            } else {
                VersionedValue v = new VersionedValue(m.key(), value, next);
                if (byKey.put(m.key(), v) == null) {
                    sortedKeys = null;
                }
            }
        }
        return true;
    }

    @Override
    public synchronized List<VersionedValue> list(String prefix, String startAfter, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(startAfter, "startAfter");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0: " + limit);
        }
        String[] keys = sortedKeys;
        if (keys == null) {
            keys = KeyPages.sortedKeys(byKey);
            sortedKeys = keys;
        }
        return KeyPages.page(keys, byKey, prefix, startAfter, limit);
    }

    /** Number of keys stored; for tests and benchmarks. */
    synchronized int size() {
        return byKey.size();
    }

    @Override
    public void close() {}
}
