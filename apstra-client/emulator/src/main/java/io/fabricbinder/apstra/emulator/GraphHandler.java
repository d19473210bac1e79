package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.apstra.emulator.EmulatedApstra.Response;
import java.util.List;

/** Graph reads: the query engine ({@code /qe}), nodes and the cabling map. */
final class GraphHandler {
    private final EmulatedApstra apstra;

    GraphHandler(EmulatedApstra apstra) {
        this.apstra = apstra;
    }

    Response qe(Req r) {
        Blueprint b = apstra.bp(r);
        String q = r.json().path("query").asText("");
        if (q.isEmpty()) {
            throw ApiException.unprocessable("query", "Missing data for required field.");
        }
        try {
            return Response.json(200, Qe.run(b.graph(apstra.deployedType(r)), q));
        } catch (Qe.QeException e) {
            // (inferred) The status of a qe parse error is not in the sources; Apstra's 422 field shape is used.
            throw ApiException.unprocessable("query", e.getMessage());
        }
    }

    private ObjectNode cablingLink(Blueprint b, String linkId) {
        Graph g = b.fabric.graph();
        ObjectNode l = g.require(linkId);
        ObjectNode o = Json.obj();
        o.put("id", linkId);
        o.put("label", l.path("label").asText());
        o.put("role", l.path("role").asText());
        o.put("type", l.path("link_type").asText());
        o.put("speed", l.path("speed").asText());
        String agg = null;
        ArrayNode eps = Json.arr();
        for (String ifId : g.inIds(linkId, "link")) {
            ObjectNode ifn = g.require(ifId);
            ObjectNode ep = eps.addObject();
            ObjectNode i = ep.putObject("interface");
            i.put("id", ifId);
            i.put("if_name", ifn.path("if_name").asText());
            i.put("if_type", ifn.path("if_type").asText());
            i.set("port_channel_id", ifn.get("port_channel_id"));
            i.set("lag_mode", ifn.get("lag_mode"));
            i.putNull("ipv4_addr");
            String host = b.fabric.hostOf(ifId);
            ObjectNode hn = host == null ? null : g.node(host);
            ObjectNode sys = ep.putObject("system");
            sys.put("id", host);
            sys.put("role", hn == null ? null : Json.text(hn, "role"));
            sys.put("label", hn == null ? null : Json.text(hn, "label"));
            for (String bond : g.inIds(ifId, "composed_of")) {
                if (hn != null && b.fabric.hostOf(bond) != null && "server".equals(Json.text(hn, "system_type"))) {
                    List<String> aggLinks = g.outIds(bond, "link");
                    if (!aggLinks.isEmpty()) {
                        agg = aggLinks.get(0);
                    }
                }
            }
        }
        if (agg == null) {
            o.putNull("aggregate_link_id");
        } else {
            o.put("aggregate_link_id", agg);
        }
        o.putNull("group_label");
        ArrayNode tags = o.putArray("tags");
        b.fabric.tagsOf(linkId).forEach(tags::add);
        o.set("endpoints", eps);
        return o;
    }

    private ArrayNode cablingLinks(Req r, Blueprint b) {
        boolean aggregates = "true".equalsIgnoreCase(String.valueOf(r.param("aggregate_links")));
        String only = r.param("system_node_id");
        ArrayNode links = Json.arr();
        for (String id : b.fabric.linkIds()) {
            ObjectNode link = cablingLink(b, id);
            if (!aggregates && "aggregate_link".equals(Json.text(link, "type"))) {
                continue;
            }
            if (only != null) {
                boolean touches = false;
                for (JsonNode ep : link.path("endpoints")) {
                    touches |= only.equals(ep.path("system").path("id").asText());
                }
                if (!touches) {
                    continue;
                }
            }
            links.add(link);
        }
        return links;
    }

    Response cablingMap(Req r) {
        Blueprint b = apstra.bp(r);
        ObjectNode o = Json.obj();
        o.set("links", cablingLinks(r, b));
        return Response.json(200, o);
    }

    Response cablingMapLegacy(Req r) {
        Blueprint b = apstra.bp(r);
        ObjectNode o = Json.obj();
        o.put("version", b.version);
        o.set("links", cablingLinks(r, b));
        return Response.json(200, o);
    }

    Response listNodes(Req r) {
        Blueprint b = apstra.bp(r);
        String type = r.param("node_type");
        ObjectNode o = Json.obj();
        ObjectNode nodes = o.putObject("nodes");
        for (ObjectNode n : b.graph(apstra.deployedType(r)).nodes()) {
            if (type == null || type.equals(Json.text(n, "type"))) {
                nodes.set(n.get("id").asText(), n.deepCopy());
            }
        }
        return Response.json(200, o);
    }

    Response getNode(Req r) {
        Blueprint b = apstra.bp(r);
        ObjectNode n = b.graph(apstra.deployedType(r)).node(r.seg(4));
        if (n == null) {
            throw ApiException.notFound("No node with id: " + r.seg(4));
        }
        return Response.json(200, n.deepCopy());
    }
}
