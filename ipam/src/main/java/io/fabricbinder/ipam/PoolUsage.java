package io.fabricbinder.ipam;

import java.math.BigInteger;
import java.util.Objects;

/**
 * How full a pool is. With several ranges, both numbers add up over the ranges (every owner holds
 * one address per range).
 *
 * @param pool the pool name
 * @param allocated addresses currently held
 * @param capacity allocatable addresses (reserved and excluded ones not counted); exact up to 2^128
 */
public record PoolUsage(String pool, BigInteger allocated, BigInteger capacity) {
    /** Validates the components. */
    public PoolUsage {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(allocated, "allocated");
        Objects.requireNonNull(capacity, "capacity");
    }
}
