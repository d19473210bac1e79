package io.fabricbinder.apstra;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One node of a QE result: its id, type, label and every attribute Apstra returned.
 *
 * @param id the node id
 * @param type the node type, e.g. "system"
 * @param label the label, or null
 * @param attributes all attributes as plain Java values (String, Number, Boolean, List, Map)
 */
public record GraphNode(
        String id, @Nullable String type, @Nullable String label, Map<String, Object> attributes) {
    /** Copies. Null attribute values are dropped. */
    public GraphNode {
        Objects.requireNonNull(id, "GraphNode.id");
        java.util.LinkedHashMap<String, Object> copy = new java.util.LinkedHashMap<>();
        attributes.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        attributes = java.util.Collections.unmodifiableMap(copy);
    }

    /** The attribute as text, or null when absent. */
    public @Nullable String attribute(String name) {
        Object v = attributes.get(name);
        return v == null ? null : v.toString();
    }
}
