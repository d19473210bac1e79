package io.fabricbinder.core;

import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.topology.Topology;
import java.util.Objects;

/**
 * Everything the planner reads from the cluster side at one moment: the parsed Kubernetes objects
 * (NADs, pods, VirtualNetworkRouters, SR-IOV node states, and the errors about invalid ones) and the
 * cabling topology.
 *
 * <p>Example: {@code new ClusterSnapshot(Manifests.parse(dir), StaticTopologyFile.read(file))}.
 * The errors in {@link ManifestSet#errors()} matter: a NAD that is present but invalid is known
 * from them, and its fabric network is kept unchanged instead of being deleted. Immutable and
 * thread-safe.
 *
 * @param manifests the Kubernetes objects
 * @param topology the cabling
 */
public record ClusterSnapshot(ManifestSet manifests, Topology topology) {

    /** Validates. */
    public ClusterSnapshot {
        Objects.requireNonNull(manifests, "manifests");
        Objects.requireNonNull(topology, "topology");
    }
}
