package io.fabricbinder.ipam;

import java.util.List;
import java.util.Objects;

/**
 * The addresses an owner holds in a pool: one per range of the {@link PoolSpec}, in range order.
 *
 * @param pool the pool name
 * @param owner the holder
 * @param addresses one per range, in the order of {@link PoolSpec#ranges()}
 */
public record Allocation(String pool, Owner owner, List<AssignedAddress> addresses) {
    /** Validates and copies. */
    public Allocation {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(owner, "owner");
        addresses = List.copyOf(addresses);
    }
}
