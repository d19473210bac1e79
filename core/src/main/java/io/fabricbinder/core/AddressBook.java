package io.fabricbinder.core;

import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The core's view of the central IPAM: read the allocations of a pool, allocate and release one
 * owner's addresses. Backed by the ipam module's {@link IpAllocator} ({@link #of(IpAllocator)}).
 *
 * <p>Planning never calls it: the IPAM state is read before planning (the read methods, {@link
 * #allocationsByOwnerKey} and {@link #capacity}), like the fabric state; {@link
 * #allocate} and {@link #release} are called when a plan is applied. An owner is one pod incarnation
 * (UID) and interface, so allocation is idempotent per pod UID + interface. Example:
 *
 * <pre>{@code
 * AddressBook book = AddressBook.of(IpAllocator.create(FileIpPoolStore.open(dir)));
 * List<InetAddress> addresses = book.allocate(pool, new Owner("ns", "web-0", uid, "net1"));
 * }</pre>
 *
 * <p>Addresses are values ({@link InetAddress} as the ipam module parses them, one per range of the
 * pool, in range order; each range's prefix length is the pool's), never text.
 *
 * <p>Implementations must be thread-safe.
 */
public interface AddressBook {

    /**
     * Every allocation of the pool: owner to its addresses, one per range in range order. Read-only.
     * Costs time proportional to the pool's allocations.
     */
    Map<Owner, List<InetAddress>> allocations(PoolSpec pool);

    /**
     * Every allocation of the pool keyed by {@link Owner#key()} ({@code namespace/pod/podUid/interfaceName}):
     * owner key to its addresses, one per range in range order. The planner's bulk read:
     * it looks each attachment up by owner key, so a book that can skip building {@link Owner}s
     * should override this. Every value must be a list instance of its own. Read-only. The default
     * derives it from {@link #allocations}.
     */
    default Map<String, List<InetAddress>> allocationsByOwnerKey(PoolSpec pool) {
        Map<Owner, List<InetAddress>> all = allocations(pool);
        Map<String, List<InetAddress>> out = new LinkedHashMap<>(Math.max(16, all.size() * 4 / 3 + 1));
        all.forEach((owner, addresses) -> out.put(owner.key(), List.copyOf(addresses)));
        return out;
    }

    /** How many owners the pool can hold at most: the smallest range capacity. */
    BigInteger capacity(PoolSpec pool);

    /**
     * The owner's addresses, allocating them if it holds none. Idempotent.
     *
     * @throws io.fabricbinder.ipam.PoolExhaustedException if a range is full
     */
    List<InetAddress> allocate(PoolSpec pool, Owner owner);

    /**
     * The owner's addresses with the requested ones (a pod's {@code ips}): each granted in its range
     * when free, the other ranges allocated as usual. Idempotent. The default allocates only when
     * nothing is requested.
     *
     * @throws io.fabricbinder.ipam.RequestedAddressException if a requested address is outside the
     *     ranges, reserved or held by another owner
     * @throws io.fabricbinder.ipam.PoolExhaustedException if a range without a request is full
     */
    default List<InetAddress> allocate(PoolSpec pool, Owner owner, List<InetAddress> requested) {
        if (requested.isEmpty()) {
            return allocate(pool, owner);
        }
        throw new UnsupportedOperationException(getClass().getName() + " does not allocate requested addresses");
    }

    /** Releases the owner's addresses; true if it held some. Idempotent. */
    boolean release(PoolSpec pool, Owner owner);

    /** An address book over the allocator (and whatever store it uses). */
    static AddressBook of(IpAllocator allocator) {
        return new IpAllocatorAddressBook(allocator);
    }

    /**
     * An address book over the ipam module's file store in {@code directory} (opened, and created if
     * needed, now): addresses survive restarts. Processes on one host may share the directory;
     * replicas on several nodes share an etcd store instead ({@code of(IpAllocator.create(etcdStore))}).
     * The store's files stay open for the life of the process; to close them earlier, open the store
     * yourself: {@code of(IpAllocator.create(FileIpPoolStore.open(dir)))}.
     *
     * @throws io.fabricbinder.ipam.spi.IpPoolStoreException if the store cannot be opened (e.g. another
     *     process holds it)
     */
    static AddressBook file(Path directory) {
        return of(IpAllocator.create(FileIpPoolStore.open(directory)));
    }

    /** An address book over a fresh in-memory store: for tests and offline planning. */
    static AddressBook inMemory() {
        return of(IpAllocator.builder(new InMemoryIpPoolStore()).randomSeed(1).build());
    }
}
