package io.fabricbinder.apstra;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A global IPv4 or IPv6 resource pool.
 *
 * @param id the pool id
 * @param displayName the name
 * @param status e.g. "not_in_use"
 * @param used how many addresses are allocated
 * @param total how many addresses the pool holds
 * @param subnets the subnets, e.g. "10.0.0.0/16"
 * @param tags tags
 */
public record IpPool(
        String id,
        @Nullable String displayName,
        @Nullable String status,
        long used,
        long total,
        List<String> subnets,
        List<String> tags) {
    /** Copies. */
    public IpPool {
        Objects.requireNonNull(id, "IpPool.id");
        subnets = List.copyOf(subnets);
        tags = List.copyOf(tags);
    }
}
