package io.fabricbinder.ipam.spi;

import java.util.List;
import java.util.Optional;

/**
 * A small versioned key-value store: what an IPAM backend must provide. The allocation algorithm
 * (candidate choice, free-block index, idempotency, retries) lives in {@link
 * io.fabricbinder.ipam.IpAllocator} and is shared by every backend; a backend only stores keys.
 *
 * <p>The one hard requirement: {@link #commit} is atomic and linearizable against every other
 * writer of the same store, in every process and on every host that shares it. The allocator's
 * no-duplicate guarantee rests on that alone; a lock or lease may reduce contention but must never
 * be what makes {@code commit} correct.
 *
 * <p>Semantics every backend must follow (checked by {@code IpPoolStoreContract}):
 *
 * <ul>
 *   <li>Keys are non-empty ASCII strings; values are UTF-8 strings.
 *   <li>Every successful put gives its key a version that is positive and strictly greater than any
 *       version that key ever had, also across delete and re-create (ABA protection). An etcd
 *       {@code mod_revision} satisfies this.
 *   <li>{@link #commit} applies all mutations if and only if all conditions hold, and nothing
 *       otherwise; it returns {@code false} when a condition failed.
 *   <li>A value returned by {@link #find} or {@link #list} was committed. A durable backend
 *       acknowledges a commit only once it is durable, and documents any window in which a read
 *       can observe a commit whose writer crashed before making it durable.
 * </ul>
 *
 * <p>Implementations are thread-safe. {@link #close()} releases resources the store created.
 */
public interface IpPoolStore extends AutoCloseable {

    /**
     * Reads one key.
     *
     * @return the value and version, or empty if the key does not exist
     * @throws IpPoolStoreException if the store failed
     */
    Optional<VersionedValue> find(String key);

    /**
     * Reads one key for a caller that only uses the answer as a hint: the answer may be stale, i.e.
     * a value (and its version) that was committed but has since been overwritten or deleted, or
     * the absence of a key that has since been created. It is never a value that was not committed.
     *
     * <p>A caller may use it only where staleness cannot change an outcome: every value it acts on
     * must be guarded by a {@link Condition} on the version it read (so a stale read makes the
     * {@link #commit} fail and the caller retries), and a conclusion that is returned to its own
     * caller (for example "the pool is full") must be confirmed with {@link #find} first.
     *
     * <p>A hint is never older than this store's own completed commits and reads of the key: with no
     * other writer, it answers what {@link #find} would.
     *
     * <p>The default is {@link #find}. A remote backend may answer from what it already knows
     * without a request ({@code EtcdIpPoolStore} keeps a bounded cache of the versions it read and
     * wrote). The allocator reads its free-address index with this on the first attempt of an
     * allocation only.
     *
     * @return the value and version, or empty if the key did not exist at the (possibly past) point
     *     the answer reflects
     * @throws IpPoolStoreException if the store failed
     */
    default Optional<VersionedValue> findHint(String key) {
        return find(key);
    }

    /**
     * Atomically checks every condition and, only if all hold, applies every mutation; all
     * mutations get the same new version. A key may appear at most once among the conditions and at
     * most once among the mutations.
     *
     * @return true if applied, false if a condition did not hold (nothing changed)
     * @throws IllegalArgumentException if a key repeats, or there are no mutations
     * @throws IpPoolStoreException if the store failed; the outcome is unknown
     */
    boolean commit(List<Condition> conditions, List<Mutation> mutations);

    /**
     * Lists keys starting with {@code prefix} in ascending {@link String#compareTo} order, starting
     * strictly after {@code startAfter} (use {@code ""} for the first page), at most {@code limit}
     * entries. Used by usage queries and leak reclamation, never on the allocation path.
     *
     * @throws IpPoolStoreException if the store failed
     */
    List<VersionedValue> list(String prefix, String startAfter, int limit);

    /** Releases what the store opened. Does not throw checked exceptions. */
    @Override
    void close();

    /** Checks the argument rules of {@link #commit}; for implementations. */
    static void checkCommitArguments(List<Condition> conditions, List<Mutation> mutations) {
        if (mutations.isEmpty()) {
            throw new IllegalArgumentException("a commit needs at least one mutation");
        }
        for (int i = 0; i < conditions.size(); i++) {
            for (int j = i + 1; j < conditions.size(); j++) {
                if (conditions.get(i).key().equals(conditions.get(j).key())) {
                    throw new IllegalArgumentException("key appears twice in conditions: "
                            + conditions.get(i).key());
                }
            }
        }
        for (int i = 0; i < mutations.size(); i++) {
            for (int j = i + 1; j < mutations.size(); j++) {
                if (mutations.get(i).key().equals(mutations.get(j).key())) {
                    throw new IllegalArgumentException("key appears twice in mutations: "
                            + mutations.get(i).key());
                }
            }
        }
    }
}
