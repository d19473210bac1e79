package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.apstra.emulator.EmulatedApstra.Response;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Virtual networks ({@code /virtual-networks}): validation, VNI and VLAN allocation, staging. */
final class VirtualNetworkHandler {
    private static final Set<String> VN_TYPES = Set.of("vxlan", "vlan", "disabled");
    private static final Pattern IPV4_CIDR =
            Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})$");

    private final EmulatedApstra apstra;

    VirtualNetworkHandler(EmulatedApstra apstra) {
        this.apstra = apstra;
    }

    Response listVns(Req r) {
        Blueprint b = apstra.bp(r);
        ObjectNode o = Json.obj();
        ObjectNode map = o.putObject("virtual_networks");
        b.state(apstra.deployedType(r)).vns.forEach((k, v) -> map.set(k, v.deepCopy()));
        return Response.json(200, o);
    }

    private ObjectNode vnOr404(Blueprint b, String id, boolean deployedStage) {
        ObjectNode vn = b.state(deployedStage).vns.get(id);
        if (vn == null) {
            throw ApiException.notFound("No virtual_network with id: " + id);
        }
        return vn;
    }

    Response getVn(Req r) {
        Blueprint b = apstra.bp(r);
        return Response.json(200, vnOr404(b, r.seg(4), apstra.deployedType(r)).deepCopy());
    }

    Response createVn(Req r) {
        Blueprint b = apstra.bp(r);
        ObjectNode body = r.json();
        String id = b.newId("vn");
        ObjectNode vn = normalizeVn(b, body, id, null);
        b.staging.putVn(id, vn);
        if (body.path("create_policy_tagged").asBoolean(false)) {
            createVlanCt(b, vn, "vlan_tagged");
        }
        if (body.path("create_policy_untagged").asBoolean(false)) {
            createVlanCt(b, vn, "untagged");
        }
        apstra.changed(r, b);
        ObjectNode out = Json.obj();
        out.put("id", id);
        // (inferred) Apstra's facade answers a create with 201 and {"id"}.
        return Response.json(201, out);
    }

    private void createVlanCt(Blueprint b, ObjectNode vn, String tagType) {
        String root = UUID.randomUUID().toString();
        String pipe = UUID.randomUUID().toString();
        String prim = UUID.randomUUID().toString();
        String label = vn.get("label").asText() + (tagType.equals("vlan_tagged") ? "-tagged" : "-untagged");
        ObjectNode batch = Json.obj();
        batch.put("id", root);
        batch.put("policy_type_name", "batch");
        batch.put("label", label);
        batch.put("description", "");
        batch.put("visible", true);
        batch.putArray("tags");
        batch.put("user_data", "{}");
        batch.putObject("attributes").putArray("subpolicies").add(pipe);
        ObjectNode p = Json.obj();
        p.put("id", pipe);
        p.put("policy_type_name", "pipeline");
        p.put("label", "Virtual Network (Single) (pipeline)");
        p.put("description", "");
        p.put("visible", false);
        p.putArray("tags");
        ObjectNode pa = p.putObject("attributes");
        pa.put("first_subpolicy", prim);
        pa.putNull("second_subpolicy");
        pa.putNull("resolver");
        ObjectNode v = Json.obj();
        v.put("id", prim);
        v.put("policy_type_name", "AttachSingleVLAN");
        v.put("label", "Virtual Network (Single)");
        v.put("description", "");
        v.put("visible", false);
        v.putArray("tags");
        ObjectNode va = v.putObject("attributes");
        va.put("vn_node_id", vn.get("id").asText());
        va.put("tag_type", tagType);
        b.staging.policies.put(root, batch);
        b.staging.policies.put(pipe, p);
        b.staging.policies.put(prim, v);
    }

    Response putVn(Req r) {
        Blueprint b = apstra.bp(r);
        String id = r.seg(4);
        ObjectNode old = vnOr404(b, id, false);
        ObjectNode body = r.json();
        if (apstra.atLeast(6, 2)) {
            for (String f : List.of("security_zone_id", "switching_zone_id")) {
                if (body.path(f).asText("").isEmpty()) {
                    throw ApiException.unprocessable(f, "Missing data for required field.");
                }
            }
        }
        return replaceVn(r, b, id, old, normalizeVn(b, body, id, old));
    }

    Response patchVn(Req r) {
        Blueprint b = apstra.bp(r);
        String id = r.seg(4);
        ObjectNode old = vnOr404(b, id, false);
        ObjectNode merged = old.deepCopy();
        r.json().properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        return replaceVn(r, b, id, old, normalizeVn(b, merged, id, old));
    }

    Response replaceVn(Req r, Blueprint b, String id, ObjectNode old, ObjectNode updated) {
        if (!updated.equals(old)) {
            b.staging.putVn(id, updated);
            apstra.changed(r, b);
        }
        return Response.empty(204);
    }

    Response deleteVn(Req r) {
        Blueprint b = apstra.bp(r);
        String id = r.seg(4);
        ObjectNode vn = vnOr404(b, id, false);
        Set<String> cts = b.staging.ctsReferencing(id);
        if (!cts.isEmpty()) {
            throw ApiException.unprocessable("Virtual network "
                    + vn.get("label").asText() + " cannot be deleted because it is in use by connectivity templates: "
                    + String.join(", ", cts));
        }
        b.staging.removeVn(id);
        apstra.changed(r, b);
        return Response.empty(204);
    }

    /**
     * Validates a VN body against Apstra's rules and returns the stored (GET) shape. {@code existing}
     * is the stored VN a PUT or PATCH replaces ({@code null} on create): a VNI or VLAN the body
     * leaves to Apstra is then kept from it rather than allocated again.
     */
    private ObjectNode normalizeVn(Blueprint b, ObjectNode body, String id, @Nullable ObjectNode existing) {
        String label = body.path("label").asText("");
        if (label.isEmpty()) {
            throw ApiException.unprocessable("label", "Missing data for required field.");
        }
        String sameLabel = b.staging.vnIdByLabel(label);
        if (sameLabel != null && !sameLabel.equals(id)) {
            throw ApiException.unprocessable("label", "Virtual Network name '" + label + "' not unique");
        }
        String vnType = body.path("vn_type").asText("");
        if (!VN_TYPES.contains(vnType)) {
            throw ApiException.unprocessable("vn_type", "Must be one of: vxlan, vlan, disabled.");
        }
        ObjectNode vn = Json.obj();
        vn.put("id", id);
        vn.put("label", label);
        vn.put("description", body.path("description").asText(""));
        vn.put("vn_type", vnType);
        String zone = Json.text(body, "security_zone_id");
        if (vnType.equals("vxlan") && (zone == null || zone.isEmpty())) {
            throw ApiException.unprocessable(
                    "security_zone_id", "Routing zone is required for a vxlan virtual network");
        }
        if (zone != null && !zone.isEmpty() && !b.staging.zones.containsKey(zone)) {
            throw ApiException.unprocessable("security_zone_id", "No node with id: " + zone);
        }
        if (zone == null || zone.isEmpty()) {
            vn.putNull("security_zone_id");
        } else {
            vn.put("security_zone_id", zone);
        }
        if (apstra.atLeast(6, 2)) {
            String swz = Json.text(body, "switching_zone_id");
            vn.put("switching_zone_id", swz == null || swz.isEmpty() ? b.defaultSwitchingZoneId : swz);
        }
        // VNI: a string on the wire (ANS: "vn_id must remain a string per the API spec").
        JsonNode vni = body.get("vn_id");
        if (vnType.equals("vxlan")) {
            int value;
            if (vni == null || vni.isNull() || vni.asText().isEmpty()) {
                // (inferred) Apstra keeps a VN's pool allocation when an update leaves vn_id to it;
                // allocating again would change the VNI on every PUT that omits it.
                Integer kept = existing == null ? null : currentVni(existing);
                value = kept != null ? kept : allocateVni(b, id);
            } else {
                try {
                    value = Integer.parseInt(vni.asText());
                } catch (NumberFormatException e) {
                    throw ApiException.unprocessable("vn_id", "Not a valid integer.");
                }
                if (value < BlueprintState.MIN_VNI || value > BlueprintState.MAX_VNI) {
                    // (inferred) Apstra's VNI pools accept 4096..16777214.
                    throw ApiException.unprocessable(
                            "vn_id",
                            "Value should be at least " + BlueprintState.MIN_VNI + " and at most "
                                    + BlueprintState.MAX_VNI);
                }
                if (b.staging.vniInUse(value, id)) {
                    throw ApiException.unprocessable("vn_id", "VNI " + value + " is already in use");
                }
            }
            vn.put("vn_id", String.valueOf(value));
            vn.put("route_target", value + ":1");
        } else {
            vn.putNull("vn_id");
            vn.putNull("route_target");
        }
        JsonNode reserved = body.get("reserved_vlan_id");
        if (reserved != null && !reserved.isNull()) {
            vn.put("reserved_vlan_id", vlan(reserved, "reserved_vlan_id"));
        } else {
            vn.putNull("reserved_vlan_id");
        }
        ArrayNode bound = vn.putArray("bound_to");
        JsonNode bt = body.path("bound_to");
        if (!bt.isMissingNode() && !bt.isNull() && !bt.isArray()) {
            throw ApiException.unprocessable("bound_to", "Not a valid list.");
        }
        if (bt.size() == 0 && !apstra.atLeast(5, 0) && !vnType.equals("disabled")) {
            throw ApiException.unprocessable("bound_to", "Virtual network must be bound to at least one system");
        }
        if (vnType.equals("vlan") && bt.size() > 1) {
            throw ApiException.unprocessable("bound_to", "A vlan virtual network can be bound to one system only");
        }
        Integer vnVlan = null;
        Set<String> systems = new LinkedHashSet<>();
        for (int i = 0; i < bt.size(); i++) {
            JsonNode e = bt.get(i);
            String sys = e.path("system_id").asText("");
            if (!b.fabric.isLeaf(sys) && !b.fabric.isRedundancyGroup(sys)) {
                throw new ApiException(
                        422,
                        Json.nested(
                                "bound_to",
                                String.valueOf(i),
                                "system_id",
                                "No node with id: " + sys + " (expected a leaf or a redundancy group)"));
            }
            if (!systems.add(sys)) {
                throw new ApiException(
                        422,
                        Json.nested("bound_to", String.valueOf(i), "system_id", "System " + sys + " is bound twice"));
            }
            ObjectNode out = bound.addObject();
            out.put("system_id", sys);
            ArrayNode acc = out.putArray("access_switch_node_ids");
            e.path("access_switch_node_ids").forEach(acc::add);
            JsonNode v = e.get("vlan_id");
            if (v != null && !v.isNull()) {
                int value;
                try {
                    value = vlan(v, "vlan_id");
                } catch (ApiException ex) {
                    throw new ApiException(
                            422,
                            Json.nested(
                                    "bound_to",
                                    String.valueOf(i),
                                    "vlan_id",
                                    "Value should be at least 1 and at most 4094"));
                }
                out.put("vlan_id", value);
                if (vnVlan == null) {
                    vnVlan = value;
                }
            } else {
                out.putNull("vlan_id");
            }
        }
        // Apstra picks a VLAN when none is given; one per VN, reused on every binding and kept by updates.
        for (JsonNode e : bound) {
            if (e.get("vlan_id").isNull()) {
                if (vnVlan == null) {
                    Integer kept = existing == null ? null : currentVlan(existing);
                    if (reserved != null && !reserved.isNull()) {
                        vnVlan = reserved.asInt();
                    } else if (kept != null) {
                        vnVlan = kept;
                    } else {
                        vnVlan = b.nextVlan++;
                    }
                }
                ((ObjectNode) e).put("vlan_id", vnVlan);
            }
        }
        vn.put("ipv4_enabled", body.path("ipv4_enabled").asBoolean(false));
        String subnet = Json.text(body, "ipv4_subnet");
        if (subnet != null && !subnet.isEmpty()) {
            if (!validCidr(subnet)) {
                throw ApiException.unprocessable("ipv4_subnet", "Not a valid IPv4 network: " + subnet);
            }
            vn.put("ipv4_subnet", subnet);
        } else {
            vn.putNull("ipv4_subnet");
        }
        vn.put(
                "virtual_gateway_ipv4_enabled",
                body.path("virtual_gateway_ipv4_enabled").asBoolean(false));
        Json.copyOrNull(body, vn, "virtual_gateway_ipv4");
        vn.put("ipv6_enabled", body.path("ipv6_enabled").asBoolean(false));
        Json.copyOrNull(body, vn, "ipv6_subnet");
        vn.put(
                "virtual_gateway_ipv6_enabled",
                body.path("virtual_gateway_ipv6_enabled").asBoolean(false));
        Json.copyOrNull(body, vn, "virtual_gateway_ipv6");
        String dhcp = body.path("dhcp_service").asText("dhcpServiceDisabled");
        if (!dhcp.equals("dhcpServiceEnabled") && !dhcp.equals("dhcpServiceDisabled")) {
            throw ApiException.unprocessable(
                    "dhcp_service", "Must be one of: dhcpServiceEnabled, dhcpServiceDisabled.");
        }
        vn.put("dhcp_service", dhcp);
        JsonNode mtu = body.get("l3_mtu");
        if (mtu != null && !mtu.isNull()) {
            int m = mtu.asInt(-1);
            if (!mtu.isIntegralNumber() || m < 1280 || m > 9216 || m % 2 != 0) {
                throw ApiException.unprocessable("l3_mtu", "Value must be an even number between 1280 and 9216");
            }
            vn.put("l3_mtu", m);
        } else {
            vn.putNull("l3_mtu");
        }
        ArrayNode svi = vn.putArray("svi_ips");
        body.path("svi_ips").forEach(svi::add);
        JsonNode rt = body.get("rt_policy");
        if (rt == null) {
            vn.putNull("rt_policy");
        } else {
            vn.set("rt_policy", rt);
        }
        Json.copyOrNull(body, vn, "virtual_mac");
        if (apstra.atLeast(6, 2)) {
            ArrayNode tags = vn.putArray("tags");
            body.path("tags").forEach(tags::add);
        }
        return vn;
    }

    /** The VNI a stored VN holds, or {@code null} when it has none (not vxlan). */
    private static @Nullable Integer currentVni(ObjectNode vn) {
        JsonNode v = vn.get("vn_id");
        return v == null || v.isNull() ? null : Integer.valueOf(v.asText());
    }

    /** The VLAN a stored VN uses on its bindings, or {@code null} when it has none. */
    private static @Nullable Integer currentVlan(ObjectNode vn) {
        for (JsonNode e : vn.path("bound_to")) {
            if (e.path("vlan_id").isInt()) {
                return e.get("vlan_id").asInt();
            }
        }
        return null;
    }

    private static int vlan(JsonNode v, String field) {
        if (!v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > 4094) {
            throw ApiException.unprocessable(field, "Value should be at least 1 and at most 4094");
        }
        return v.asInt();
    }

    private static boolean validCidr(String s) {
        Matcher m = IPV4_CIDR.matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return Integer.parseInt(m.group(5)) <= 32;
    }

    private int allocateVni(Blueprint b, String id) {
        while (b.staging.vniInUse(b.nextVni, id)) {
            b.nextVni++;
        }
        return b.nextVni++;
    }
}
