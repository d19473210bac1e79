package io.fabricbinder.apstra;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/blueprints/{id}/errors}: build errors keyed by node and relationship id.
 *
 * @param nodes errors per node id
 * @param relationships errors per relationship id
 */
public record BuildErrors(Map<String, List<BuildError>> nodes, Map<String, List<BuildError>> relationships) {
    /** Copies the maps. */
    public BuildErrors {
        nodes = Map.copyOf(nodes);
        relationships = Map.copyOf(relationships);
    }

    /** Whether the blueprint has no build error at all. */
    public boolean isClean() {
        return nodes.isEmpty() && relationships.isEmpty();
    }

    /** The number of errors and warnings listed. */
    public int count() {
        return nodes.values().stream().mapToInt(List::size).sum()
                + relationships.values().stream().mapToInt(List::size).sum();
    }
}
