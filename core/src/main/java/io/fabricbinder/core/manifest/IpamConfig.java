package io.fabricbinder.core.manifest;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The IPAM block of a NetworkAttachmentDefinition's CNI config.
 *
 * <p>For {@code "type": "fabricbinder-ipam"} the ranges are parsed and validated (one range per
 * address family for dual stack). For any other IPAM type only the type is kept and {@link
 * #ranges()} is empty. Example: {@code nad.ipam().ranges().get(0).subnet()}. Immutable and
 * thread-safe.
 *
 * @param type the IPAM plugin type
 * @param ranges the validated ranges (empty unless {@link #isFabricBinder()})
 */
public record IpamConfig(String type, List<Range> ranges) {

    /** The IPAM type FabricBinder allocates for. */
    public static final String FABRICBINDER_TYPE = "fabricbinder-ipam";

    /** Validates and copies. */
    public IpamConfig {
        Objects.requireNonNull(type, "type");
        ranges = List.copyOf(ranges);
        if (FABRICBINDER_TYPE.equals(type) && ranges.isEmpty()) {
            throw new IllegalArgumentException("fabricbinder-ipam needs a subnet or ipRanges");
        }
    }

    /** True if this block is allocated by FabricBinder. */
    public boolean isFabricBinder() {
        return FABRICBINDER_TYPE.equals(type);
    }

    /**
     * One allocation range: a subnet with optional bounds, exclusions and gateway.
     *
     * <p>Invariants (checked here): start, end, gateway and exclusions lie in the subnet and have
     * its family; start is not after end.
     *
     * @param subnet the subnet (no host bits set)
     * @param rangeStart first allocatable address, or null for the subnet's first usable
     * @param rangeEnd last allocatable address, or null for the subnet's last usable
     * @param exclude prefixes never allocated (single addresses are {@code /32} or {@code /128})
     * @param gateway the gateway, or null
     */
    public record Range(
            IpPrefix subnet,
            @Nullable InetAddress rangeStart,
            @Nullable InetAddress rangeEnd,
            List<IpPrefix> exclude,
            @Nullable InetAddress gateway) {

        /** Validates and copies. */
        public Range {
            Objects.requireNonNull(subnet, "subnet");
            exclude = List.copyOf(exclude);
            if (rangeStart != null && !subnet.contains(rangeStart)) {
                throw new IllegalArgumentException(
                        "rangeStart " + rangeStart.getHostAddress() + " is outside subnet " + subnet);
            }
            if (rangeEnd != null && !subnet.contains(rangeEnd)) {
                throw new IllegalArgumentException(
                        "rangeEnd " + rangeEnd.getHostAddress() + " is outside subnet " + subnet);
            }
            if (rangeStart != null && rangeEnd != null && IpPrefix.compare(rangeStart, rangeEnd) > 0) {
                throw new IllegalArgumentException("rangeStart " + rangeStart.getHostAddress() + " is after rangeEnd "
                        + rangeEnd.getHostAddress());
            }
            if (gateway != null && !subnet.contains(gateway)) {
                throw new IllegalArgumentException(
                        "gateway " + gateway.getHostAddress() + " is outside subnet " + subnet);
            }
            for (IpPrefix e : exclude) {
                if (!subnet.contains(e)) {
                    throw new IllegalArgumentException("exclude " + e + " is outside subnet " + subnet);
                }
            }
        }

        /** A range over a whole subnet with no bounds, exclusions or gateway. */
        public Range(IpPrefix subnet) {
            this(subnet, null, null, List.of(), null);
        }
    }
}
