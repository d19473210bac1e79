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

    // Slot i is empty when entries[i] == null; otherwise keyHashes[i] is the key's String.hashCode,
    // keyLengths[i] the length of its UTF-8 key prefix in entries[i], versions[i] its version.
    private byte[] @Nullable [] entries = new byte[MIN_CAPACITY][];
    private int[] keyHashes = new int[MIN_CAPACITY];
    private int[] keyLengths = new int[MIN_CAPACITY];
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
                    keys[n++] = new String(e, 0, keyLengths[i], StandardCharsets.UTF_8);
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
        int kl = keyLengths[slot];
        return new VersionedValue(key, new String(e, kl, e.length - kl, StandardCharsets.UTF_8), versions[slot]);
    }

    /** Spreads String.hashCode over the table (linear probing needs well-mixed low bits). */
    private static int home(int hash, int mask) {
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /** The slot holding {@code key}, or {@code -(insertion slot) - 1}. */
    private int slotOf(String key) {
        int hash = key.hashCode();
        int mask = entries.length - 1;
        for (int i = home(hash, mask); ; i = (i + 1) & mask) {
            byte[] e = entries[i];
            if (e == null) {
                return -i - 1;
            }
            if (keyHashes[i] == hash && keyEquals(e, keyLengths[i], key)) {
                return i;
            }
        }
    }

    /** Whether the UTF-8 key stored in {@code e[0, keyLength)} equals {@code key}, without encoding it. */
    private static boolean keyEquals(byte[] e, int keyLength, String key) {
        int n = key.length();
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c >= 0x80) {
                byte[] encoded = key.getBytes(StandardCharsets.UTF_8);
                return encoded.length == keyLength && Arrays.equals(e, 0, keyLength, encoded, 0, keyLength);
            }
            // Every character so far is ASCII, so it is also the key's UTF-8 byte at index i.
            if (i >= keyLength || e[i] != c) {
                return false;
            }
        }
        return n == keyLength;
    }

    /** Writes {@code value} over {@code e[from..]} if it is ASCII of exactly that length. */
    private static boolean overwriteAscii(byte[] e, int from, String value) {
        int n = value.length();
        if (e.length - from != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                return false; // the caller rewrites the whole value
            }
            e[from + i] = (byte) c;
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static void writeAscii(String s, byte[] out, int from) {
        for (int i = 0; i < s.length(); i++) {
            out[from + i] = (byte) s.charAt(i);
        }
    }

    private void put(String key, String value, long version) {
        int slot = slotOf(key);
        if (slot >= 0) {
            byte[] e = Objects.requireNonNull(entries[slot]);
            int kl = keyLengths[slot];
            if (!overwriteAscii(e, kl, value)) {
                byte[] v = value.getBytes(StandardCharsets.UTF_8);
                if (e.length - kl == v.length) {
                    System.arraycopy(v, 0, e, kl, v.length);
                } else {
                    byte[] resized = Arrays.copyOf(e, kl + v.length);
                    System.arraycopy(v, 0, resized, kl, v.length);
                    entries[slot] = resized;
                }
            }
            versions[slot] = version;
            return;
        }
        if (2 * (size + 1) > entries.length) {
            resize(entries.length * 2);
            slot = slotOf(key);
        }
        int i = -slot - 1;
        byte[] e;
        int kl;
        if (isAscii(key) && isAscii(value)) {
            // The usual case: write both straight into the entry, no temporary arrays.
            kl = key.length();
            e = new byte[kl + value.length()];
            writeAscii(key, e, 0);
            writeAscii(value, e, kl);
        } else {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            kl = k.length;
            e = Arrays.copyOf(k, kl + v.length);
            System.arraycopy(v, 0, e, kl, v.length);
        }
        entries[i] = e;
        keyHashes[i] = key.hashCode();
        keyLengths[i] = kl;
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
            int h = home(keyHashes[j], mask);
            boolean staysPut = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!staysPut) {
                entries[hole] = entries[j];
                keyHashes[hole] = keyHashes[j];
                keyLengths[hole] = keyLengths[j];
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
        int[] oldHashes = keyHashes;
        int[] oldLengths = keyLengths;
        long[] oldVersions = versions;
        entries = new byte[capacity][];
        keyHashes = new int[capacity];
        keyLengths = new int[capacity];
        versions = new long[capacity];
        int mask = capacity - 1;
        for (int s = 0; s < oldEntries.length; s++) {
            byte[] e = oldEntries[s];
            if (e == null) {
                continue;
            }
            int i = home(oldHashes[s], mask);
            while (entries[i] != null) {
                i = (i + 1) & mask;
            }
            entries[i] = e;
            keyHashes[i] = oldHashes[s];
            keyLengths[i] = oldLengths[s];
            versions[i] = oldVersions[s];
        }
    }
}
