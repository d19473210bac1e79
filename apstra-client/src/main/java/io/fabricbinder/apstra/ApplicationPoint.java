package io.fabricbinder.apstra;

import java.util.List;
import java.util.Objects;

/**
 * The node to assign connectivity templates to for the links between a server and its leafs.
 *
 * @param id the application point node id
 * @param kind what the node is
 * @param leafIds the leafs whose ports are covered
 * @param leafInterfaceIds the physical leaf interfaces covered
 * @param serverInterfaceNames the server-side interface names covered (when Apstra knows them)
 */
public record ApplicationPoint(
        String id, Kind kind, List<String> leafIds, List<String> leafInterfaceIds, List<String> serverInterfaceNames) {

    /** The kind of application point, in order of preference. */
    public enum Kind {
        /** The logical aggregate spanning both leafs of an ESI/MLAG pair. */
        MULTI_CHASSIS_AGGREGATE,
        /** A port-channel on one leaf. */
        LAG,
        /** A single physical leaf port. */
        PHYSICAL
    }

    /** Validates and copies. */
    public ApplicationPoint {
        Objects.requireNonNull(id, "ApplicationPoint.id");
        Objects.requireNonNull(kind, "ApplicationPoint.kind");
        leafIds = List.copyOf(leafIds);
        leafInterfaceIds = List.copyOf(leafInterfaceIds);
        serverInterfaceNames = List.copyOf(serverInterfaceNames);
    }
}
