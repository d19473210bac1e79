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
 * @param subnet CIDR, e.g. {@code 10.0.0.0/24} or {@code fd00::/64}, host bits zero
 * @param rangeStart first allocatable address, or null for the first usable one
 * @param rangeEnd last allocatable address, or null for the last usable one
 * @param exclude CIDRs or single addresses inside the subnet never to allocate
 * @param gateway the gateway (reserved), or null
 */
public record IpRange(
        String subnet,
        @Nullable String rangeStart,
        @Nullable String rangeEnd,
        List<String> exclude,
        @Nullable String gateway) {

    /** Validates the range; see the class documentation for what is rejected. */
    public IpRange {
        Objects.requireNonNull(subnet, "subnet");
        exclude = List.copyOf(exclude);
        CompiledRange.compile(subnet, rangeStart, rangeEnd, exclude, gateway);
    }

    /** The whole usable subnet, no exclusions, no gateway. */
    public static IpRange ofSubnet(String subnet) {
        return new IpRange(subnet, null, null, List.of(), null);
    }

    /** The subnet as a prefix; its text is {@link #subnet()} in canonical form. */
    public IpPrefix prefix() {
        return IpPrefix.parse(subnet);
    }

    /**
     * The gateway as an address (parsed by the rules of {@link IpPrefix#parseAddress}; the text was
     * validated when the range was made, so this never fails), or null. Its canonical text is {@link
     * AddressFormat#canonical}.
     */
    public @Nullable InetAddress gatewayAddress() {
        return gateway == null ? null : IpPrefix.parseAddress(gateway);
    }

    /** Whether this is an IPv6 range. */
    public boolean isIpv6() {
        return subnet.indexOf(':') >= 0;
    }

    CompiledRange compile() {
        return CompiledRange.compile(subnet, rangeStart, rangeEnd, exclude, gateway);
    }
}
