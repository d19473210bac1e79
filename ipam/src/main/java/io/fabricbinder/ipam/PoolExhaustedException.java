package io.fabricbinder.ipam;

/**
 * A range of the pool has no free address. Nothing was allocated (dual-stack and multi-range
 * requests are all-or-nothing). Allocation succeeds again as soon as an address is released.
 */
public final class PoolExhaustedException extends IpamException {
    private static final long serialVersionUID = 1L;

    private final String pool;
    private final int rangeIndex;

    PoolExhaustedException(String pool, int rangeIndex, String detail) {
        super("pool " + pool + " range " + rangeIndex + " is exhausted: " + detail);
        this.pool = pool;
        this.rangeIndex = rangeIndex;
    }

    /** The name of the exhausted pool. */
    public String pool() {
        return pool;
    }

    /** The index (in {@link PoolSpec#ranges()}) of the range that has no free address. */
    public int rangeIndex() {
        return rangeIndex;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
