package io.fabricbinder.ipam;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IpPoolStore} in this JVM's memory: for tests and for a single-process controller that
 * may lose its allocations on restart.
 *
 * <pre>{@code
 * IpAllocator allocator = IpAllocator.create(new InMemoryIpPoolStore());
 * }</pre>
 *
 * <p>Thread-safe: every operation holds one monitor, so commits are linearizable.
 *
 * <p>Representation: an open-addressing hash table (linear probing, backward-shift deletion) whose
 * slots live in parallel primitive arrays; each entry is one {@code byte[]} holding the UTF-8 key
 * followed by the UTF-8 value. A put of a value as long as the old one (a free-index node, the
 * allocator's most frequent write) overwrites the bytes in place. So a stored entry costs one
 * object instead of about six (map node, key and value strings with their arrays, version record),
 * and the strings a caller passes in die young: this keeps the garbage collector's work per
 * allocation small when the store holds hundreds of thousands of keys.
 */
public final class InMemoryIpPoolStore implements IpPoolStore {
    private static final int MIN_CAPACITY = 16;

    // Slot i is empty when entries[i] == null; otherwise meta[2i] is the key's String.hashCode,
    // meta[2i+1] the length of its UTF-8 key prefix in entries[i] (side by side: one cache line
    // per probe), versions[i] its version.
    private byte[] @Nullable [] entries = new byte[MIN_CAPACITY][];
    private int[] meta = new int[2 * MIN_CAPACITY];
    private long[] versions = new long[MIN_CAPACITY];
    private int size;
    private long revision;
    // Sorted keys for list(), rebuilt lazily after a key is added or removed: listing is rare
    // (usage, reclamation), and keeping a sorted index on every write would cost more than the rest
    // of an allocation.
    private String @Nullable [] sortedKeys;

    /** Creates an empty store. */
    public InMemoryIpPoolStore() {}

    @Override
    public synchronized Optional<VersionedValue> find(String key) {
        Objects.requireNonNull(key, "key");
        int slot = slotOf(key);
        return slot < 0 ? Optional.empty() : Optional.of(valueAt(slot, key));
    }

    @Override
    public synchronized boolean commit(List<Condition> conditions, List<Mutation> mutations) {
        IpPoolStore.checkCommitArguments(conditions, mutations);
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            int slot = slotOf(c.key());
            long actual = slot < 0 ? Condition.ABSENT : versions[slot];
            if (actual != c.version()) {
                return false;
            }
        }
        long next = ++revision;
        for (int i = 0; i < mutations.size(); i++) {
            Mutation m = mutations.get(i);
            String value = m.value();
            if (value == null) {
                remove(m.key());
            } else {
                put(m.key(), value, next);
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
            keys = new String[size];
            int n = 0;
            for (int i = 0; i < entries.length; i++) {
                byte[] e = entries[i];
                if (e != null) {
                    keys[n++] = new String(e, 0, meta[2 * i + 1], StandardCharsets.UTF_8);
                }
            }
            Arrays.sort(keys);
            sortedKeys = keys;
        }
        return KeyPages.page(keys, this::findLocked, prefix, startAfter, limit);
    }

    /** Number of keys stored; for tests and benchmarks. */
    synchronized int size() {
        return size;
    }

    @Override
    public void close() {}

    private @Nullable VersionedValue findLocked(String key) {
        int slot = slotOf(key);
        return slot < 0 ? null : valueAt(slot, key);
    }

    private VersionedValue valueAt(int slot, String key) {
        byte[] e = Objects.requireNonNull(entries[slot]);
        int kl = meta[2 * slot + 1];
        return new VersionedValue(key, new String(e, kl, e.length - kl, StandardCharsets.UTF_8), versions[slot]);
    }

    /** Spreads String.hashCode over the table (linear probing needs well-mixed low bits). */
    private static int home(int hash, int mask) {
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** The slot holding {@code key}, or {@code -(insertion slot) - 1}. */
    private int slotOf(String key) {
        return slotOf(key, null);
    }

    /**
     * The slot holding {@code key} (whose UTF-8 bytes the caller may pass in {@code encoded}), or
     * {@code -(insertion slot) - 1}. The key is encoded only when a stored hash code matches; the
     * JDK's intrinsics for encoding and comparing arrays are much faster than a character loop.
     */
    private int slotOf(String key, byte @Nullable [] encoded) {
        int hash = key.hashCode();
        int mask = entries.length - 1;
        for (int i = home(hash, mask); ; i = (i + 1) & mask) {
            byte[] e = entries[i];
            if (e == null) {
                return -i - 1;
            }
            if (meta[2 * i] == hash) {
                if (encoded == null) {
                    encoded = key.getBytes(StandardCharsets.UTF_8);
                }
                int kl = meta[2 * i + 1];
                if (kl == encoded.length && Arrays.equals(e, 0, kl, encoded, 0, kl)) {
                    return i;
                }
            }
        }
    }

    private void put(String key, String value, long version) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        int slot = slotOf(key, k);
        if (slot >= 0) {
            byte[] e = Objects.requireNonNull(entries[slot]);
            int kl = meta[2 * slot + 1];
            if (e.length - kl == v.length) {
                System.arraycopy(v, 0, e, kl, v.length); // a free-index node: same length every time
            } else {
                byte[] resized = Arrays.copyOf(e, kl + v.length);
                System.arraycopy(v, 0, resized, kl, v.length);
                entries[slot] = resized;
            }
            versions[slot] = version;
            return;
        }
        if (2 * (size + 1) > entries.length) {
            resize(entries.length * 2);
            slot = slotOf(key, k);
        }
        int i = -slot - 1;
        byte[] e = Arrays.copyOf(k, k.length + v.length);
        System.arraycopy(v, 0, e, k.length, v.length);
        entries[i] = e;
        meta[2 * i] = key.hashCode();
        meta[2 * i + 1] = k.length;
        versions[i] = version;
        size++;
        sortedKeys = null;
    }

    private void remove(String key) {
        int slot = slotOf(key);
        if (slot < 0) {
            return;
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole unless their
        // home slot lies cyclically in (hole, j], so every key stays reachable from its home.
        int mask = entries.length - 1;
        int hole = slot;
        for (int j = (hole + 1) & mask; entries[j] != null; j = (j + 1) & mask) {
            int h = home(meta[2 * j], mask);
            boolean staysPut = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!staysPut) {
                entries[hole] = entries[j];
                meta[2 * hole] = meta[2 * j];
                meta[2 * hole + 1] = meta[2 * j + 1];
                versions[hole] = versions[j];
                hole = j;
            }
        }
        entries[hole] = null;
        size--;
        sortedKeys = null;
        if (entries.length > MIN_CAPACITY && 8 * size < entries.length) {
            resize(entries.length / 2);
        }
    }

    private void resize(int capacity) {
        byte[][] oldEntries = entries;
        int[] oldMeta = meta;
        long[] oldVersions = versions;
        entries = new byte[capacity][];
        meta = new int[2 * capacity];
        versions = new long[capacity];
        int mask = capacity - 1;
        for (int s = 0; s < oldEntries.length; s++) {
            byte[] e = oldEntries[s];
            if (e == null) {
                continue;
            }
            int i = home(oldMeta[2 * s], mask);
            while (entries[i] != null) {
                i = (i + 1) & mask;
            }
            entries[i] = e;
            meta[2 * i] = oldMeta[2 * s];
            meta[2 * i + 1] = oldMeta[2 * s + 1];
            versions[i] = oldVersions[s];
        }
    }
}
