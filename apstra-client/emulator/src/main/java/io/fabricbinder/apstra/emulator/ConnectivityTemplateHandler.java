package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.apstra.emulator.EmulatedApstra.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Connectivity templates: policy import and export, endpoint policies, batch apply and the
 * application-point tree.
 */
final class ConnectivityTemplateHandler {
    private static final Set<String> POLICY_TYPES = Set.of(
            "batch",
            "pipeline",
            "AttachSingleVLAN",
            "AttachMultipleVLAN",
            "AttachLogicalLink",
            "AttachStaticRoute",
            "AttachCustomStaticRoute",
            "AttachIpEndpointWithBgpNsxt",
            "AttachBgpOverSubinterfacesOrSvi",
            "AttachBgpWithPrefixPeeringForSviOrSubinterface",
            "AttachExistingRoutingPolicy",
            "AttachRoutingZoneConstraint");

    private final EmulatedApstra apstra;

    ConnectivityTemplateHandler(EmulatedApstra apstra) {
        this.apstra = apstra;
    }

    Response importPolicies(Req r) {
        Blueprint b = apstra.bp(r);
        JsonNode list = r.json().get("policies");
        if (list == null || !list.isArray()) {
            throw ApiException.unprocessable("policies", "Missing data for required field.");
        }
        Map<String, ObjectNode> incoming = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            String pid = p.path("id").asText("");
            if (!(p instanceof ObjectNode po) || pid.isEmpty()) {
                throw new ApiException(
                        422, Json.nested("policies", String.valueOf(i), "id", "Missing data for required field."));
            }
            String type = p.path("policy_type_name").asText("");
            if (!POLICY_TYPES.contains(type)) {
                throw new ApiException(
                        422,
                        Json.nested(
                                "policies",
                                String.valueOf(i),
                                "policy_type_name",
                                "Unknown policy type '" + type + "'"));
            }
            incoming.put(pid, po.deepCopy());
        }
        Map<String, ObjectNode> all = new LinkedHashMap<>(b.staging.policies);
        all.putAll(incoming);
        int i = 0;
        for (ObjectNode p : incoming.values()) {
            String where = String.valueOf(i++);
            JsonNode a = p.path("attributes");
            switch (p.get("policy_type_name").asText()) {
                case "batch" -> {
                    for (JsonNode s : a.path("subpolicies")) {
                        ObjectNode sp = all.get(s.asText());
                        if (sp == null || !"pipeline".equals(Json.text(sp, "policy_type_name"))) {
                            throw new ApiException(
                                    422,
                                    Json.nested(
                                            "policies",
                                            where,
                                            "attributes",
                                            "Endpoint policy with node id " + s.asText() + " does not exist"));
                        }
                    }
                }
                case "pipeline" -> {
                    for (String f : List.of("first_subpolicy", "second_subpolicy")) {
                        JsonNode ref = a.get(f);
                        if (ref != null && ref.isTextual() && !all.containsKey(ref.asText())) {
                            throw new ApiException(
                                    422,
                                    Json.nested(
                                            "policies",
                                            where,
                                            "attributes",
                                            "Endpoint policy with node id " + ref.asText() + " does not exist"));
                        }
                    }
                }
                case "AttachSingleVLAN" -> {
                    String tag = a.path("tag_type").asText("");
                    if (!tag.equals("vlan_tagged") && !tag.equals("untagged")) {
                        throw new ApiException(
                                422,
                                Json.nested(
                                        "policies",
                                        where,
                                        "attributes",
                                        "tag_type must be one of: vlan_tagged, untagged"));
                    }
                    checkVnRefs(b, p, where);
                }
                case "AttachMultipleVLAN" -> {
                    if (!a.path("tagged_vn_node_ids").isArray()) {
                        throw new ApiException(
                                422, Json.nested("policies", where, "attributes", "tagged_vn_node_ids must be a list"));
                    }
                    checkVnRefs(b, p, where);
                }
                default -> {}
            }
        }
        boolean differs = false;
        for (ObjectNode p : incoming.values()) {
            ObjectNode old = b.staging.policies.put(p.get("id").asText(), p);
            differs |= !p.equals(old);
        }
        if (differs) {
            apstra.changed(r, b);
        }
        return Response.empty(204);
    }

    private static void checkVnRefs(Blueprint b, ObjectNode p, String where) {
        for (String vn : Blueprint.vlanPrimitiveVns(p)) {
            if (!b.staging.vns.containsKey(vn)) {
                throw new ApiException(
                        422, Json.nested("policies", where, "attributes", "No virtual_network with id: " + vn));
            }
        }
    }

    Response exportPolicies(Req r) {
        Blueprint b = apstra.bp(r);
        BlueprintState s = b.state(apstra.deployedType(r));
        ObjectNode o = Json.obj();
        ArrayNode out = o.putArray("policies");
        if (r.segments.size() == 5) {
            String ct = r.seg(4);
            ObjectNode root = s.policies.get(ct);
            if (root == null) {
                // Apstra answers an unknown CT id here with a 500 from its facade (see reference §5).
                throw new ApiException(
                        500,
                        Json.errors("Error executing facade API GET /obj-policy-export/" + ct
                                + ": 'NoneType' object has no attribute 'id'"));
            }
            s.tree(ct).values().forEach(p -> out.add(p.deepCopy()));
        } else {
            s.policies.values().forEach(p -> out.add(p.deepCopy()));
        }
        return Response.json(200, o);
    }

    private ObjectNode endpointPolicySummary(BlueprintState s, ObjectNode p) {
        String id = p.get("id").asText();
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("label", p.path("label").asText(""));
        o.put("policy_type_name", p.path("policy_type_name").asText());
        int count = s.appPointsCount(id);
        o.put("status", count > 0 ? "assigned" : "ready");
        o.put("app_points_count", count);
        o.putObject("missing_attributes");
        o.put("visible", p.path("visible").asBoolean(false));
        return o;
    }

    Response listEndpointPolicies(Req r) {
        Blueprint b = apstra.bp(r);
        BlueprintState s = b.state(apstra.deployedType(r));
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("endpoint_policies");
        s.policies.values().forEach(p -> items.add(endpointPolicySummary(s, p)));
        return Response.json(200, o);
    }

    Response getEndpointPolicy(Req r) {
        Blueprint b = apstra.bp(r);
        BlueprintState s = b.state(apstra.deployedType(r));
        ObjectNode p = s.policies.get(r.seg(4));
        if (p == null) {
            throw ApiException.notFound("Endpoint policy with node id " + r.seg(4) + " does not exist");
        }
        ObjectNode o = Json.obj();
        o.set("endpoint_policy", endpointPolicySummary(s, p));
        return Response.json(200, o);
    }

    Response deleteEndpointPolicy(Req r) {
        Blueprint b = apstra.bp(r);
        String id = r.seg(4);
        if (!b.staging.policies.containsKey(id)) {
            throw ApiException.notFound("Endpoint policy with node id " + id + " does not exist");
        }
        int count = b.staging.appPointsCount(id);
        if (count > 0) {
            // (inferred) Apstra refuses to delete an assigned CT; clients unassign first (reference §5, delete order).
            throw ApiException.unprocessable(
                    "Endpoint policy " + id + " is assigned to " + count + " application point(s); unassign it first");
        }
        boolean recursive = "true".equalsIgnoreCase(String.valueOf(r.param("delete_recursive")));
        List<String> ids = recursive ? b.staging.treeOf(id) : List.of(id);
        ids.forEach(b.staging.policies::remove);
        apstra.changed(r, b);
        return Response.empty(204);
    }

    Response batchApply(Req r) {
        Blueprint b = apstra.bp(r);
        JsonNode aps = r.json().get("application_points");
        if (aps == null || !aps.isArray()) {
            throw ApiException.unprocessable("application_points", "Missing data for required field.");
        }
        ObjectNode byIndex = Json.obj();
        ObjectNode conflicts = Json.obj();
        Map<String, Set<String>> next = new LinkedHashMap<>();
        b.staging.assignments.forEach((k, v) -> next.put(k, new LinkedHashSet<>(v)));
        for (int i = 0; i < aps.size(); i++) {
            JsonNode ap = aps.get(i);
            String apId = ap.path("id").asText("");
            JsonNode pols = ap.path("policies");
            boolean validAp = b.fabric.isApplicationPoint(apId);
            for (int j = 0; j < pols.size(); j++) {
                JsonNode pol = pols.get(j);
                String ct = pol.path("policy").asText("");
                String err = null;
                if (!validAp) {
                    err = "Not a valid application point";
                } else {
                    ObjectNode root = b.staging.policies.get(ct);
                    if (root == null || !root.path("visible").asBoolean(false)) {
                        err = "Endpoint policy with node id " + ct + " does not exist";
                    }
                }
                if (err != null) {
                    ObjectNode slot = byIndex.has(String.valueOf(i))
                            ? (ObjectNode) byIndex.get(String.valueOf(i))
                            : byIndex.putObject(String.valueOf(i));
                    ObjectNode ps =
                            slot.has("policies") ? (ObjectNode) slot.get("policies") : slot.putObject("policies");
                    ps.put(String.valueOf(j), err);
                    continue;
                }
                Set<String> current = next.computeIfAbsent(apId, k -> new LinkedHashSet<>());
                if (pol.path("used").asBoolean(false)) {
                    if (!current.contains(ct)) {
                        addConflicts(b, apId, ct, current, conflicts);
                        current.add(ct);
                    }
                } else {
                    current.remove(ct);
                }
            }
        }
        if (byIndex.size() > 0 || conflicts.size() > 0) {
            ObjectNode err = Json.obj();
            err.put("error_code", 422);
            ObjectNode apErr = err.putObject("errors").putObject("application_points");
            apErr.setAll(byIndex);
            apErr.setAll(conflicts);
            throw new ApiException(422, err);
        }
        next.values().removeIf(Set::isEmpty);
        if (!next.equals(b.staging.assignments)) {
            b.staging.assignments.clear();
            b.staging.assignments.putAll(next);
            for (Map.Entry<String, Set<String>> e : next.entrySet()) {
                for (String ct : e.getValue()) {
                    autoBind(b, e.getKey(), ct);
                }
            }
            apstra.changed(r, b);
        }
        return Response.empty(204);
    }

    /** Adds TF #1065-style conflicts when a VN of {@code ct} is already on {@code apId} through another CT. */
    private void addConflicts(Blueprint b, String apId, String ct, Set<String> current, ObjectNode conflicts) {
        Map<String, String> vnToPrimitive = new LinkedHashMap<>();
        b.staging.tree(ct).forEach((pid, p) -> {
            for (String vn : Blueprint.vlanPrimitiveVns(p)) {
                vnToPrimitive.putIfAbsent(vn, pid);
            }
        });
        for (String other : current) {
            for (ObjectNode p : b.staging.tree(other).values()) {
                for (String vn : Blueprint.vlanPrimitiveVns(p)) {
                    String prim = vnToPrimitive.get(vn);
                    if (prim == null) {
                        continue;
                    }
                    String host = b.fabric.hostOf(apId);
                    ObjectNode hostNode = host == null ? null : b.fabric.graph().node(host);
                    String vnLabel = b.staging.vns.containsKey(vn)
                            ? b.staging.vns.get(vn).get("label").asText()
                            : vn;
                    ObjectNode slot =
                            conflicts.has(apId) ? (ObjectNode) conflicts.get(apId) : conflicts.putObject(apId);
                    ObjectNode c = Json.obj();
                    c.put("policy", other);
                    c.put(
                            "error",
                            "Unable to apply Virtual Network template. VN " + vnLabel
                                    + " is already configured on interface of system "
                                    + (hostNode == null
                                            ? ""
                                            : hostNode.path("label").asText()));
                    slot.withObjectProperty(ct)
                            .putObject(prim)
                            .putArray("conflicts")
                            .add(c);
                }
            }
        }
    }

    /**
     * (inferred) Applying a VN CT on a leaf where the VN is not bound makes Apstra instantiate it
     * there; the emulator adds the binding (on the redundancy group for ESI pairs).
     */
    private void autoBind(Blueprint b, String apId, String ct) {
        String host = b.fabric.hostOf(apId);
        if (host == null) {
            return;
        }
        String rg = b.fabric.isRedundancyGroup(host) ? null : b.fabric.redundancyGroupOf(host);
        String target = rg != null ? rg : host;
        for (ObjectNode p : b.staging.tree(ct).values()) {
            for (String vnId : Blueprint.vlanPrimitiveVns(p)) {
                ObjectNode vn = b.staging.vns.get(vnId);
                if (vn == null) {
                    continue;
                }
                boolean bound = false;
                for (JsonNode e : vn.path("bound_to")) {
                    String sys = e.path("system_id").asText();
                    bound |= sys.equals(target) || sys.equals(host);
                }
                if (!bound) {
                    ObjectNode e = ((ArrayNode) vn.get("bound_to")).addObject();
                    e.put("system_id", target);
                    e.putArray("access_switch_node_ids");
                    e.put("vlan_id", vlanOf(b, vn));
                }
            }
        }
    }

    private static int vlanOf(Blueprint b, ObjectNode vn) {
        for (JsonNode e : vn.path("bound_to")) {
            if (e.path("vlan_id").isInt()) {
                return e.get("vlan_id").asInt();
            }
        }
        if (vn.path("reserved_vlan_id").isInt()) {
            return vn.get("reserved_vlan_id").asInt();
        }
        return b.nextVlan++;
    }

    Response applicationPoints(Req r) {
        Blueprint b = apstra.bp(r);
        BlueprintState s = b.state(apstra.deployedType(r));
        String policy = r.param("policy");
        int max = parseInt(r.param("max_count"), Integer.MAX_VALUE);
        int offset = parseInt(r.param("offset_max_count"), 0);
        List<String> roots = new ArrayList<>();
        if (policy != null) {
            roots.add(policy);
        } else {
            s.policies.values().forEach(p -> {
                if (p.path("visible").asBoolean(false)) {
                    roots.add(p.get("id").asText());
                }
            });
        }
        List<String> aps = b.fabric.applicationPoints();
        List<String> page = aps.subList(Math.min(offset, aps.size()), (int) Math.min((long) offset + max, aps.size()));
        Map<String, ArrayNode> bySystem = new LinkedHashMap<>();
        Graph g = b.fabric.graph();
        for (String ap : page) {
            String host = b.fabric.requireHostOf(ap);
            ArrayNode children = bySystem.computeIfAbsent(host, k -> Json.arr());
            ObjectNode n = children.addObject();
            n.put("id", ap);
            n.put("label", g.require(ap).path("if_name").asText());
            n.put("type", "interface");
            n.putArray("tags");
            n.putArray("children");
            n.put("children_count", 0);
            ArrayNode ps = n.putArray("policies");
            Set<String> assigned = s.assignments.getOrDefault(ap, Set.of());
            for (String root : roots) {
                ObjectNode pe = ps.addObject();
                pe.put("policy", root);
                pe.put("state", assigned.contains(root) ? "used-directly" : "unused");
            }
        }
        ArrayNode systems = Json.arr();
        bySystem.forEach((sys, children) -> {
            ObjectNode n = systems.addObject();
            n.put("id", sys);
            n.put("label", g.require(sys).path("label").asText());
            n.put("type", b.fabric.isRedundancyGroup(sys) ? "redundancy_group" : "system");
            n.putArray("tags");
            n.set("children", children);
            n.put("children_count", children.size());
            n.putArray("policies");
        });
        ObjectNode rack = Json.obj();
        rack.put("id", Json.opaqueId("rack:" + b.id));
        rack.put("label", "rack_1");
        rack.put("type", "rack");
        rack.putArray("tags");
        rack.set("children", systems);
        rack.put("children_count", systems.size());
        rack.putArray("policies");
        ObjectNode pod = Json.obj();
        pod.put("id", Json.opaqueId("pod:" + b.id));
        pod.put("label", "pod_1");
        pod.put("type", "pod");
        pod.putArray("tags");
        pod.putArray("children").add(rack);
        pod.put("children_count", 1);
        pod.putArray("policies");
        ObjectNode o = Json.obj();
        ObjectNode root = o.putObject("application_points");
        root.putArray("children").add(pod);
        root.put("children_count", aps.size());
        ArrayNode types = o.putArray("node_types");
        types.add("pod").add("rack").add("system").add("redundancy_group").add("interface");
        return Response.json(200, o);
    }

    private static int parseInt(@Nullable String s, int dflt) {
        if (s == null) {
            return dflt;
        }
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw ApiException.unprocessable("max_count", "Not a valid integer.");
        }
    }
}
