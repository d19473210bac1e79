package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

final class RealVirtualNetworks implements VirtualNetworks {
    private final RealBlueprintClient bp;

    RealVirtualNetworks(RealBlueprintClient bp) {
        this.bp = bp;
    }

    @Override
    public String create(VirtualNetwork vn) {
        Objects.requireNonNull(vn, "vn");
        validate(vn);
        checkTagsSupported(vn);
        JsonNode resp = bp.write("POST", bp.path("virtual-networks"), body(vn), false);
        String id = resp.path("id").asText("");
        if (id.isEmpty()) {
            throw new IllegalStateException("Apstra created VirtualNetwork '" + vn.label() + "' in blueprint " + bp.id()
                    + " but returned no id");
        }
        tagBeforeSixTwo(id, vn);
        return id;
    }

    @Override
    public VirtualNetwork get(String vnId) {
        Objects.requireNonNull(vnId, "vnId");
        JsonNode n = bp.get("virtual-networks", vnId);
        return read(vnId, n);
    }

    @Override
    public Optional<VirtualNetwork> find(String vnId) {
        try {
            return Optional.of(get(vnId));
        } catch (ApstraNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Map<String, VirtualNetwork> list() {
        Map<String, VirtualNetwork> out = new LinkedHashMap<>();
        bp.get("virtual-networks")
                .path("virtual_networks")
                .properties()
                .forEach(e -> out.put(e.getKey(), read(e.getKey(), e.getValue())));
        return out;
    }

    @Override
    public Optional<VirtualNetwork> findByLabel(String label) {
        Objects.requireNonNull(label, "label");
        return list().values().stream().filter(v -> label.equals(v.label())).findFirst();
    }

    @Override
    public void update(VirtualNetwork vn) {
        Objects.requireNonNull(vn, "vn");
        String id = vn.id();
        if (id == null) {
            throw new IllegalArgumentException("VirtualNetwork '" + vn.label() + "': id is required for update");
        }
        validate(vn);
        VirtualNetwork toSend = vn;
        if (bp.transport().version().atLeast("6.2")) {
            // Apstra 6.2 requires both zone ids on PUT (go-sdk VirtualNetworkZoneIDsRequired).
            if (toSend.securityZoneId() == null) {
                toSend = toSend.toBuilder()
                        .securityZoneId(bp.routingZones().getDefault().id())
                        .build();
            }
            if (toSend.switchingZoneId() == null) {
                throw new IllegalArgumentException("VirtualNetwork '" + vn.label()
                        + "': switchingZoneId is required on Apstra 6.2+ (start from get() to keep it)");
            }
        }
        checkTagsSupported(toSend);
        bp.write("PUT", bp.path("virtual-networks", id), body(toSend), true);
        tagBeforeSixTwo(id, toSend);
    }

    private void checkTagsSupported(VirtualNetwork vn) {
        if (!vn.tags().isEmpty() && !bp.transport().version().atLeast("5.0")) {
            throw new IllegalArgumentException("VirtualNetwork '" + vn.label()
                    + "': tags need Apstra 5.0+, server runs " + bp.transport().version());
        }
    }

    /**
     * Before 6.2 VN tags are not part of the VN body; they are added with {@code POST /tagging}
     * (go-sdk two_stage_l3_clos_tagging.go). Tags are only added here, never removed.
     */
    private void tagBeforeSixTwo(String id, VirtualNetwork vn) {
        if (vn.tags().isEmpty() || bp.transport().version().atLeast("6.2")) {
            return;
        }
        ObjectNode body = Json.object();
        body.putArray("nodes").add(id);
        ArrayNode add = body.putArray("add");
        vn.tags().forEach(add::add);
        body.putArray("remove");
        bp.write("POST", bp.path("tagging"), body, true);
    }

    @Override
    public void setBindings(String vnId, List<VnBinding> boundTo, List<SviIp> sviIps) {
        Objects.requireNonNull(vnId, "vnId");
        ObjectNode body = Json.object();
        body.set("bound_to", Json.tree(List.copyOf(boundTo)));
        body.set("svi_ips", Json.tree(List.copyOf(sviIps)));
        // Setting the same bindings twice is harmless, so this PATCH may be retried.
        bp.write("PATCH", bp.path("virtual-networks", vnId), body, true);
    }

    @Override
    public void delete(String vnId) {
        Objects.requireNonNull(vnId, "vnId");
        bp.write("DELETE", bp.path("virtual-networks", vnId), null, true);
    }

    private static VirtualNetwork read(String id, JsonNode n) {
        VirtualNetwork vn = Json.convert(n, VirtualNetwork.class, "virtual network " + id);
        return vn.id() == null ? vn.toBuilder().id(id).build() : vn;
    }

    private ObjectNode body(VirtualNetwork vn) {
        ObjectNode body = (ObjectNode) Json.tree(vn);
        body.remove("id");
        body.remove("route_target");
        if (!bp.transport().version().atLeast("6.2")) {
            // Before 6.2, tags go through the tagging API and switching zones do not exist.
            body.remove("tags");
            body.remove("switching_zone_id");
        }
        return body;
    }

    static void validate(VirtualNetwork vn) {
        String what = "VirtualNetwork '" + vn.label() + "'";
        if (vn.label().isBlank()) {
            throw new IllegalArgumentException("VirtualNetwork: label is blank");
        }
        if (!List.of("vxlan", "vlan", "disabled").contains(vn.vnType())) {
            throw new IllegalArgumentException(what + ": vnType must be vxlan, vlan or disabled, got " + vn.vnType());
        }
        if (vn.vnType().equals("vxlan") && vn.securityZoneId() == null) {
            throw new IllegalArgumentException(what + ": securityZoneId is required for a vxlan VN");
        }
        if (vn.vnType().equals("vlan") && vn.boundTo().size() > 1) {
            throw new IllegalArgumentException(what + ": a vlan VN is rack-local and takes at most one binding");
        }
        Long vni = vn.vnId();
        // A VNI is 24 bits; Apstra's own narrower limits come back as a 422 with the field named.
        if (vni != null && (vni < 1 || vni > 16777214)) {
            throw new IllegalArgumentException(what + ": vnId must be 1..16777214, got " + vni);
        }
        Integer reserved = vn.reservedVlanId();
        if (reserved != null && (reserved < 1 || reserved > 4094)) {
            throw new IllegalArgumentException(what + ": reservedVlanId must be 1..4094, got " + reserved);
        }
        Integer mtu = vn.l3Mtu();
        if (mtu != null && (mtu < 1280 || mtu > 9216 || mtu % 2 != 0)) {
            throw new IllegalArgumentException(what + ": l3Mtu must be an even number in 1280..9216, got " + mtu);
        }
    }
}
