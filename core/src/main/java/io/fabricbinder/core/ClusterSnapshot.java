package io.fabricbinder.core;

import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * The snapshot of manifest files and a static topology file: {@code new
     * ClusterSnapshot(Manifests.parse(manifests),
     * Topology.merge(List.of(StaticTopologyFile.read(topology))))}, for the CLI-like case of files
     * on disk. Errors in the topology file are in the topology's errors, as with {@link
     * Topology#merge}.
     *
     * @param manifests a manifest file or a directory of them (see {@link Manifests#parse(Path)})
     * @param topology a static topology file (see {@link StaticTopologyFile})
     * @throws io.fabricbinder.core.manifest.UnreadableManifestException if the manifests cannot be
     *     read (never planned as an empty cluster)
     */
    public static ClusterSnapshot read(Path manifests, Path topology) {
        return new ClusterSnapshot(
                Manifests.parse(manifests), Topology.merge(List.of(StaticTopologyFile.read(topology))));
    }
}
