package io.fabricbinder.core;

import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The IPAM as a plan sees it, read before planning like {@link FabricState}: per pool, the
 * allocations (owner key to addresses) and how many owners the pool can hold. The planner reads this
 * value and never the {@link AddressBook}, so planning is a function of its inputs.
 *
 * <p>Read it for the pools a snapshot needs ({@link FabricBinder} does: {@code
 * IpamState.read(addressBook, pools)}). Immutable once read; thread-safe to share.
 */
final class IpamState {

    /** No pools. */
    static final IpamState EMPTY = new IpamState(Map.of());

    /**
     * One pool's state.
     *
     * @param existing the allocations by {@link io.fabricbinder.ipam.Owner#key()}, one list instance
     *     per owner (the planner tells owners apart by the identity of their lists)
     * @param capacity how many owners the pool can hold at most
     */
    record Pool(Map<String, List<InetAddress>> existing, BigInteger capacity) {
        Pool {
            Objects.requireNonNull(existing, "existing");
            Objects.requireNonNull(capacity, "capacity");
        }
    }

    private final Map<String, Pool> pools;

    private IpamState(Map<String, Pool> pools) {
        this.pools = pools;
    }

    /** Reads each pool's allocations and capacity from the address book (read-only calls). */
    static IpamState read(AddressBook book, Collection<PoolSpec> specs) {
        Map<String, Pool> out = new HashMap<>();
        for (PoolSpec spec : specs) {
            if (out.containsKey(spec.name())) {
                continue;
            }
            Map<String, List<InetAddress>> existing = book.allocationsByOwnerKey(spec);
            // IpAllocatorAddressBook builds one list per owner; any other book is checked.
            out.put(
                    spec.name(),
                    new Pool(
                            book instanceof IpAllocatorAddressBook ? existing : distinctValues(existing),
                            book.capacity(spec)));
        }
        return new IpamState(Collections.unmodifiableMap(out));
    }

    /** The state of the pool; an error if it was not read (the caller read the wrong pools). */
    Pool pool(PoolSpec spec) {
        Pool p = pools.get(spec.name());
        if (p == null) {
            throw new IllegalArgumentException("the IPAM state was not read for pool " + spec.name());
        }
        return p;
    }

    /** The state of the pool, or null if it was not read. */
    @Nullable
    Pool find(String poolName) {
        return pools.get(poolName);
    }

    /**
     * The allocations with one list instance per owner; copies the lists only if the address book
     * shared some.
     */
    private static Map<String, List<InetAddress>> distinctValues(Map<String, List<InetAddress>> existing) {
        IdentityHashMap<List<InetAddress>, Boolean> seen = new IdentityHashMap<>(existing.size());
        for (List<InetAddress> v : existing.values()) {
            if (seen.put(v, Boolean.TRUE) != null) {
                Map<String, List<InetAddress>> copy = new LinkedHashMap<>();
                existing.forEach((o, list) -> copy.put(o, Collections.unmodifiableList(new ArrayList<>(list))));
                return copy;
            }
        }
        return existing;
    }
}
