package io.fabricbinder.apstra;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A routing zone (security zone, VRF) of a blueprint ({@code /api/blueprints/{id}/security-zones}).
 * VNs in the same zone with the anycast gateway on route to each other. Used for reads and as the
 * body of create and PUT; {@code id}, {@code routeTarget} and {@code tags} are not sent.
 *
 * @param id the node id; null in a create request
 * @param label the zone's label (mutable)
 * @param vrfName the VRF name on devices, set at create; "default" for the default zone
 * @param szType "evpn" for a tenant zone; the built-in default zone is "l3_fabric"
 * @param vniId the L3 VNI; null takes one from the {@code evpn_l3_vnis} pool
 * @param vlanId VLAN for tagged L3 links to external systems; null lets Apstra choose
 * @param routingPolicyId the routing policy; null uses the default
 * @param junosEvpnIrbMode "asymmetric" or "symmetric"; required on PUT
 * @param routeTarget read-only, e.g. {@code 5000:1}
 * @param rtPolicy route-target import/export, or null
 * @param tags read-only tags (5.0+)
 * @param vrfDescription free text kept with the VRF (5.0+); null leaves it unset
 */
public record RoutingZone(
        @Nullable String id,
        String label,
        String vrfName,
        String szType,
        @Nullable Integer vniId,
        @Nullable Integer vlanId,
        @Nullable String routingPolicyId,
        @Nullable String junosEvpnIrbMode,
        @Nullable String routeTarget,
        @Nullable RtPolicy rtPolicy,
        List<String> tags,
        @Nullable String vrfDescription) {

    /** Validates and copies. */
    public RoutingZone {
        Objects.requireNonNull(label, "RoutingZone.label");
        Objects.requireNonNull(vrfName, "RoutingZone.vrfName");
        Objects.requireNonNull(szType, "RoutingZone.szType");
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** An EVPN zone to create, with Apstra-chosen VNI and VLAN and the default routing policy. */
    public static RoutingZone evpn(String label, String vrfName) {
        return new RoutingZone(null, label, vrfName, "evpn", null, null, null, null, null, null, List.of(), null);
    }

    /** This zone with the L3 VNI set. */
    public RoutingZone withVniId(@Nullable Integer vniId) {
        return new RoutingZone(
                id,
                label,
                vrfName,
                szType,
                vniId,
                vlanId,
                routingPolicyId,
                junosEvpnIrbMode,
                routeTarget,
                rtPolicy,
                tags,
                vrfDescription);
    }

    /** This zone with the label set. */
    public RoutingZone withLabel(String label) {
        return new RoutingZone(
                id,
                label,
                vrfName,
                szType,
                vniId,
                vlanId,
                routingPolicyId,
                junosEvpnIrbMode,
                routeTarget,
                rtPolicy,
                tags,
                vrfDescription);
    }

    /** This zone with the id set. */
    public RoutingZone withId(String id) {
        return new RoutingZone(
                id,
                label,
                vrfName,
                szType,
                vniId,
                vlanId,
                routingPolicyId,
                junosEvpnIrbMode,
                routeTarget,
                rtPolicy,
                tags,
                vrfDescription);
    }

    /** This zone with the VRF description set (Apstra 5.0+; refused by the client on older servers). */
    public RoutingZone withVrfDescription(@Nullable String vrfDescription) {
        return new RoutingZone(
                id,
                label,
                vrfName,
                szType,
                vniId,
                vlanId,
                routingPolicyId,
                junosEvpnIrbMode,
                routeTarget,
                rtPolicy,
                tags,
                vrfDescription);
    }

    /** Whether this is the blueprint's built-in default zone. */
    public boolean isDefault() {
        return "default".equals(vrfName) || "l3_fabric".equals(szType);
    }
}
