package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.apstra.emulator.EmulatedApstra.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Routing (security) zones ({@code /security-zones}). */
final class SecurityZoneHandler {
    private final EmulatedApstra apstra;

    SecurityZoneHandler(EmulatedApstra apstra) {
        this.apstra = apstra;
    }

    Response listZones(Req r) {
        Blueprint b = apstra.bp(r);
        ObjectNode o = Json.obj();
        ObjectNode items = o.putObject("items");
        b.state(apstra.deployedType(r)).zones.forEach((k, v) -> items.set(k, v.deepCopy()));
        return Response.json(200, o);
    }

    private ObjectNode zoneOr404(Blueprint b, String id, boolean deployedStage) {
        ObjectNode z = b.state(deployedStage).zones.get(id);
        if (z == null) {
            throw ApiException.notFound("No security_zone with id: " + id);
        }
        return z;
    }

    Response getZone(Req r) {
        Blueprint b = apstra.bp(r);
        return Response.json(200, zoneOr404(b, r.seg(4), apstra.deployedType(r)).deepCopy());
    }

    Response createZone(Req r) {
        Blueprint b = apstra.bp(r);
        String id = b.newId("sz");
        ObjectNode z = normalizeZone(b, r.json(), id);
        b.staging.zones.put(id, z);
        apstra.changed(r, b);
        ObjectNode out = Json.obj();
        out.put("id", id);
        return Response.json(201, out);
    }

    Response putZone(Req r) {
        Blueprint b = apstra.bp(r);
        String id = r.seg(4);
        ObjectNode old = zoneOr404(b, id, false);
        return replaceZone(r, b, id, old, normalizeZone(b, r.json(), id));
    }

    Response patchZone(Req r) {
        Blueprint b = apstra.bp(r);
        String id = r.seg(4);
        ObjectNode old = zoneOr404(b, id, false);
        ObjectNode merged = old.deepCopy();
        r.json().properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        return replaceZone(r, b, id, old, normalizeZone(b, merged, id));
    }

    Response replaceZone(Req r, Blueprint b, String id, ObjectNode old, ObjectNode updated) {
        if (id.equals(b.defaultZoneId)) {
            throw ApiException.unprocessable("The default routing zone cannot be modified");
        }
        if (!updated.equals(old)) {
            b.staging.zones.put(id, updated);
            apstra.changed(r, b);
        }
        return Response.empty(204);
    }

    Response deleteZone(Req r) {
        Blueprint b = apstra.bp(r);
        String id = r.seg(4);
        ObjectNode z = zoneOr404(b, id, false);
        if (id.equals(b.defaultZoneId)) {
            throw ApiException.unprocessable("The default routing zone cannot be deleted");
        }
        List<String> vns = new ArrayList<>();
        b.staging.vns.values().forEach(v -> {
            if (id.equals(Json.text(v, "security_zone_id"))) {
                vns.add(v.get("label").asText());
            }
        });
        if (!vns.isEmpty()) {
            throw ApiException.unprocessable("Routing zone " + z.get("label").asText()
                    + " cannot be deleted because it is in use by virtual networks: " + String.join(", ", vns));
        }
        Set<String> cts = b.staging.ctsReferencing(id);
        if (!cts.isEmpty()) {
            throw ApiException.unprocessable("Routing zone " + z.get("label").asText()
                    + " cannot be deleted because it is in use by connectivity templates: " + String.join(", ", cts));
        }
        b.staging.zones.remove(id);
        apstra.changed(r, b);
        return Response.empty(204);
    }

    private ObjectNode normalizeZone(Blueprint b, ObjectNode body, String id) {
        String label = body.path("label").asText("");
        if (label.isEmpty()) {
            throw ApiException.unprocessable("label", "Missing data for required field.");
        }
        String vrf = body.path("vrf_name").asText(label);
        String szType = body.path("sz_type").asText("");
        if (!szType.equals("evpn")) {
            throw ApiException.unprocessable("sz_type", "Must be one of: evpn.");
        }
        for (ObjectNode other : b.staging.zones.values()) {
            if (other.get("id").asText().equals(id)) {
                continue;
            }
            if (other.get("label").asText().equals(label)) {
                throw ApiException.unprocessable("label", "Security zone with label '" + label + "' already exists");
            }
            if (other.get("vrf_name").asText().equals(vrf)) {
                throw ApiException.unprocessable(
                        "vrf_name", "Security zone with vrf_name '" + vrf + "' already exists");
            }
        }
        ObjectNode z = Json.obj();
        z.put("id", id);
        z.put("label", label);
        z.put("vrf_name", vrf);
        z.put("sz_type", szType);
        JsonNode vni = body.get("vni_id");
        int vniValue;
        if (vni == null || vni.isNull()) {
            while (b.staging.vniInUse(b.nextZoneVni, id)) {
                b.nextZoneVni++;
            }
            vniValue = b.nextZoneVni++;
        } else {
            if (!vni.isIntegralNumber()
                    || vni.asInt() < BlueprintState.MIN_VNI
                    || vni.asInt() > BlueprintState.MAX_VNI) {
                throw ApiException.unprocessable(
                        "vni_id",
                        "Value should be at least " + BlueprintState.MIN_VNI + " and at most "
                                + BlueprintState.MAX_VNI);
            }
            vniValue = vni.asInt();
            if (b.staging.vniInUse(vniValue, id)) {
                throw ApiException.unprocessable("vni_id", "VNI " + vniValue + " is already in use");
            }
        }
        z.put("vni_id", vniValue);
        JsonNode vl = body.get("vlan_id");
        if (vl == null || vl.isNull()) {
            z.put("vlan_id", b.nextZoneVlan++);
        } else {
            if (!vl.isIntegralNumber() || vl.asInt() < 2 || vl.asInt() > 4094) {
                throw ApiException.unprocessable("vlan_id", "Value should be at least 2 and at most 4094");
            }
            z.put("vlan_id", vl.asInt());
        }
        z.put("route_target", vniValue + ":1");
        Json.copyOrNull(body, z, "rt_policy");
        String rp = Json.text(body, "routing_policy_id");
        z.put("routing_policy_id", rp == null ? Json.opaqueId("rp:default:" + b.id) : rp);
        z.put("junos_evpn_irb_mode", body.path("junos_evpn_irb_mode").asText("asymmetric"));
        if (apstra.atLeast(5, 0)) {
            z.put("vrf_description", body.path("vrf_description").asText(""));
            ArrayNode tags = z.putArray("tags");
            body.path("tags").forEach(tags::add);
        }
        if (apstra.atLeast(6, 1)) {
            String as = body.path("addressing_support").asText("ipv4");
            boolean disable = body.path("disable_ipv4").asBoolean(false);
            if (disable && !as.equals("ipv6")) {
                throw ApiException.unprocessable(
                        "disable_ipv4", "IPv4 support can only be disabled when addressing_support=\"ipv6\"");
            }
            z.put("addressing_support", as);
            z.put("disable_ipv4", disable);
        }
        return z;
    }
}
