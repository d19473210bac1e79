package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.apstra.emulator.EmulatedApstra.Response;

/** Resource groups ({@code /resource_groups}): which pools a blueprint allocates from. */
final class ResourceGroupHandler {
    private final EmulatedApstra apstra;

    ResourceGroupHandler(EmulatedApstra apstra) {
        this.apstra = apstra;
    }

    Response listResourceGroups(Req r) {
        Blueprint b = apstra.bp(r);
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("items");
        b.state(apstra.deployedType(r)).resourceGroups.values().forEach(items::add);
        return Response.json(200, o);
    }

    Response putResourceGroup(Req r) {
        Blueprint b = apstra.bp(r);
        JsonNode pools = r.json().get("pool_ids");
        if (pools == null || !pools.isArray()) {
            throw ApiException.unprocessable("pool_ids", "Missing data for required field.");
        }
        ObjectNode g = Json.obj();
        g.put("type", r.seg(4));
        g.put("name", r.seg(5));
        g.set("pool_ids", pools);
        ObjectNode old = b.staging.resourceGroups.put(r.seg(4) + "/" + r.seg(5), g);
        if (!g.equals(old)) {
            apstra.changed(r, b);
        }
        return Response.empty(204);
    }
}
