package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The static part of a blueprint graph built from a {@link Topology}: systems (spine, leaf,
 * generic), ESI redundancy groups, interfaces (ethernet and port-channel, including the
 * multi-chassis aggregate hosted by the redundancy group), links and the relationships Apstra uses
 * between them ({@code hosted_interfaces}, {@code link}, {@code composed_of}, {@code
 * composed_of_systems}, {@code part_of_redundancy_group}). Immutable after construction.
 */
final class Fabric {
    private final Graph graph = new Graph();
    private final Map<String, String> systemIdsByLabel = new LinkedHashMap<>();
    private final Map<String, String> rgByLeaf = new HashMap<>();
    private final Map<String, String> hostOfInterface = new HashMap<>();
    private final List<String> linkIds = new ArrayList<>();

    Fabric(Topology topology) {
        int spineIndex = 0;
        for (String s : topology.spines()) {
            system(s, "spine", "switch", "SPN" + String.format(Locale.ROOT, "%05d", ++spineIndex));
        }
        int leafIndex = 0;
        for (String l : topology.leafs()) {
            system(l, "leaf", "switch", "LF" + String.format(Locale.ROOT, "%06d", ++leafIndex));
        }
        // Spine-leaf fabric links so the graph looks like a two-stage Clos.
        int sIdx = 0;
        for (String s : topology.spines()) {
            int lIdx = 0;
            for (String l : topology.leafs()) {
                String sif = iface(s, "et-0/0/" + lIdx, "ethernet");
                String lif = iface(l, "et-0/0/" + (48 + sIdx), "ethernet");
                link(s + "<->" + l, "spine_leaf", "ethernet", sif, lif);
                lIdx++;
            }
            sIdx++;
        }
        for (Map.Entry<String, List<String>> p : topology.leafPairs().entrySet()) {
            String rg = Json.opaqueId("rg:" + p.getKey());
            ObjectNode n = graph.add(rg, "redundancy_group");
            n.put("label", p.getKey());
            n.put("rg_type", topology.pairType(p.getKey()));
            systemIdsByLabel.put(p.getKey(), rg);
            for (String leaf : p.getValue()) {
                String leafId = requireSystemId(leaf);
                graph.relate("composed_of_systems", rg, leafId);
                graph.relate("part_of_redundancy_group", leafId, rg);
                rgByLeaf.put(leafId, rg);
            }
        }
        for (String server : topology.servers()) {
            system(server, "generic", "server", null);
        }
        for (Topology.Cable c : topology.cables()) {
            String sif = iface(c.server(), c.nic(), "ethernet");
            String lif = iface(c.leaf(), c.leafPort(), "ethernet");
            link(c.server() + "<->" + c.leaf() + ":" + c.leafPort(), "to_generic", "ethernet", sif, lif);
        }
        Map<String, Integer> portChannelIds = new HashMap<>();
        for (Topology.Lag lag : topology.lags()) {
            String bond = iface(lag.server(), lag.name(), "port_channel");
            Map<String, String> aeByLeaf = new LinkedHashMap<>();
            for (Topology.Cable c : lag.members()) {
                String sif = iface(c.server(), c.nic(), "ethernet");
                graph.relate("composed_of", bond, sif);
                String lif = iface(c.leaf(), c.leafPort(), "ethernet");
                link(c.server() + "<->" + c.leaf() + ":" + c.leafPort(), "to_generic", "ethernet", sif, lif);
                String ae = aeByLeaf.computeIfAbsent(c.leaf(), leaf -> {
                    int pc = portChannelIds.merge(leaf, 1, Integer::sum);
                    String id = iface(leaf, "ae" + pc, "port_channel");
                    ObjectNode n = graph.require(id);
                    n.put("port_channel_id", pc);
                    n.put("lag_mode", "lacp_active");
                    return id;
                });
                graph.relate("composed_of", ae, lif);
            }
            String leafSide;
            if (aeByLeaf.size() > 1) {
                String firstLeaf = aeByLeaf.keySet().iterator().next();
                String rg = rgByLeaf.get(requireSystemId(firstLeaf));
                if (rg == null) {
                    // Topology.build() only accepts a LAG over several leafs when they are one pair.
                    throw new IllegalStateException(
                            "lag " + lag.server() + "/" + lag.name() + ": leaf " + firstLeaf + " is in no leaf pair");
                }
                String rgLabel = graph.require(rg).get("label").asText();
                ObjectNode firstAe = graph.require(aeByLeaf.values().iterator().next());
                leafSide = iface(rgLabel, firstAe.get("if_name").asText(), "port_channel");
                ObjectNode mc = graph.require(leafSide);
                mc.put("port_channel_id", firstAe.get("port_channel_id").asInt());
                mc.put("lag_mode", "lacp_active");
                for (String ae : aeByLeaf.values()) {
                    graph.relate("composed_of", leafSide, ae);
                }
            } else {
                leafSide = aeByLeaf.values().iterator().next();
            }
            link(lag.server() + "<->" + lag.name(), "to_generic", "aggregate_link", bond, leafSide);
        }
        for (String tag : topology.linkTags()) {
            String tagId = Json.opaqueId("tag:" + tag);
            ObjectNode t = graph.add(tagId, "tag");
            t.put("label", tag);
            t.putNull("description");
            for (String linkId : linkIds) {
                if ("to_generic".equals(Json.text(graph.require(linkId), "role"))) {
                    graph.relate("tag", tagId, linkId);
                }
            }
        }
    }

