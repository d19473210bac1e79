package io.fabricbinder.ipam;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A pool: a named allocation domain (typically one network) with one or more ranges. An owner gets
 * one address from every range, all or nothing, so a v4 range plus a v6 range is dual stack.
 * Ranges of one pool must not overlap; pools with different names are independent even when their
 * subnets overlap.
 *
 * <pre>{@code
 * PoolSpec pool = new PoolSpec("storage-net", List.of(
 *         new IpRange("10.20.0.0/16", null, null, List.of("10.20.0.0/24"), "10.20.0.1"),
 *         IpRange.ofSubnet("fd00:20::/64")));
 * }</pre>
 *
 * <p>The stored state of a pool is bound to its ranges: once a pool holds allocations, allocating
 * with different ranges under the same name is rejected (use a new pool name to re-plan).
 *
 * @param name 1..63 characters of {@code [A-Za-z0-9._-]}
 * @param ranges at least one, at most 16
 */
public record PoolSpec(String name, List<IpRange> ranges) {
    /** Validates the name, the number of ranges and that no two ranges overlap. */
    public PoolSpec {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 63) {
            throw new IllegalArgumentException("pool name must have 1..63 characters: '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                throw new IllegalArgumentException(
                        "pool name may hold only letters, digits, '.', '_' and '-': '" + name + "'");
            }
        }
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty() || ranges.size() > 16) {
            throw new IllegalArgumentException("pool " + name + " needs 1..16 ranges, got " + ranges.size());
        }
        List<CompiledRange> compiled = new ArrayList<>();
        for (IpRange r : ranges) {
            compiled.add(r.compile());
        }
        for (int i = 0; i < compiled.size(); i++) {
            for (int j = i + 1; j < compiled.size(); j++) {
                if (compiled.get(i).overlaps(compiled.get(j))) {
                    throw new IllegalArgumentException(
                            "pool " + name + " ranges[" + i + "] and ranges[" + j + "] overlap; a pool's ranges must"
                                    + " be disjoint (use separate pools for independent allocation)");
                }
            }
        }
    }

    /**
     * Where requested addresses (a pod's {@code ips}, a CNI {@code runtimeConfig.ips}) go, checked
     * against the ranges only (not against what is allocated): for each range, in order, the
     * address requested in it, or null where none is. An optional {@code
     * /length} on a request is ignored.
     *
     * @throws RequestedAddressException if an address is in none of the ranges, is reserved (excluded,
     *     the gateway, a network or broadcast address), or two fall in one range
     */
    public List<@Nullable InetAddress> requestedPerRange(List<String> requested) {
        CompiledRange[] compiled = new CompiledRange[ranges.size()];
        for (int i = 0; i < compiled.length; i++) {
            compiled[i] = ranges.get(i).compile();
        }
        @Nullable String[] canonical = CompiledRange.locate(name, compiled, requested);
        @Nullable InetAddress[] out = new InetAddress[canonical.length];
        for (int i = 0; i < out.length; i++) {
            String c = canonical[i];
            out[i] = c == null ? null : IpPrefix.parseAddress(c);
        }
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    /** A pool with a single range. */
    public static PoolSpec of(String name, IpRange range) {
        return new PoolSpec(name, List.of(range));
    }
}
