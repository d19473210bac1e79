package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A blueprint graph: typed nodes with attributes and typed, directed relationships. Node
 * attributes always include {@code id} and {@code type}, as in Apstra's {@code /nodes} and qe
 * answers. Not thread-safe; a built graph is only read.
 */
final class Graph {
    record Rel(String id, String type, String source, String target) {}

    private final Map<String, ObjectNode> nodes = new LinkedHashMap<>();
    private final Map<String, Rel> rels = new LinkedHashMap<>();
    private final Map<String, List<Rel>> out = new HashMap<>();
    private final Map<String, List<Rel>> in = new HashMap<>();

    ObjectNode add(String id, String type) {
        ObjectNode n = Json.obj();
        n.put("id", id);
        n.put("type", type);
        nodes.put(id, n);
        return n;
    }

    void relate(String type, String source, String target) {
        Rel r = new Rel(Json.opaqueId("rel:" + type + ":" + source + ":" + target), type, source, target);
        rels.put(r.id(), r);
        out.computeIfAbsent(source, k -> new ArrayList<>()).add(r);
        in.computeIfAbsent(target, k -> new ArrayList<>()).add(r);
    }

    @Nullable
    ObjectNode node(String id) {
        return nodes.get(id);
    }

    /**
     * The node with {@code id}, for ids the emulator itself put in the graph (a fabric link, an
     * interface's host); a missing one is an emulator bug, not a client error.
     */
    ObjectNode require(String id) {
        ObjectNode n = nodes.get(id);
        if (n == null) {
            throw new IllegalStateException("blueprint graph has no node " + id);
        }
        return n;
    }

    Collection<ObjectNode> nodes() {
        return nodes.values();
    }

    Collection<Rel> relationships() {
        return rels.values();
    }

    List<Rel> out(String id) {
        return out.getOrDefault(id, List.of());
    }

    List<Rel> in(String id) {
        return in.getOrDefault(id, List.of());
    }

    /** Ids of nodes reached from {@code id} over outgoing relationships of {@code type}. */
    List<String> outIds(String id, String type) {
        List<String> r = new ArrayList<>();
        for (Rel rel : out(id)) {
            if (rel.type().equals(type)) {
                r.add(rel.target());
            }
        }
        return r;
    }

    /** Ids of nodes reaching {@code id} over incoming relationships of {@code type}. */
    List<String> inIds(String id, String type) {
        List<String> r = new ArrayList<>();
        for (Rel rel : in(id)) {
            if (rel.type().equals(type)) {
                r.add(rel.source());
            }
        }
        return r;
    }

    /** Copies all of {@code other}'s nodes (deeply) and relationships into this graph. */
    void addAll(Graph other) {
        other.nodes.forEach((id, n) -> nodes.put(id, n.deepCopy()));
        for (Rel r : other.rels.values()) {
            rels.put(r.id(), r);
            out.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(r);
            in.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r);
        }
    }
}
