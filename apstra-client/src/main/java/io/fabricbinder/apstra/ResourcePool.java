package io.fabricbinder.apstra;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A global integer resource pool (VNI or VLAN). Apstra sends the counters as strings; they are
 * parsed here.
 *
 * @param id the pool id
 * @param displayName the name
 * @param status e.g. "not_in_use", "in_use"
 * @param used how many values are allocated
 * @param total how many values the pool holds
 * @param ranges the ranges
 * @param tags tags
 */
public record ResourcePool(
        String id,
        @Nullable String displayName,
        @Nullable String status,
        long used,
        long total,
        List<Range> ranges,
        List<String> tags) {
    /** Copies. */
    public ResourcePool {
        Objects.requireNonNull(id, "ResourcePool.id");
        ranges = List.copyOf(ranges);
        tags = List.copyOf(tags);
    }

    /** Whether {@code value} lies in one of the ranges. */
    public boolean contains(long value) {
        return ranges.stream().anyMatch(r -> r.contains(value));
    }

    /**
     * An inclusive range of a pool.
     *
     * @param first the first value
     * @param last the last value
     */
    public record Range(long first, long last) {
        /** Whether {@code value} is in the range. */
        public boolean contains(long value) {
            return value >= first && value <= last;
        }
    }
}
