package io.fabricbinder.apstra;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A virtual network as Apstra stores it ({@code /api/blueprints/{id}/virtual-networks}). Used both
 * for reads and as the body of create and PUT; read-only fields ({@code id}, {@code routeTarget})
 * are not sent. Build one with {@link #vxlan(String, String)} or {@link #builder(String, String)}.
 *
 * <pre>{@code
 * VirtualNetwork vn = VirtualNetwork.vxlan("tenant-a-app", zoneId)
 *         .vnId(5003L)
 *         .boundTo(List.of(VnBinding.of(leafOrRedundancyGroupId, 300)))
 *         .ipv4Subnet("10.1.1.0/24")
 *         .virtualGatewayIpv4("10.1.1.1")
 *         .build();
 * }</pre>
 *
 * @param id the node id; null in a create request
 * @param label the VN name, unique in the blueprint
 * @param description free text (Apstra 5.x+)
 * @param vnType "vxlan", "vlan" or "disabled"
 * @param vnId the VNI; sent as a string as Apstra requires; null lets Apstra take one from the {@code vxlan_vn_ids} pool
 * @param securityZoneId the routing zone node id; required for vxlan (and on every PUT from 6.2)
 * @param switchingZoneId the switching zone (6.2+ only); keep what {@code get} returned
 * @param boundTo the leafs (or redundancy groups) the VN is instantiated on
 * @param ipv4Enabled IPv4 on
 * @param ipv4Subnet e.g. {@code 10.30.42.0/24}; null takes one from the pool
 * @param virtualGatewayIpv4Enabled anycast gateway on (needed to route between VNs)
 * @param virtualGatewayIpv4 plain address, e.g. {@code 10.30.42.1}
 * @param ipv6Enabled IPv6 on
 * @param ipv6Subnet the IPv6 subnet
 * @param virtualGatewayIpv6Enabled IPv6 anycast gateway on
 * @param virtualGatewayIpv6 IPv6 gateway address
 * @param dhcpService "dhcpServiceEnabled" or "dhcpServiceDisabled"
 * @param reservedVlanId reserve this VLAN fabric-wide, 1..4094
 * @param l3Mtu even, 1280..9216 (4.2+)
 * @param sviIps per-leaf SVI addresses
 * @param rtPolicy route-target import/export, or null
 * @param virtualMac virtual MAC, e.g. {@code 08:00:20:01:02:03}
 * @param tags tags; in the VN body on 6.2+, added through {@code POST /tagging} on 5.x (only added,
 *     never removed there); not supported before 5.0
 * @param routeTarget read-only, e.g. {@code 5003:1}
 * @param createPolicyTagged create-only: have Apstra generate a tagged VLAN connectivity template
 */
public record VirtualNetwork(
        @Nullable String id,
        String label,
        @Nullable String description,
        String vnType,

        @JsonFormat(shape = JsonFormat.Shape.STRING) @Nullable
        Long vnId,

        @Nullable String securityZoneId,
        @Nullable String switchingZoneId,
        List<VnBinding> boundTo,
        @Nullable Boolean ipv4Enabled,
        @Nullable String ipv4Subnet,
        @Nullable Boolean virtualGatewayIpv4Enabled,
        @Nullable String virtualGatewayIpv4,
        @Nullable Boolean ipv6Enabled,
        @Nullable String ipv6Subnet,
        @Nullable Boolean virtualGatewayIpv6Enabled,
        @Nullable String virtualGatewayIpv6,
        @Nullable String dhcpService,
        @Nullable Integer reservedVlanId,
        @Nullable Integer l3Mtu,
        List<SviIp> sviIps,
        @Nullable RtPolicy rtPolicy,
        @Nullable String virtualMac,
        List<String> tags,
        @Nullable String routeTarget,
        @Nullable Boolean createPolicyTagged) {

    /** Validates and copies collections; null lists read as empty. */
    public VirtualNetwork {
        Objects.requireNonNull(label, "VirtualNetwork.label");
        Objects.requireNonNull(vnType, "VirtualNetwork.vnType");
        boundTo = boundTo == null ? List.of() : List.copyOf(boundTo);
        sviIps = sviIps == null ? List.of() : List.copyOf(sviIps);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A VXLAN VN in the given routing zone, with IPv4 and the anycast gateway on. */
    public static Builder vxlan(String label, String securityZoneId) {
        return builder(label, "vxlan")
                .securityZoneId(securityZoneId)
                .ipv4Enabled(true)
                .virtualGatewayIpv4Enabled(true)
                .dhcpService("dhcpServiceDisabled");
    }

    /** A builder with nothing but the label and type set. */
    public static Builder builder(String label, String vnType) {
        return new Builder(label, vnType);
    }

    /** A builder holding every field of this VN, to change some and PUT it back. */
    public Builder toBuilder() {
        Builder b = new Builder(label, vnType);
        b.id = id;
        b.description = description;
        b.vnId = vnId;
        b.securityZoneId = securityZoneId;
        b.switchingZoneId = switchingZoneId;
        b.boundTo = boundTo;
        b.ipv4Enabled = ipv4Enabled;
        b.ipv4Subnet = ipv4Subnet;
        b.virtualGatewayIpv4Enabled = virtualGatewayIpv4Enabled;
        b.virtualGatewayIpv4 = virtualGatewayIpv4;
        b.ipv6Enabled = ipv6Enabled;
        b.ipv6Subnet = ipv6Subnet;
        b.virtualGatewayIpv6Enabled = virtualGatewayIpv6Enabled;
        b.virtualGatewayIpv6 = virtualGatewayIpv6;
        b.dhcpService = dhcpService;
        b.reservedVlanId = reservedVlanId;
        b.l3Mtu = l3Mtu;
        b.sviIps = sviIps;
        b.rtPolicy = rtPolicy;
        b.virtualMac = virtualMac;
        b.tags = tags;
        b.routeTarget = routeTarget;
        b.createPolicyTagged = createPolicyTagged;
        return b;
    }

    /** The binding for {@code systemId} (a leaf or redundancy group id), if any. */
    public Optional<VnBinding> bindingFor(String systemId) {
        return boundTo.stream().filter(b -> b.systemId().equals(systemId)).findFirst();
    }

    /** Builds {@link VirtualNetwork} values. Not thread-safe. */
    public static final class Builder {
        private String label;
        private String vnType;
        private @Nullable String id;
        private @Nullable String description;
        private @Nullable Long vnId;
        private @Nullable String securityZoneId;
        private @Nullable String switchingZoneId;
        private List<VnBinding> boundTo = List.of();
        private @Nullable Boolean ipv4Enabled;
        private @Nullable String ipv4Subnet;
        private @Nullable Boolean virtualGatewayIpv4Enabled;
        private @Nullable String virtualGatewayIpv4;
        private @Nullable Boolean ipv6Enabled;
        private @Nullable String ipv6Subnet;
        private @Nullable Boolean virtualGatewayIpv6Enabled;
        private @Nullable String virtualGatewayIpv6;
        private @Nullable String dhcpService;
        private @Nullable Integer reservedVlanId;
        private @Nullable Integer l3Mtu;
        private List<SviIp> sviIps = List.of();
        private @Nullable RtPolicy rtPolicy;
        private @Nullable String virtualMac;
        private List<String> tags = List.of();
        private @Nullable String routeTarget;
        private @Nullable Boolean createPolicyTagged;

        private Builder(String label, String vnType) {
            this.label = Objects.requireNonNull(label, "label");
            this.vnType = Objects.requireNonNull(vnType, "vnType");
        }

        /** Sets the label. */
        public Builder label(String label) {
            this.label = Objects.requireNonNull(label, "label");
            return this;
        }

        /** Sets the type: "vxlan", "vlan" or "disabled". */
        public Builder vnType(String vnType) {
            this.vnType = Objects.requireNonNull(vnType, "vnType");
            return this;
        }

        /** Sets id: the node id; null in a create request. */
        public Builder id(@Nullable String id) {
            this.id = id;
            return this;
        }

        /** Sets description: free text (Apstra 5.x+). */
        public Builder description(@Nullable String description) {
            this.description = description;
            return this;
        }

        /** Sets vnId: the VNI; sent as a string as Apstra requires; null lets Apstra take one from the {@code vxlan_vn_ids} pool. */
        public Builder vnId(@Nullable Long vnId) {
            this.vnId = vnId;
            return this;
        }

        /** Sets securityZoneId: the routing zone node id; required for vxlan (and on every PUT from 6.2). */
        public Builder securityZoneId(@Nullable String securityZoneId) {
            this.securityZoneId = securityZoneId;
            return this;
        }

        /** Sets switchingZoneId: the switching zone (6.2+ only); keep what {@code get} returned. */
        public Builder switchingZoneId(@Nullable String switchingZoneId) {
            this.switchingZoneId = switchingZoneId;
            return this;
        }

        /** Sets boundTo: the leafs (or redundancy groups) the VN is instantiated on. */
        public Builder boundTo(List<VnBinding> boundTo) {
            this.boundTo = List.copyOf(boundTo);
            return this;
        }

        /** Sets ipv4Enabled: IPv4 on. */
        public Builder ipv4Enabled(@Nullable Boolean ipv4Enabled) {
            this.ipv4Enabled = ipv4Enabled;
            return this;
        }

        /** Sets ipv4Subnet: e.g. {@code 10.30.42.0/24}; null takes one from the pool. */
        public Builder ipv4Subnet(@Nullable String ipv4Subnet) {
            this.ipv4Subnet = ipv4Subnet;
            return this;
        }

        /** Sets virtualGatewayIpv4Enabled: anycast gateway on (needed to route between VNs). */
        public Builder virtualGatewayIpv4Enabled(@Nullable Boolean virtualGatewayIpv4Enabled) {
            this.virtualGatewayIpv4Enabled = virtualGatewayIpv4Enabled;
            return this;
        }

        /** Sets virtualGatewayIpv4: plain address, e.g. {@code 10.30.42.1}. */
        public Builder virtualGatewayIpv4(@Nullable String virtualGatewayIpv4) {
            this.virtualGatewayIpv4 = virtualGatewayIpv4;
            return this;
        }

        /** Sets ipv6Enabled: IPv6 on. */
        public Builder ipv6Enabled(@Nullable Boolean ipv6Enabled) {
            this.ipv6Enabled = ipv6Enabled;
            return this;
        }

        /** Sets ipv6Subnet: the IPv6 subnet. */
        public Builder ipv6Subnet(@Nullable String ipv6Subnet) {
            this.ipv6Subnet = ipv6Subnet;
            return this;
        }

        /** Sets virtualGatewayIpv6Enabled: IPv6 anycast gateway on. */
        public Builder virtualGatewayIpv6Enabled(@Nullable Boolean virtualGatewayIpv6Enabled) {
            this.virtualGatewayIpv6Enabled = virtualGatewayIpv6Enabled;
            return this;
        }

        /** Sets virtualGatewayIpv6: IPv6 gateway address. */
        public Builder virtualGatewayIpv6(@Nullable String virtualGatewayIpv6) {
            this.virtualGatewayIpv6 = virtualGatewayIpv6;
            return this;
        }

        /** Sets dhcpService: "dhcpServiceEnabled" or "dhcpServiceDisabled". */
        public Builder dhcpService(@Nullable String dhcpService) {
            this.dhcpService = dhcpService;
            return this;
        }

        /** Sets reservedVlanId: reserve this VLAN fabric-wide, 1..4094. */
        public Builder reservedVlanId(@Nullable Integer reservedVlanId) {
            this.reservedVlanId = reservedVlanId;
            return this;
        }

        /** Sets l3Mtu: even, 1280..9216 (4.2+). */
        public Builder l3Mtu(@Nullable Integer l3Mtu) {
            this.l3Mtu = l3Mtu;
            return this;
        }

        /** Sets sviIps: per-leaf SVI addresses. */
        public Builder sviIps(List<SviIp> sviIps) {
            this.sviIps = List.copyOf(sviIps);
            return this;
        }

        /** Sets rtPolicy: route-target import/export, or null. */
        public Builder rtPolicy(@Nullable RtPolicy rtPolicy) {
            this.rtPolicy = rtPolicy;
            return this;
        }

        /** Sets virtualMac: virtual MAC, e.g. {@code 08:00:20:01:02:03}. */
        public Builder virtualMac(@Nullable String virtualMac) {
            this.virtualMac = virtualMac;
            return this;
        }

        /** Sets tags (see the record doc for how they travel per version). */
        public Builder tags(List<String> tags) {
            this.tags = List.copyOf(tags);
            return this;
        }

        /** Sets routeTarget: read-only, e.g. {@code 5003:1}. */
        public Builder routeTarget(@Nullable String routeTarget) {
            this.routeTarget = routeTarget;
            return this;
        }

        /** Sets createPolicyTagged: create-only: have Apstra generate a tagged VLAN connectivity template. */
        public Builder createPolicyTagged(@Nullable Boolean createPolicyTagged) {
            this.createPolicyTagged = createPolicyTagged;
            return this;
        }

        /** Builds the value. */
        public VirtualNetwork build() {
            return new VirtualNetwork(
                    id,
                    label,
                    description,
                    vnType,
                    vnId,
                    securityZoneId,
                    switchingZoneId,
                    boundTo,
                    ipv4Enabled,
                    ipv4Subnet,
                    virtualGatewayIpv4Enabled,
                    virtualGatewayIpv4,
                    ipv6Enabled,
                    ipv6Subnet,
                    virtualGatewayIpv6Enabled,
                    virtualGatewayIpv6,
                    dhcpService,
                    reservedVlanId,
                    l3Mtu,
                    sviIps,
                    rtPolicy,
                    virtualMac,
                    tags,
                    routeTarget,
                    createPolicyTagged);
        }
    }
}
