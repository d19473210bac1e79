package io.fabricbinder.apstra;

import java.util.List;
import java.util.Map;

/**
 * The result of a QE query: each item maps the {@code name=} labels of the query to nodes. Names
 * under an {@code optional(...)} that did not match are absent from the item.
 *
 * @param count Apstra's count
 * @param items the rows
 */
public record QeResult(int count, List<Map<String, GraphNode>> items) {
    /** Copies. */
    public QeResult {
        items = items.stream().map(Map::copyOf).toList();
    }
}
