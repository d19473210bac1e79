package io.fabricbinder.ipam;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link IpAllocator#reclaim} pass did.
 *
 * @param pool the pool name
 * @param examined allocations listed
 * @param released owners whose allocation was released
 * @param keptYoung candidates younger than the grace period, kept
 * @param keptOnRecheck candidates the re-check found live, kept
 * @param skippedChanged candidates whose allocation changed after the listing, not touched
 */
public record ReclaimReport(
        String pool, int examined, List<Owner> released, int keptYoung, int keptOnRecheck, int skippedChanged) {
    /** Validates and copies. */
    public ReclaimReport {
        Objects.requireNonNull(pool, "pool");
        released = List.copyOf(released);
    }
}
