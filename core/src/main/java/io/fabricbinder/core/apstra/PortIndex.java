package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.Graph;
import io.fabricbinder.apstra.GraphNode;
import io.fabricbinder.apstra.Leaf;
import io.fabricbinder.apstra.Qe;
import io.fabricbinder.apstra.QeQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Leaf ports of a blueprint and the application points that carry them, from the graph:
 * (leaf label, interface name) to the node connectivity templates are assigned to (two graph queries) — the ESI/MLAG
 * aggregate when the port is a member of one, else the LAG, else the physical port (apstra-api.md
 * §5 "Which node is the application point") — and back from an application point to its member
 * ports. Immutable after {@link #load}.
 */
final class PortIndex {

    /** A leaf port: leaf label and interface name. */
    record Port(String leaf, String port) {}

    private final Map<Port, String> pointOfPort = new HashMap<>();
    private final Map<String, List<Port>> portsOfPoint = new HashMap<>();
    private final Map<String, String> leafIdByLabel = new TreeMap<>();

    private PortIndex() {}

    static PortIndex load(Graph graph) {
        PortIndex idx = new PortIndex();
        // Two plain queries joined here rather than one match with optionals: an optional whose
        // anchor is an earlier name is not reliably joined on that node (seen on the emulator).
        QeQuery ports = Qe.match(Qe.node("system")
                .where("role", "leaf")
                .name("leaf")
                .out("hosted_interfaces")
                .to("interface")
                .where("if_type", "ethernet")
                .name("leaf_if"));
        QeQuery aggregates = Qe.match(Qe.node("interface")
                .name("member")
                .in("composed_of")
                .to("interface")
                .name("aggregate"));
        Map<String, String> parent = new HashMap<>();
        for (Map<String, GraphNode> row : graph.query(aggregates).items()) {
            GraphNode member = row.get("member");
            GraphNode aggregate = row.get("aggregate");
            if (member != null && aggregate != null) {
                parent.putIfAbsent(member.id(), aggregate.id());
            }
        }
        for (Map<String, GraphNode> row : graph.query(ports).items()) {
            GraphNode leaf = row.get("leaf");
            GraphNode leafIf = row.get("leaf_if");
            if (leaf == null || leafIf == null || leaf.label() == null) {
                continue;
            }
            String ifName = leafIf.attribute("if_name");
            if (ifName == null) {
                continue;
            }
            idx.leafIdByLabel.put(leaf.label(), leaf.id());
            // Apstra accepts only the outermost aggregate as application point (TF #1065, #694):
            // the ESI/MLAG aggregate over the LAG over the physical port.
            String point = leafIf.id();
            for (int depth = 0; depth < 2 && parent.containsKey(point); depth++) {
                point = parent.get(point);
            }
            Port port = new Port(leaf.label(), ifName);
            if (idx.pointOfPort.putIfAbsent(port, point) == null) {
                idx.portsOfPoint.computeIfAbsent(point, k -> new ArrayList<>()).add(port);
            }
        }
        return idx;
    }

    /** Every leaf (by label) with its ethernet interface names, sorted. */
    Map<String, java.util.Set<String>> portsByLeaf() {
        Map<String, java.util.Set<String>> out = new TreeMap<>();
        leafIdByLabel.keySet().forEach(l -> out.put(l, new java.util.TreeSet<>()));
        pointOfPort
                .keySet()
                .forEach(p -> out.computeIfAbsent(p.leaf(), k -> new java.util.TreeSet<>())
                        .add(p.port()));
        out.replaceAll((k, v) -> java.util.Collections.unmodifiableSet(v));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The application point carrying this leaf port, if the port exists. */
    Optional<String> pointOf(String leaf, String port) {
        return Optional.ofNullable(pointOfPort.get(new Port(leaf, port)));
    }

    /** The leaf ports an application point covers (several for an aggregate). */
    List<Port> portsOf(String point) {
        return portsOfPoint.getOrDefault(point, List.of());
    }

    /** The leaf system id, if a leaf has this label. */
    @Nullable
    String leafId(String leafLabel) {
        return leafIdByLabel.get(leafLabel);
    }

    /**
     * The system a VN is bound to for this leaf: its redundancy group when the leaf is in an
     * ESI/MLAG pair (apstra-api.md §3, TF #1042), else the leaf itself.
     */
    static Map<String, String> bindingSystemByLeafLabel(List<Leaf> leafs) {
        Map<String, String> out = new TreeMap<>();
        for (Leaf l : leafs) {
            if (l.label() != null) {
                out.put(l.label(), l.redundancyGroupId() != null ? l.redundancyGroupId() : l.id());
            }
        }
        return out;
    }
}