    /** Blueprint tag labels on a link. */
    List<String> tagsOf(String linkId) {
        List<String> out = new ArrayList<>();
        for (String t : graph.inIds(linkId, "tag")) {
            out.add(graph.require(t).get("label").asText());
        }
        return out;
    }

    private void system(String label, String role, String systemType, @Nullable String serial) {
        String id = Json.opaqueId("sys:" + label);
        ObjectNode n = graph.add(id, "system");
        n.put("label", label);
        n.put("hostname", label);
        n.put("role", role);
        n.put("system_type", systemType);
        if (serial == null) {
            n.putNull("system_id");
        } else {
            n.put("system_id", serial);
        }
        n.put("deploy_mode", "deploy");
        n.putNull("group_label");
        systemIdsByLabel.put(label, id);
    }

    private String iface(String systemLabel, String ifName, String ifType) {
        String id = Json.opaqueId("if:" + systemLabel + ":" + ifName);
        if (graph.node(id) != null) {
            return id;
        }
        ObjectNode n = graph.add(id, "interface");
        n.put("if_name", ifName);
        n.put("if_type", ifType);
        n.putNull("description");
        n.putNull("port_channel_id");
        n.putNull("lag_mode");
        String host = requireSystemId(systemLabel);
        graph.relate("hosted_interfaces", host, id);
        hostOfInterface.put(id, host);
        return id;
    }

    private void link(String label, String role, String linkType, String a, String b) {
        String id = Json.opaqueId("link:" + label);
        ObjectNode n = graph.add(id, "link");
        n.put("label", label);
        n.put("role", role);
        n.put("link_type", linkType);
        n.put("speed", "10G");
        graph.relate("link", a, id);
        graph.relate("link", b, id);
        linkIds.add(id);
    }

    /** The id of a system or leaf pair the topology declares; Topology.build() checked the labels. */
    private String requireSystemId(String label) {
        String id = systemIdsByLabel.get(label);
        if (id == null) {
            throw new IllegalStateException("topology names " + label + " before declaring it");
        }
        return id;
    }

    Graph graph() {
        return graph;
    }

    @Nullable
    String systemId(String label) {
        return systemIdsByLabel.get(label);
    }

    boolean isLeaf(String id) {
        ObjectNode n = graph.node(id);
        return n != null && "system".equals(Json.text(n, "type")) && "leaf".equals(Json.text(n, "role"));
    }

    boolean isRedundancyGroup(String id) {
        ObjectNode n = graph.node(id);
        return n != null && "redundancy_group".equals(Json.text(n, "type"));
    }

    @Nullable
    String redundancyGroupOf(String leafId) {
        return rgByLeaf.get(leafId);
    }

    List<String> membersOf(String rgId) {
        return graph.outIds(rgId, "composed_of_systems");
    }

    /** The system (or redundancy group) hosting an interface. */
    @Nullable
    String hostOf(String interfaceId) {
        return hostOfInterface.get(interfaceId);
    }

    /**
     * Like {@link #hostOf(String)} for an interface the fabric built (every one has a host), such
     * as an application point or a physical leaf port.
     */
    String requireHostOf(String interfaceId) {
        String host = hostOfInterface.get(interfaceId);
        if (host == null) {
            throw new IllegalStateException("interface " + interfaceId + " has no host system");
        }
        return host;
    }

    List<String> linkIds() {
        return linkIds;
    }

    /**
     * Whether {@code id} may carry a connectivity template: a leaf-side ethernet port that faces a
     * link and is not an aggregate member, a leaf port-channel that is not part of a multi-chassis
     * aggregate, or a multi-chassis aggregate hosted by a redundancy group (TF #1065, #694).
     */
    boolean isApplicationPoint(String id) {
        ObjectNode n = graph.node(id);
        if (n == null || !"interface".equals(Json.text(n, "type"))) {
            return false;
        }
        String host = hostOfInterface.get(id);
        if (host == null) {
            return false;
        }
        if (isRedundancyGroup(host)) {
            return true;
        }
        if (!isLeaf(host) || !graph.inIds(id, "composed_of").isEmpty()) {
            return false;
        }
        if ("port_channel".equals(Json.text(n, "if_type"))) {
            return true;
        }
        for (String linkId : graph.outIds(id, "link")) {
            if ("to_generic".equals(Json.text(graph.require(linkId), "role"))) {
                return true;
            }
        }
        return false;
    }

    /** The physical leaf ethernet ports behind an application point. */
    List<String> physicalLeafPorts(String apId) {
        List<String> out = new ArrayList<>();
        collectPhysical(apId, out);
        return out;
    }

    private void collectPhysical(String id, List<String> out) {
        List<String> members = graph.outIds(id, "composed_of");
        if (members.isEmpty()) {
            out.add(id);
        } else {
            for (String m : members) {
                collectPhysical(m, out);
            }
        }
    }

    /** All application points in graph order, for the application-point tree. */
    List<String> applicationPoints() {
        List<String> out = new ArrayList<>();
        for (ObjectNode n : graph.nodes()) {
            String id = n.get("id").asText();
            if (isApplicationPoint(id)) {
                out.add(id);
            }
        }
        return out;
    }
}
