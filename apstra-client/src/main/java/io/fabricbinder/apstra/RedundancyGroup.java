package io.fabricbinder.apstra;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An ESI or MLAG leaf pair.
 *
 * @param id the redundancy_group node id (what VN bindings name)
 * @param label the label, or null
 * @param rgType "esi" or "mlag"
 * @param memberLeafIds the member leaf system ids
 */
public record RedundancyGroup(
        String id, @Nullable String label, @Nullable String rgType, List<String> memberLeafIds) {
    /** Copies. */
    public RedundancyGroup {
        memberLeafIds = List.copyOf(memberLeafIds);
    }
}
