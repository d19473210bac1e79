package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

final class RealConnectivityTemplates implements ConnectivityTemplates {
    private static final int PAGE = 1000;

    private final RealBlueprintClient bp;

    RealConnectivityTemplates(RealBlueprintClient bp) {
        this.bp = bp;
    }

    @Override
    public String createTaggedVlan(String label, String vnId) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(vnId, "vnId");
        if (label.isBlank()) {
            throw new IllegalArgumentException("ConnectivityTemplate for VN " + vnId + ": label is blank");
        }
        String root = UUID.randomUUID().toString();
        String pipeline = UUID.randomUUID().toString();
        String primitive = UUID.randomUUID().toString();
        ArrayNode policies = Json.MAPPER.createArrayNode();
        ObjectNode batch = policies.addObject()
                .put("id", root)
                .put("policy_type_name", "batch")
                .put("label", label)
                .put("description", "")
                .put("visible", true);
        batch.putArray("tags");
        // user_data only holds the UI layout; (inferred) optional, but GO and CK always send it.
        batch.put("user_data", "{\"isSausage\":true,\"positions\":{}}");
        batch.putObject("attributes").putArray("subpolicies").add(pipeline);
        ObjectNode pipe = policies.addObject()
                .put("id", pipeline)
                .put("policy_type_name", "pipeline")
                .put("label", "Virtual Network (Single) (pipeline)")
                .put("description", "")
                .put("visible", false);
        pipe.putArray("tags");
        pipe.putObject("attributes")
                .put("first_subpolicy", primitive)
                .putNull("second_subpolicy")
                .putNull("resolver");
        ObjectNode vlan = policies.addObject()
                .put("id", primitive)
                .put("policy_type_name", "AttachSingleVLAN")
                .put("label", "Virtual Network (Single)")
                .put("description", "")
                .put("visible", false);
        vlan.putArray("tags");
        vlan.putObject("attributes").put("vn_node_id", vnId).put("tag_type", "vlan_tagged");
        ObjectNode body = Json.object();
        body.set("policies", policies);
        // The ids are ours, so repeating the import writes the same objects: safe to retry.
        bp.write("PUT", bp.path("obj-policy-import"), body, true);
        return root;
    }

    @Override
    public List<ConnectivityTemplate> list() {
        return parse(bp.get("obj-policy-export").path("policies"));
    }

    @Override
    public Optional<ConnectivityTemplate> find(String ctId) {
        Objects.requireNonNull(ctId, "ctId");
        JsonNode policies;
        try {
            policies = bp.get("obj-policy-export", ctId).path("policies");
        } catch (ApstraNotFoundException e) {
            return Optional.empty();
        } catch (ApstraHttpException e) {
            if (e.statusCode() == 500 && e.errorText().contains("NoneType")) {
                return Optional.empty();
            }
            throw e;
        }
        return parse(policies).stream().filter(c -> c.id().equals(ctId)).findFirst();
    }

    @Override
    public Optional<ConnectivityTemplate> findTaggedVlan(String vnId) {
        Objects.requireNonNull(vnId, "vnId");
        return list().stream()
                .filter(c -> c.isSingleTaggedVlanFor(vnId))
                .min(Comparator.comparing(ConnectivityTemplate::id));
    }

    @Override
    public void delete(String ctId) {
        Objects.requireNonNull(ctId, "ctId");
        bp.write("DELETE", bp.path("endpoint-policies", ctId), Map.of("delete_recursive", "true"), null, true);
    }

    @Override
    public void apply(Collection<CtAssignment> changes) {
        Objects.requireNonNull(changes, "changes");
        if (changes.isEmpty()) {
            return;
        }
        Map<String, Map<String, Boolean>> byPoint = new LinkedHashMap<>();
        for (CtAssignment c : changes) {
            Boolean previous = byPoint.computeIfAbsent(c.applicationPointId(), k -> new LinkedHashMap<>())
                    .put(c.connectivityTemplateId(), c.used());
            if (previous != null && previous != c.used()) {
                throw new IllegalArgumentException("CtAssignment: template " + c.connectivityTemplateId()
                        + " is both assigned and unassigned on application point " + c.applicationPointId());
            }
        }
        ObjectNode body = Json.object();
        ArrayNode points = body.putArray("application_points");
        byPoint.forEach((ap, cts) -> {
            ObjectNode point = points.addObject().put("id", ap);
            ArrayNode policies = point.putArray("policies");
            cts.forEach((ct, used) -> policies.addObject().put("policy", ct).put("used", used));
        });
        try {
            // Sets absolute used/unused states, so repeating it is harmless.
            bp.write("PATCH", bp.path("obj-policy-batch-apply"), body, true);
        } catch (ApstraHttpException e) {
            if (e.statusCode() == 422) {
                throw new ApstraAssignmentException(e, details(e, byPoint));
            }
            throw e;
        }
    }

    static List<ApplicationPointError> details(ApstraHttpException e, Map<String, Map<String, Boolean>> request) {
        List<String> pointIds = new ArrayList<>(request.keySet());
        List<ApplicationPointError> out = new ArrayList<>();
        JsonNode errors = e.errorsNode();
        JsonNode aps = errors == null ? null : errors.path("application_points");
        if (aps == null || !aps.isObject()) {
            out.add(new ApplicationPointError(null, null, e.errorText(), null));
            return out;
        }
        aps.properties().forEach(apEntry -> {
            String apKey = apEntry.getKey();
            String apId = resolve(apKey, pointIds);
            List<String> ctIds = apId != null && request.containsKey(apId)
                    ? new ArrayList<>(request.get(apId).keySet())
                    : List.of();
            JsonNode v = apEntry.getValue();
            if (v.isValueNode()) {
                out.add(new ApplicationPointError(apId, null, v.asText(), null));
                return;
            }
            v.properties().forEach(inner -> {
                if (inner.getKey().equals("policies") && inner.getValue().isObject()) {
                    // By index: {"policies":{"0":"Not a valid application point"}}
                    inner.getValue()
                            .properties()
                            .forEach(p -> out.add(new ApplicationPointError(
                                    apId, resolve(p.getKey(), ctIds), leafText(p.getValue()), null)));
                } else {
                    // By id: {"<ctId>":{"<primitiveId>":{"conflicts":[{"policy","error"}]}}}
                    collect(apId, inner.getKey(), inner.getValue(), out);
                }
            });
        });
        return out;
    }

    private static void collect(@Nullable String apId, String ctId, JsonNode node, List<ApplicationPointError> out) {
        if (node.isValueNode()) {
            out.add(new ApplicationPointError(apId, ctId, node.asText(), null));
            return;
        }
        JsonNode conflicts = node.path("conflicts");
        if (conflicts.isArray()) {
            for (JsonNode c : conflicts) {
                out.add(new ApplicationPointError(
                        apId, ctId, c.path("error").asText(c.toString()), RealBlueprintClient.text(c, "policy")));
            }
        }
        node.properties().forEach(e -> {
            if (!e.getKey().equals("conflicts")) {
                collect(apId, ctId, e.getValue(), out);
            }
        });
    }

    private static String leafText(JsonNode n) {
        return n.isValueNode() ? n.asText() : Json.flatten(n).toString();
    }

    /** Apstra reports some errors by position in the request; map the index back to our id. */
    private static @Nullable String resolve(String key, List<String> ids) {
        if (ids.contains(key)) {
            return key;
        }
        try {
            int i = Integer.parseInt(key);
            return i >= 0 && i < ids.size() ? ids.get(i) : key;
        } catch (NumberFormatException notIndex) {
            return key;
        }
    }

    @Override
    public Set<String> assignments(String ctId) {
        Objects.requireNonNull(ctId, "ctId");
        Set<String> used = new LinkedHashSet<>();
        for (int offset = 0; ; offset += PAGE) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("policy", ctId);
            query.put("max_count", String.valueOf(PAGE));
            query.put("offset_max_count", String.valueOf(offset));
            JsonNode tree = bp.get(query, "obj-policy-application-points").path("application_points");
            int[] points = {0};
            walk(tree, ctId, used, points);
            // (inferred) A page holding fewer than max_count points is the last one.
            if (points[0] < PAGE) {
                return used;
            }
        }
    }

    private static void walk(JsonNode node, String ctId, Set<String> used, int[] points) {
        JsonNode policies = node.path("policies");
        if (policies.isArray() && node.has("id")) {
            points[0]++;
            for (JsonNode p : policies) {
                if (ctId.equals(p.path("policy").asText())
                        && "used-directly".equals(p.path("state").asText())) {
                    used.add(node.path("id").asText());
                }
            }
        }
        for (JsonNode child : node.path("children")) {
            walk(child, ctId, used, points);
        }
    }

    static List<ConnectivityTemplate> parse(JsonNode policies) {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode p : policies) {
            byId.put(p.path("id").asText(), p);
        }
        List<ConnectivityTemplate> out = new ArrayList<>();
        for (JsonNode p : policies) {
            if (!p.path("visible").asBoolean(false)
                    || !"batch".equals(p.path("policy_type_name").asText())) {
                continue;
            }
            List<String> tagged = new ArrayList<>();
            List<String> types = new ArrayList<>();
            String[] untagged = {null};
            collectPrimitives(p, byId, tagged, untagged, types, new LinkedHashSet<>());
            List<String> tags = new ArrayList<>();
            p.path("tags").forEach(t -> tags.add(t.asText()));
            out.add(new ConnectivityTemplate(
                    p.path("id").asText(),
                    p.path("label").asText(""),
                    RealBlueprintClient.text(p, "description"),
                    tags,
                    tagged,
                    untagged[0],
                    types));
        }
        return out;
    }

    private static void collectPrimitives(
            JsonNode policy,
            Map<String, JsonNode> byId,
            List<String> tagged,
            @Nullable String[] untagged,
            List<String> types,
            Set<String> seen) {
        if (!seen.add(policy.path("id").asText())) {
            return;
        }
        String type = policy.path("policy_type_name").asText();
        JsonNode attrs = policy.path("attributes");
        switch (type) {
            case "batch" -> attrs.path("subpolicies").forEach(id -> follow(id, byId, tagged, untagged, types, seen));
            case "pipeline" -> {
                follow(attrs.path("first_subpolicy"), byId, tagged, untagged, types, seen);
                follow(attrs.path("second_subpolicy"), byId, tagged, untagged, types, seen);
            }
            default -> {
                types.add(type);
                if (type.equals("AttachSingleVLAN")) {
                    String vn = attrs.path("vn_node_id").asText("");
                    if ("untagged".equals(attrs.path("tag_type").asText())) {
                        untagged[0] = vn;
                    } else if (!vn.isEmpty()) {
                        tagged.add(vn);
                    }
                } else if (type.equals("AttachMultipleVLAN")) {
                    attrs.path("tagged_vn_node_ids").forEach(v -> tagged.add(v.asText()));
                    JsonNode u = attrs.path("untagged_vn_node_id");
                    if (u.isTextual()) {
                        untagged[0] = u.asText();
                    }
                }
            }
        }
    }

    private static void follow(
            JsonNode id,
            Map<String, JsonNode> byId,
            List<String> tagged,
            @Nullable String[] untagged,
            List<String> types,
            Set<String> seen) {
        if (id.isTextual() && byId.containsKey(id.asText())) {
            collectPrimitives(byId.get(id.asText()), byId, tagged, untagged, types, seen);
        }
    }
}
