package io.fabricbinder.apstra;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Graph queries ({@code POST /qe}) and the topology lookups FabricBinder needs. Obtain from {@link
 * BlueprintClient#graph()}. Thread-safe; blocking remote calls against the staging graph.
 */
public interface Graph {

    /** Runs a QE query on the staging graph. Read-only, so it is retried like a GET. */
    QeResult query(QeQuery query);

    /** The leaf switches, each with its redundancy group id when it is in an ESI/MLAG pair. */
    List<Leaf> leafs();

    /** The ESI/MLAG leaf pairs with their members. */
    List<RedundancyGroup> redundancyGroups();

    /**
     * The application points facing a server (generic system) by its label: for each link, the
     * ESI/MLAG aggregate if there is one, else the LAG, else the physical leaf port. Distinct by id.
     */
    List<ApplicationPoint> applicationPointsFacing(String serverLabel);

    /**
     * The application point facing one server interface ({@code if_name} of the generic system's
     * interface, e.g. "eth0"), or empty if the server or interface has no link to a leaf.
     */
    Optional<ApplicationPoint> applicationPointFacing(String serverLabel, String serverInterfaceName);

    /** The cabling map with aggregate links ({@code GET experience/web/cabling-map?aggregate_links=true}). */
    List<CablingLink> cablingMap();

    /**
     * LLDP data Apstra collected ({@code GET cabling-map/lldp}, the UI's "Fetch LLDP Data"). Returned
     * as plain JSON values: (inferred) the response shape is not documented publicly.
     */
    Map<String, Object> lldp();
}
