package io.fabricbinder.ipam;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One range of a pool: a subnet, optionally narrowed to {@code rangeStart..rangeEnd}, minus
 * exclusions and the gateway. Each range of a {@link PoolSpec} yields one address per owner (two
 * ranges of different families give dual stack).
 *
 * <p>Reserved and never allocated: IPv4 network and broadcast addresses (except in a /31, where
 * both are usable, RFC 3021, and a /32); the IPv6 subnet-router anycast address (offset 0, RFC 4291)
 * except in a /127 and /128; the gateway; every excluded address. A configuration that does not
 * make sense is rejected with {@link IllegalArgumentException}, never adjusted: host bits set in
 * the subnet, a bound or exclusion or gateway outside the subnet, a bound on a reserved address,
 * {@code rangeStart > rangeEnd}, a family mismatch, or a range with no allocatable address.
 *
 * <pre>{@code
 * IpRange v4 = new IpRange("10.20.0.0/16", "10.20.1.0", "10.20.255.254",
 *         List.of("10.20.7.0/24", "10.20.9.9"), "10.20.0.1");
 * IpRange v6 = IpRange.ofSubnet("fd00:20::/64");
 * }</pre>
 *
 * <p>A value: equal when its five fields are. The range is parsed and compiled once, when it is
 * made; {@link #prefix()} and {@link #gatewayAddress()} hand out the typed values, the pools that
 * hold the range share its compiled form, and the text accessors keep what the configuration said
 * (pool specs are stored by that text).
 */
public final class IpRange {
    private final String subnet;
    private final @Nullable String rangeStart;
    private final @Nullable String rangeEnd;
    private final List<String> exclude;
    private final @Nullable String gateway;
    private final CompiledRange compiled;
    private final @Nullable InetAddress gatewayAddress;

    /**
     * Makes and validates a range; see the class documentation for what is rejected.
     *
     * @param subnet CIDR, e.g. {@code 10.0.0.0/24} or {@code fd00::/64}, host bits zero
     * @param rangeStart first allocatable address, or null for the first usable one
     * @param rangeEnd last allocatable address, or null for the last usable one
     * @param exclude CIDRs or single addresses inside the subnet never to allocate
     * @param gateway the gateway (reserved), or null
     * @throws IllegalArgumentException if the range does not make sense
     */
    public IpRange(
            String subnet,
            @Nullable String rangeStart,
            @Nullable String rangeEnd,
            List<String> exclude,
            @Nullable String gateway) {
        this.subnet = Objects.requireNonNull(subnet, "subnet");
        this.rangeStart = rangeStart;
        this.rangeEnd = rangeEnd;
        this.exclude = List.copyOf(exclude);
        this.gateway = gateway;
        this.compiled = CompiledRange.compile(subnet, rangeStart, rangeEnd, this.exclude, gateway);
        // compile() validated the gateway by these same rules, so this parse cannot fail
        this.gatewayAddress = gateway == null ? null : IpPrefix.parseAddress(gateway);
    }

    /** The whole usable subnet, no exclusions, no gateway. */
    public static IpRange ofSubnet(String subnet) {
        return new IpRange(subnet, null, null, List.of(), null);
    }

    /** The subnet as the configuration wrote it (CIDR). */
    public String subnet() {
        return subnet;
    }

    /** The first allocatable address as written, or null. */
    public @Nullable String rangeStart() {
        return rangeStart;
    }

    /** The last allocatable address as written, or null. */
    public @Nullable String rangeEnd() {
        return rangeEnd;
    }

    /** The exclusions as written (CIDRs or single addresses). */
    public List<String> exclude() {
        return exclude;
    }

    /** The gateway as written, or null. */
    public @Nullable String gateway() {
        return gateway;
    }

    /** The subnet as a prefix, parsed when the range was made; its text is canonical. */
    public IpPrefix prefix() {
        return compiled.subnet;
    }

    /**
     * The gateway as an address (parsed by the rules of {@link IpPrefix#parseAddress} when the range
     * was made), or null. Its canonical text is {@link AddressFormat#canonical}.
     */
    public @Nullable InetAddress gatewayAddress() {
        return gatewayAddress;
    }

    /** Whether this is an IPv6 range. */
    public boolean isIpv6() {
        return compiled.v6;
    }

    /** The range compiled when it was made (immutable, so shared by every pool that holds it). */
    CompiledRange compile() {
        return compiled;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof IpRange r
                && subnet.equals(r.subnet)
                && Objects.equals(rangeStart, r.rangeStart)
                && Objects.equals(rangeEnd, r.rangeEnd)
                && exclude.equals(r.exclude)
                && Objects.equals(gateway, r.gateway);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subnet, rangeStart, rangeEnd, exclude, gateway);
    }

    @Override
    public String toString() {
        return "IpRange[subnet=" + subnet + ", rangeStart=" + rangeStart + ", rangeEnd=" + rangeEnd + ", exclude="
                + exclude + ", gateway=" + gateway + "]";
    }
}
