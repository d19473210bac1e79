package io.fabricbinder.apstra;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One link of the cabling map ({@code experience/web/cabling-map}).
 *
 * @param id the link id
 * @param label the label, or null
 * @param role e.g. "to_generic", "spine_leaf"
 * @param type e.g. "ethernet", "aggregate_link"
 * @param speed e.g. "10G", or null
 * @param aggregateLinkId the LAG link this member belongs to, or null
 * @param tags link tags
 * @param endpoints both ends
 */
public record CablingLink(
        String id,
        @Nullable String label,
        @Nullable String role,
        @Nullable String type,
        @Nullable String speed,
        @Nullable String aggregateLinkId,
        List<String> tags,
        List<Endpoint> endpoints) {
    /** Copies. */
    public CablingLink {
        tags = List.copyOf(tags);
        endpoints = List.copyOf(endpoints);
    }

    /**
     * One end of a link.
     *
     * @param systemId the system node id
     * @param systemLabel the system label
     * @param systemRole e.g. "leaf", "generic"
     * @param interfaceId the interface node id
     * @param interfaceName e.g. "xe-0/0/1", or null
     * @param interfaceType e.g. "ethernet", "port_channel"
     */
    public record Endpoint(
            @Nullable String systemId,
            @Nullable String systemLabel,
            @Nullable String systemRole,
            @Nullable String interfaceId,
            @Nullable String interfaceName,
            @Nullable String interfaceType) {}
}
