package io.fabricbinder.apstra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

final class RealGraph implements Graph {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final RealBlueprintClient bp;

    RealGraph(RealBlueprintClient bp) {
        this.bp = bp;
    }

    @Override
    public QeResult query(QeQuery query) {
        Objects.requireNonNull(query, "query");
        ObjectNode body = Json.object().put("query", query.text());
        JsonNode resp = bp.transport()
                .call(new Transport.Req("POST", bp.path("qe"), Map.of("type", "staging"), body, true, true));
        List<Map<String, GraphNode>> items = new ArrayList<>();
        for (JsonNode item : resp.path("items")) {
            Map<String, GraphNode> row = new LinkedHashMap<>();
            item.properties().forEach(e -> {
                if (e.getValue().isObject()) {
                    row.put(e.getKey(), node(e.getValue()));
                }
            });
            items.add(row);
        }
        return new QeResult(resp.path("count").asInt(items.size()), items);
    }

    static GraphNode node(JsonNode n) {
        Map<String, Object> attrs = Json.MAPPER.convertValue(n, MAP);
        return new GraphNode(
                n.path("id").asText(""),
                RealBlueprintClient.text(n, "type"),
                RealBlueprintClient.text(n, "label"),
                attrs);
    }

    @Override
    public List<Leaf> leafs() {
        Map<String, String> rgOfLeaf = new LinkedHashMap<>();
        for (RedundancyGroup rg : redundancyGroups()) {
            rg.memberLeafIds().forEach(m -> rgOfLeaf.put(m, rg.id()));
        }
        List<Leaf> out = new ArrayList<>();
        for (Map<String, GraphNode> row : query(
                        Qe.match(Qe.node("system").where("role", "leaf").name("leaf")))
                .items()) {
            GraphNode leaf = row.get("leaf");
            if (leaf != null) {
                out.add(new Leaf(leaf.id(), leaf.label(), leaf.attribute("hostname"), rgOfLeaf.get(leaf.id())));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public List<RedundancyGroup> redundancyGroups() {
        QeQuery q = Qe.match(Qe.node("redundancy_group")
                .name("rg")
                .out("composed_of_systems")
                .to("system")
                .where("role", "leaf")
                .name("member"));
        Map<String, GraphNode> groups = new LinkedHashMap<>();
        Map<String, Set<String>> members = new LinkedHashMap<>();
        for (Map<String, GraphNode> row : query(q).items()) {
            GraphNode rg = row.get("rg");
            GraphNode member = row.get("member");
            if (rg == null || member == null) {
                continue;
            }
            groups.putIfAbsent(rg.id(), rg);
            members.computeIfAbsent(rg.id(), k -> new LinkedHashSet<>()).add(member.id());
        }
        List<RedundancyGroup> out = new ArrayList<>();
        groups.forEach((id, rg) ->
                out.add(new RedundancyGroup(id, rg.label(), rg.attribute("rg_type"), List.copyOf(members.get(id)))));
        return List.copyOf(out);
    }

    @Override
    public List<ApplicationPoint> applicationPointsFacing(String serverLabel) {
        return points(serverLabel, null);
    }

    @Override
    public Optional<ApplicationPoint> applicationPointFacing(String serverLabel, String serverInterfaceName) {
        Objects.requireNonNull(serverInterfaceName, "serverInterfaceName");
        return points(serverLabel, serverInterfaceName).stream().findFirst();
    }

    private List<ApplicationPoint> points(String serverLabel, @Nullable String serverIfName) {
        Objects.requireNonNull(serverLabel, "serverLabel");
        Qe serverIf = Qe.node("system")
                .where("system_type", "server")
                .where("label", serverLabel)
                .name("gs")
                .out("hosted_interfaces")
                .to("interface");
        if (serverIfName != null) {
            serverIf = serverIf.where("if_name", serverIfName);
        }
        Qe path = serverIf.name("gs_if")
                .out("link")
                .to("link")
                .name("link")
                .in("link")
                .to("interface")
                .where("if_type", "ethernet")
                .name("leaf_if")
                .in("hosted_interfaces")
                .to("system")
                .where("system_type", "switch")
                .name("leaf");
        QeQuery q = Qe.match(
                path,
                Qe.optional(Qe.anyNode()
                        .name("leaf_if")
                        .in("composed_of")
                        .to("interface")
                        .name("ae")),
                // Anchored on leaf_if, which every row binds, not on the optional ae: an optional
                // that starts from a name the previous optional may have left unbound matches any
                // aggregate in the blueprint, tagging an unrelated ESI for a single-homed port.
                Qe.optional(Qe.anyNode()
                        .name("leaf_if")
                        .in("composed_of")
                        .to("interface")
                        .in("composed_of")
                        .to("interface")
                        .name("mc_ae")));
        Map<String, ApplicationPoint.Kind> kinds = new LinkedHashMap<>();
        Map<String, Set<String>> leafs = new LinkedHashMap<>();
        Map<String, Set<String>> leafIfs = new LinkedHashMap<>();
        Map<String, Set<String>> serverIfs = new LinkedHashMap<>();
        for (Map<String, GraphNode> row : query(q).items()) {
            GraphNode leafIf = row.get("leaf_if");
            GraphNode leaf = row.get("leaf");
            if (leafIf == null || leaf == null) {
                continue;
            }
            GraphNode ae = row.get("ae");
            GraphNode mcAe = row.get("mc_ae");
            // Apstra accepts only the outermost aggregate as application point (TF #1065, #694).
            String id;
            ApplicationPoint.Kind kind;
            if (mcAe != null) {
                id = mcAe.id();
                kind = ApplicationPoint.Kind.MULTI_CHASSIS_AGGREGATE;
            } else if (ae != null) {
                id = ae.id();
                kind = ApplicationPoint.Kind.LAG;
            } else {
                id = leafIf.id();
                kind = ApplicationPoint.Kind.PHYSICAL;
            }
            kinds.putIfAbsent(id, kind);
            leafs.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(leaf.id());
            leafIfs.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(leafIf.id());
            GraphNode gsIf = row.get("gs_if");
            Set<String> names = serverIfs.computeIfAbsent(id, k -> new LinkedHashSet<>());
            if (gsIf != null && gsIf.attribute("if_name") != null) {
                names.add(gsIf.attribute("if_name"));
            }
        }
        List<ApplicationPoint> out = new ArrayList<>();
        kinds.forEach((id, kind) -> out.add(new ApplicationPoint(
                id, kind, List.copyOf(leafs.get(id)), List.copyOf(leafIfs.get(id)), List.copyOf(serverIfs.get(id)))));
        return List.copyOf(out);
    }

    @Override
    public List<CablingLink> cablingMap() {
        JsonNode resp = bp.get(Map.of("aggregate_links", "true"), "experience", "web", "cabling-map");
        List<CablingLink> out = new ArrayList<>();
        for (JsonNode l : resp.path("links")) {
            List<String> tags = new ArrayList<>();
            l.path("tags")
                    .forEach(t -> tags.add(
                            t.isTextual() ? t.asText() : t.path("label").asText(t.toString())));
            List<CablingLink.Endpoint> eps = new ArrayList<>();
            for (JsonNode e : l.path("endpoints")) {
                JsonNode i = e.path("interface");
                JsonNode s = e.path("system");
                eps.add(new CablingLink.Endpoint(
                        RealBlueprintClient.text(s, "id"),
                        RealBlueprintClient.text(s, "label"),
                        RealBlueprintClient.text(s, "role"),
                        RealBlueprintClient.text(i, "id"),
                        RealBlueprintClient.text(i, "if_name"),
                        RealBlueprintClient.text(i, "if_type")));
            }
            out.add(new CablingLink(
                    l.path("id").asText(""),
                    RealBlueprintClient.text(l, "label"),
                    RealBlueprintClient.text(l, "role"),
                    RealBlueprintClient.text(l, "type"),
                    RealBlueprintClient.text(l, "speed"),
                    RealBlueprintClient.text(l, "aggregate_link_id"),
                    tags,
                    eps));
        }
        return List.copyOf(out);
    }

    @Override
    public Map<String, Object> lldp() {
        JsonNode resp = bp.get("cabling-map", "lldp");
        if (!resp.isObject()) {
            return Map.of();
        }
        return Json.MAPPER.convertValue(resp, MAP);
    }
}
