package io.fabricbinder.apstra;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A connectivity template (CT) as read from {@code obj-policy-export}: the visible root policy and
 * what its VLAN primitives attach.
 *
 * @param id the root policy id (what is assigned to application points)
 * @param label the CT name
 * @param description free text
 * @param tags tags
 * @param taggedVnIds VN ids attached tagged (AttachSingleVLAN vlan_tagged, AttachMultipleVLAN)
 * @param untaggedVnId the VN attached untagged, or null
 * @param primitiveTypes the {@code policy_type_name} of each primitive, e.g. AttachSingleVLAN
 */
public record ConnectivityTemplate(
        String id,
        String label,
        @Nullable String description,
        List<String> tags,
        List<String> taggedVnIds,
        @Nullable String untaggedVnId,
        List<String> primitiveTypes) {
    /** Validates and copies. */
    public ConnectivityTemplate {
        Objects.requireNonNull(id, "ConnectivityTemplate.id");
        Objects.requireNonNull(label, "ConnectivityTemplate.label");
        tags = List.copyOf(tags);
        taggedVnIds = List.copyOf(taggedVnIds);
        primitiveTypes = List.copyOf(primitiveTypes);
    }

    /** Whether this CT is exactly one tagged VLAN for {@code vnId} (as {@code createTaggedVlan} makes). */
    public boolean isSingleTaggedVlanFor(String vnId) {
        return primitiveTypes.equals(List.of("AttachSingleVLAN"))
                && taggedVnIds.equals(List.of(vnId))
                && untaggedVnId == null;
    }
}
