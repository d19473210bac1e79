package io.fabricbinder.core;

import io.fabricbinder.ipam.AddressFormat;
import io.fabricbinder.ipam.IpPrefix;
import java.net.InetAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One fabric virtual network as FabricBinder wants it (desired) or found it (actual, owned only).
 *
 * <p>Example: {@code new VirtualNetworkSpec("tenant-blue/blue-web", 100, 10100,
 * IpPrefix.parse("10.100.0.0/24"), null, IpPrefix.parseAddress("10.100.0.1"), null,
 * "tenant-blue/blue-mesh")}. Subnets ({@link IpPrefix}) and gateways (addresses as the ipam module
 * parses them, {@link IpPrefix#parseAddress}) are typed from the planner to the Apstra request body;
 * they become text (canonical: {@link IpPrefix#toString()}, {@link AddressFormat#canonical}) only in
 * the plan JSON and text and where the Apstra request is built. The Apstra label is derived from the name
 * ({@link FabricNames#virtualNetworkLabel}). Which leafs the network is bound to follows from the
 * port bindings and is not part of this value. Immutable and thread-safe.
 *
 * @param name {@code namespace/nad}
 * @param vlan the VLAN tagged on the leaf ports, 1..4094
 * @param vni the VXLAN VNI
 * @param ipv4Subnet the IPv4 subnet, or null
 * @param ipv6Subnet the IPv6 subnet, or null
 * @param ipv4Gateway the IPv4 anycast gateway (an address, no prefix length), or null when the network has no
 *     gateway (isolated, or no gateway in the IPAM block)
 * @param ipv6Gateway the IPv6 anycast gateway, or null
 * @param routingZone the routing zone name (a VirtualNetworkRouter's {@code namespace/name}), or
 *     null for an isolated network (placed in {@link FabricNames#ISOLATED_ZONE} without gateways)
 */
public record VirtualNetworkSpec(
        String name,
        int vlan,
        long vni,
        @Nullable IpPrefix ipv4Subnet,
        @Nullable IpPrefix ipv6Subnet,
        @Nullable InetAddress ipv4Gateway,
        @Nullable InetAddress ipv6Gateway,
        @Nullable String routingZone) {

    /** Validates. */
    public VirtualNetworkSpec {
        Objects.requireNonNull(name, "name");
        if (vlan < 1 || vlan > 4094) {
            throw new IllegalArgumentException("vlan " + vlan + " of " + name + " is out of range 1..4094");
        }
        if (vni < 1 || vni > 16_777_215L) {
            throw new IllegalArgumentException("vni " + vni + " of " + name + " is out of range 1..16777215");
        }
    }

    /** The IPv4 subnet, or the only one (IPv6-only network), or null: the JSON {@code subnet}. */
    public @Nullable IpPrefix primarySubnet() {
        return ipv4Subnet != null ? ipv4Subnet : ipv6Subnet;
    }

    /** The gateway of {@link #primarySubnet()}: the JSON {@code gateway}. */
    public @Nullable InetAddress primaryGateway() {
        return ipv4Subnet != null ? ipv4Gateway : ipv6Gateway;
    }

    /** True if both an IPv4 and an IPv6 subnet are set. */
    public boolean isDualStack() {
        return ipv4Subnet != null && ipv6Subnet != null;
    }

    /** The routing zone this network is placed in: its VNR zone or {@link FabricNames#ISOLATED_ZONE}. */
    public String placementZone() {
        return routingZone == null ? FabricNames.ISOLATED_ZONE : routingZone;
    }

    /** The Apstra label, {@link FabricNames#virtualNetworkLabel(String)} of the name. */
    public String label() {
        return FabricNames.virtualNetworkLabel(name);
    }
}
