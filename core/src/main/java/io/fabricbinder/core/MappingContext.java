package io.fabricbinder.core;

import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.topology.Topology;
import java.util.Map;
import java.util.Set;

/**
 * What pods are mapped in: the network-level results of a plan. Read-only once built.
 *
 * @param nads every valid NAD by key, with what the plan decided about it
 * @param frozenNetworks networks kept as they are (invalid or excluded NADs)
 * @param states node SR-IOV states by node name
 * @param topology the topology
 * @param linkIndex the ranked leaf ports of the topology and the links of the node states' PFs
 */
record MappingContext(
        Map<String, NadInfo> nads,
        Set<String> frozenNetworks,
        Map<String, SriovNetworkNodeState> states,
        Topology topology,
        LinkIndex linkIndex,
        Planner.Freeze freeze) {
    /** No networks, no node states, no topology. */
    static final MappingContext EMPTY =
            new MappingContext(Map.of(), Set.of(), Map.of(), Topology.empty(), LinkIndex.EMPTY, Planner.Freeze.NONE);
}
