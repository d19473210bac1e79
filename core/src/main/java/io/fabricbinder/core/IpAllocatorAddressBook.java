package io.fabricbinder.core;

import io.fabricbinder.ipam.AddressFormat;
import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.AssignedAddress;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link AddressBook} over an {@link IpAllocator}. */
final class IpAllocatorAddressBook implements AddressBook {

    private final IpAllocator allocator;
    private final Map<IpRange, BigInteger> rangeCapacity = new ConcurrentHashMap<>();

    IpAllocatorAddressBook(IpAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public Map<Owner, List<InetAddress>> allocations(PoolSpec pool) {
        List<Allocation> all = allocator.list(pool);
        Map<Owner, List<InetAddress>> out = new LinkedHashMap<>(Math.max(16, all.size() * 4 / 3 + 1));
        for (Allocation a : all) {
            out.put(a.owner(), addresses(a));
        }
        return out;
    }

    @Override
    public Map<String, List<InetAddress>> allocationsByOwnerKey(PoolSpec pool) {
        return allocator.addressesByOwnerKey(pool);
    }

    @Override
    public BigInteger capacity(PoolSpec pool) {
        BigInteger min = null;
        for (IpRange r : pool.ranges()) {
            // usage() of a single-range pool under a name that holds nothing reads one empty page and
            // computes the range's capacity exactly as the allocator does (reserved addresses and all).
            BigInteger c = rangeCapacity.computeIfAbsent(
                    r, k -> allocator.usage(PoolSpec.of("fb-capacity-probe", k)).capacity());
            min = min == null ? c : min.min(c);
        }
        return min == null ? BigInteger.ZERO : min;
    }

    @Override
    public List<InetAddress> allocate(PoolSpec pool, Owner owner) {
        return addresses(allocator.allocate(pool, owner));
    }

    @Override
    public List<InetAddress> allocate(PoolSpec pool, Owner owner, List<InetAddress> requested) {
        // The allocator takes requests as text (a CNI request is text); canonical text of a value.
        List<String> text = requested.stream().map(AddressFormat::canonical).toList();
        return addresses(allocator.allocate(pool, owner, text));
    }

    @Override
    public boolean release(PoolSpec pool, Owner owner) {
        return allocator.release(pool, owner);
    }

    private static List<InetAddress> addresses(Allocation a) {
        List<AssignedAddress> addresses = a.addresses();
        return addresses.size() == 1
                ? List.of(addresses.get(0).address())
                : addresses.stream().map(AssignedAddress::address).toList();
    }
}
