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
 * slots live in parallel primitive arrays and point into an arena of 1 MiB byte chunks, where each
 * entry is its UTF-8 key followed by its UTF-8 value. A put of a value as long as the old one (a
 * free-index node, the allocator's most frequent write) overwrites the bytes in place; other puts
 * append, and the arena is compacted when more than half of it is dead. So stored keys are not
 * objects at all: the strings a caller passes in die young, and the garbage collector never copies
 * stored entries from one generation to the next, however many keys the store holds.
 */
public final class InMemoryIpPoolStore implements IpPoolStore {
    private static final int MIN_CAPACITY = 16;
    private static final int CHUNK = 1 << 20;
    private static final long EMPTY = -1;

    // Slot i is empty when locations[i] == EMPTY; otherwise locations[i] is (chunk << 32 | offset)
    // of its entry, meta[3i] the key's String.hashCode, meta[3i+1] the UTF-8 key length, meta[3i+2]
    // the UTF-8 value length (side by side: one cache line per probe), versions[i] its version.
    private long[] locations = emptyLocations(MIN_CAPACITY);
    private int[] meta = new int[3 * MIN_CAPACITY];
    private long[] versions = new long[MIN_CAPACITY];
    private int size;
    private long revision;
    // The arena: entries are appended at (last chunk, tail); a chunk holds chunkSize bytes, or
    // exactly one larger entry.
    private byte[][] chunks = new byte[0][];
    private int tail;
    private long arenaBytes;
    private long liveBytes;
    // Sorted keys for list(), rebuilt lazily after a key is added or removed: listing is rare
    // (usage, reclamation), and keeping a sorted index on every write would cost more than the rest
    // of an allocation.
    private String @Nullable [] sortedKeys;
    // The slot of each sortedKeys entry: slots only move when a key is added or removed (resize,
    // backward shift), which drops both arrays, so a listed value is read without hashing its key.
    private int[] sortedSlots = new int[0];

    private final int chunkSize;

    /** Creates an empty store. */
    public InMemoryIpPoolStore() {
        this(CHUNK);
    }

    /** A store with arena chunks of {@code chunkSize} bytes; tests use tiny ones to force compaction. */
    InMemoryIpPoolStore(int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be > 0: " + chunkSize);
        }
        this.chunkSize = chunkSize;
    }

    @Override
    public synchronized Optional<VersionedValue> find(String key) {
        Objects.requireNonNull(key, "key");
        int slot = slotOf(key, null);
        return slot < 0 ? Optional.empty() : Optional.of(valueAt(slot, key));
    }

    @Override
    public synchronized boolean commit(List<Condition> conditions, List<Mutation> mutations) {
        IpPoolStore.checkCommitArguments(conditions, mutations);
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            int slot = slotOf(c.key(), null);
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
        if (arenaBytes > 2 * liveBytes + 4L * chunkSize) {
            compact();
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
            for (int i = 0; i < locations.length; i++) {
                long loc = locations[i];
                if (loc != EMPTY) {
                    keys[n++] = new String(chunks[chunk(loc)], offset(loc), meta[3 * i + 1], StandardCharsets.UTF_8);
                }
            }
            Arrays.sort(keys);
            int[] slots = new int[keys.length];
            for (int i = 0; i < keys.length; i++) {
                slots[i] = slotOf(keys[i], null);
            }
            sortedKeys = keys;
            sortedSlots = slots;
        }
        String[] listed = keys;
        int[] slots = sortedSlots;
        return KeyPages.pageByIndex(keys, i -> valueAt(slots[i], listed[i]), prefix, startAfter, limit);
    }

    /** Number of keys stored; for tests and benchmarks. */
    synchronized int size() {
        return size;
    }

    @Override
    public void close() {}

    private static long[] emptyLocations(int capacity) {
        long[] l = new long[capacity];
        Arrays.fill(l, EMPTY);
        return l;
    }

    private static int chunk(long location) {
        return (int) (location >>> 32);
    }

    private static int offset(long location) {
        return (int) location;
    }

    private VersionedValue valueAt(int slot, String key) {
        long loc = locations[slot];
        String value = new String(
                chunks[chunk(loc)], offset(loc) + meta[3 * slot + 1], meta[3 * slot + 2], StandardCharsets.UTF_8);
        return new VersionedValue(key, value, versions[slot]);
    }

    /** Spreads String.hashCode over the table (linear probing needs well-mixed low bits). */
    private static int home(int hash, int mask) {
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /**
     * The slot holding {@code key} (whose UTF-8 bytes the caller may pass in {@code encoded}), or
     * {@code -(insertion slot) - 1}. The key is encoded only when a stored hash code matches; the
     * JDK's intrinsics for encoding and comparing arrays are much faster than a character loop.
     */
    private int slotOf(String key, byte @Nullable [] encoded) {
        int hash = key.hashCode();
        int mask = locations.length - 1;
        for (int i = home(hash, mask); ; i = (i + 1) & mask) {
            long loc = locations[i];
            if (loc == EMPTY) {
                return -i - 1;
            }
            if (meta[3 * i] == hash) {
                if (encoded == null) {
                    encoded = key.getBytes(StandardCharsets.UTF_8);
                }
                int kl = meta[3 * i + 1];
                int from = offset(loc);
                if (kl == encoded.length && Arrays.equals(chunks[chunk(loc)], from, from + kl, encoded, 0, kl)) {
                    return i;
                }
            }
        }
    }

    /** Reserves {@code length} bytes at the end of the arena and returns their location. */
    private long append(int length) {
        int last = chunks.length - 1;
        if (last < 0 || chunks[last].length - tail < length) {
            if (last >= 0) {
                arenaBytes += chunks[last].length - tail; // the unused end of the full chunk is dead
            }
            chunks = Arrays.copyOf(chunks, chunks.length + 1);
            last = chunks.length - 1;
            chunks[last] = new byte[Math.max(chunkSize, length)];
            tail = 0;
        }
        long loc = ((long) last << 32) | tail;
        tail += length;
        arenaBytes += length;
        return loc;
    }

    private void put(String key, String value, long version) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        int slot = slotOf(key, k);
        if (slot >= 0) {
            long loc = locations[slot];
            int kl = meta[3 * slot + 1];
            int vl = meta[3 * slot + 2];
            if (vl == v.length) {
                // A free-index node: same length every time, overwritten in place.
                System.arraycopy(v, 0, chunks[chunk(loc)], offset(loc) + kl, v.length);
            } else {
                liveBytes -= kl + vl;
                locations[slot] = write(k, v);
                meta[3 * slot + 2] = v.length;
            }
            versions[slot] = version;
            return;
        }
        if (2 * (size + 1) > locations.length) {
            resize(locations.length * 2);
            slot = slotOf(key, k);
        }
        int i = -slot - 1;
        locations[i] = write(k, v);
        meta[3 * i] = key.hashCode();
        meta[3 * i + 1] = k.length;
        meta[3 * i + 2] = v.length;
        versions[i] = version;
        size++;
        sortedKeys = null;
    }

    private long write(byte[] k, byte[] v) {
        long loc = append(k.length + v.length);
        byte[] c = chunks[chunk(loc)];
        System.arraycopy(k, 0, c, offset(loc), k.length);
        System.arraycopy(v, 0, c, offset(loc) + k.length, v.length);
        liveBytes += k.length + v.length;
        return loc;
    }

    private void remove(String key) {
        int slot = slotOf(key, null);
        if (slot < 0) {
            return;
        }
        liveBytes -= meta[3 * slot + 1] + meta[3 * slot + 2];
        // Backward-shift deletion: pull later entries of the probe run into the hole unless their
        // home slot lies cyclically in (hole, j], so every key stays reachable from its home.
        int mask = locations.length - 1;
        int hole = slot;
        for (int j = (hole + 1) & mask; locations[j] != EMPTY; j = (j + 1) & mask) {
            int h = home(meta[3 * j], mask);
            boolean staysPut = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!staysPut) {
                locations[hole] = locations[j];
                System.arraycopy(meta, 3 * j, meta, 3 * hole, 3);
                versions[hole] = versions[j];
                hole = j;
            }
        }
        locations[hole] = EMPTY;
        size--;
        sortedKeys = null;
        if (locations.length > MIN_CAPACITY && 8 * size < locations.length) {
            resize(locations.length / 2);
        }
    }

    private void resize(int capacity) {
        long[] oldLocations = locations;
        int[] oldMeta = meta;
        long[] oldVersions = versions;
        locations = emptyLocations(capacity);
        meta = new int[3 * capacity];
        versions = new long[capacity];
        int mask = capacity - 1;
        for (int s = 0; s < oldLocations.length; s++) {
            if (oldLocations[s] == EMPTY) {
                continue;
            }
            int i = home(oldMeta[3 * s], mask);
            while (locations[i] != EMPTY) {
                i = (i + 1) & mask;
            }
            locations[i] = oldLocations[s];
            System.arraycopy(oldMeta, 3 * s, meta, 3 * i, 3);
            versions[i] = oldVersions[s];
        }
    }

    /** Copies the live entries into a fresh arena: amortized over the writes that made the garbage. */
    private void compact() {
        byte[][] old = chunks;
        chunks = new byte[0][];
        tail = 0;
        arenaBytes = 0;
        liveBytes = 0;
        for (int i = 0; i < locations.length; i++) {
            long loc = locations[i];
            if (loc == EMPTY) {
                continue;
            }
            int length = meta[3 * i + 1] + meta[3 * i + 2];
            long to = append(length);
            System.arraycopy(old[chunk(loc)], offset(loc), chunks[chunk(to)], offset(to), length);
            locations[i] = to;
            liveBytes += length;
        }
    }
}
