package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One emulated two-stage L3 Clos blueprint: the static fabric, the staging and deployed stages,
 * the staging version counter, revisions and async tasks. Guarded by the emulator's lock.
 */
final class Blueprint {
    final String id;
    final String label;
    final Fabric fabric;
    final String defaultZoneId;
    final String defaultSwitchingZoneId;
    BlueprintState staging;
    BlueprintState deployed;
    int version = 1;
    int deployedVersion = 1;
    boolean dirty;

    @Nullable
    String lastChangedByUserId;

    @Nullable
    String lastChangedByUsername;

    Instant lastModifiedAt;
    ObjectNode deployStatus = Json.obj();
    final List<ObjectNode> revisions = new ArrayList<>();
    final Map<String, BlueprintState> revisionSnapshots = new LinkedHashMap<>();
    final Map<String, ObjectNode> tasks = new LinkedHashMap<>();
    int idCounter;
    int nextVni = 10_000;
    int nextZoneVni = 5_000;
    int nextVlan = 100;
    int nextZoneVlan = 2;
    private @Nullable Graph stagingGraph;
    private int stagingGraphVersion = -1;
    private @Nullable Graph deployedGraph;

    Blueprint(String id, String label, Topology topology, Instant now) {
        this.id = id;
        this.label = label;
        this.fabric = new Fabric(topology);
        this.defaultZoneId = Json.opaqueId("sz:default:" + id);
        this.defaultSwitchingZoneId = Json.opaqueId("swz:default:" + id);
        this.lastModifiedAt = now;
        staging = new BlueprintState();
        ObjectNode dz = Json.obj();
        dz.put("id", defaultZoneId);
        dz.put("label", "default");
        dz.put("vrf_name", "default");
        dz.put("sz_type", "l3_fabric");
        dz.putNull("vni_id");
        dz.putNull("vlan_id");
        dz.putNull("route_target");
        dz.putNull("rt_policy");
        dz.put("routing_policy_id", Json.opaqueId("rp:default:" + id));
        dz.putNull("junos_evpn_irb_mode");
        staging.zones.put(defaultZoneId, dz);
        deployed = staging.copy();
        deployStatus.put("state", "success");
        deployStatus.put("version", deployedVersion);
    }

    /** Records a staging change: bumps the version and marks uncommitted changes. */
    void touch(String userId, String username, Instant now) {
        version++;
        dirty = true;
        lastChangedByUserId = userId;
        lastChangedByUsername = username;
        lastModifiedAt = now;
    }

    String newId(String kind) {
        idCounter++;
        return Json.opaqueId(kind + ":" + id + ":" + idCounter);
    }

    BlueprintState state(boolean deployedStage) {
        return deployedStage ? deployed : staging;
    }

    Graph graph(boolean deployedStage) {
        if (deployedStage) {
            if (deployedGraph == null) {
                deployedGraph = build(deployed);
            }
            return deployedGraph;
        }
        if (stagingGraph == null || stagingGraphVersion != version) {
            stagingGraph = build(staging);
            stagingGraphVersion = version;
        }
        return stagingGraph;
    }

    void invalidateGraphs() {
        stagingGraph = null;
        deployedGraph = null;
    }

