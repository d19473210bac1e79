package io.fabricbinder.core;

import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.AssignedAddress;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
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
    public Map<Owner, List<String>> allocations(PoolSpec pool) {
        List<Allocation> all = allocator.list(pool);
        Map<Owner, List<String>> out = new LinkedHashMap<>(Math.max(16, all.size() * 4 / 3 + 1));
        for (Allocation a : all) {
            List<AssignedAddress> addresses = a.addresses();
            out.put(
                    a.owner(),
                    addresses.size() == 1
                            ? List.of(addresses.get(0).cidr())
                            : addresses.stream().map(AssignedAddress::cidr).toList());
        }
        return out;
    }

    @Override
    public Map<String, List<String>> allocationsByOwnerKey(PoolSpec pool) {
        return allocator.cidrsByOwnerKey(pool);
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
    public List<String> allocate(PoolSpec pool, Owner owner) {
        return allocator.allocate(pool, owner).addresses().stream()
                .map(AssignedAddress::cidr)
                .toList();
    }

    @Override
    public List<String> allocate(PoolSpec pool, Owner owner, List<String> requested) {
        return allocator.allocate(pool, owner, requested).addresses().stream()
                .map(AssignedAddress::cidr)
                .toList();
    }

    @Override
    public boolean release(PoolSpec pool, Owner owner) {
        return allocator.release(pool, owner);
    }
}