    /** The fabric graph plus zones, VNs, VN instances, endpoint policies and assignments. */
    private Graph build(BlueprintState s) {
        Graph g = new Graph();
        g.addAll(fabric.graph());
        for (ObjectNode z : s.zones.values()) {
            ObjectNode n = g.add(z.get("id").asText(), "security_zone");
            for (String f : List.of("label", "vrf_name", "sz_type", "vni_id", "vlan_id", "route_target")) {
                n.set(f, z.get(f));
            }
        }
        for (ObjectNode vn : s.vns.values()) {
            String vnId = vn.get("id").asText();
            ObjectNode n = g.add(vnId, "virtual_network");
            for (String f : List.of(
                    "label",
                    "description",
                    "vn_type",
                    "vn_id",
                    "reserved_vlan_id",
                    "ipv4_enabled",
                    "ipv4_subnet",
                    "virtual_gateway_ipv4",
                    "virtual_gateway_ipv4_enabled",
                    "l3_mtu")) {
                JsonNode v = vn.get(f);
                if (v == null) {
                    n.putNull(f);
                } else {
                    n.set(f, v);
                }
            }
            String zone = Json.text(vn, "security_zone_id");
            if (zone != null && g.node(zone) != null) {
                g.relate("member_vns", zone, vnId);
            }
            for (JsonNode b : vn.path("bound_to")) {
                String sys = b.path("system_id").asText();
                List<String> hosts = fabric.isRedundancyGroup(sys) ? fabric.membersOf(sys) : List.of(sys);
                for (String h : hosts) {
                    String vi = Json.opaqueId("vni:" + vnId + ":" + h);
                    ObjectNode inst = g.add(vi, "vn_instance");
                    inst.set("vlan_id", b.get("vlan_id"));
                    g.relate("hosted_vn_instances", h, vi);
                    g.relate("instantiated_by", vi, vnId);
                }
            }
        }
        for (ObjectNode p : s.policies.values()) {
            String pid = p.get("id").asText();
            ObjectNode n = g.add(pid, "ep_endpoint_policy");
            n.set("label", p.get("label"));
            n.set("description", p.get("description"));
            n.set("policy_type_name", p.get("policy_type_name"));
            n.put("visible", p.path("visible").asBoolean(false));
            n.set("attributes", p.get("attributes"));
        }
        for (ObjectNode p : s.policies.values()) {
            String pid = p.get("id").asText();
            JsonNode a = p.path("attributes");
            for (JsonNode sp : a.path("subpolicies")) {
                if (g.node(sp.asText()) != null) {
                    g.relate("ep_subpolicy", pid, sp.asText());
                }
            }
            if (a.path("first_subpolicy").isTextual()
                    && g.node(a.get("first_subpolicy").asText()) != null) {
                g.relate("ep_first_subpolicy", pid, a.get("first_subpolicy").asText());
            }
            if (a.path("second_subpolicy").isTextual()
                    && g.node(a.get("second_subpolicy").asText()) != null) {
                g.relate("ep_second_subpolicy", pid, a.get("second_subpolicy").asText());
            }
            for (String vnRef : vlanPrimitiveVns(p)) {
                if (g.node(vnRef) != null) {
                    g.relate("vn_to_attach", pid, vnRef);
                }
            }
        }
        for (Map.Entry<String, Set<String>> e : s.assignments.entrySet()) {
            for (String ct : e.getValue()) {
                String grp = Json.opaqueId("epg:" + e.getKey() + ":" + ct);
                g.add(grp, "ep_group");
                String app = Json.opaqueId("epa:" + e.getKey() + ":" + ct);
                g.add(app, "ep_application_instance");
                g.relate("ep_member_of", e.getKey(), grp);
                g.relate("ep_affected_by", app, grp);
                g.relate("ep_top_level", app, ct);
            }
        }
        return g;
    }

    /** The VN ids a VLAN primitive attaches (tagged and untagged). */
    static List<String> vlanPrimitiveVns(JsonNode p) {
        List<String> out = new ArrayList<>();
        JsonNode a = p.path("attributes");
        switch (p.path("policy_type_name").asText()) {
            case "AttachSingleVLAN" -> {
                if (a.path("vn_node_id").isTextual()) {
                    out.add(a.get("vn_node_id").asText());
                }
            }
            case "AttachMultipleVLAN" -> {
                if (a.path("untagged_vn_node_id").isTextual()) {
                    out.add(a.get("untagged_vn_node_id").asText());
                }
                a.path("tagged_vn_node_ids").forEach(v -> out.add(v.asText()));
            }
            default -> {}
        }
        return out;
    }
}
