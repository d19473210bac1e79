package io.fabricbinder.sriov;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A pod device followed through the node: pod device → VF → PF → LLDP neighbour (switch and port).
 *
 * @param node the node name
 * @param device what the pod side reported
 * @param physicalFunction the PF the VF belongs to (or the whole function handed to the pod)
 * @param virtualFunction the VF, or null when the pod got a whole function (PF-as-resource)
 * @param neighbor the LLDP neighbour heard on the PF, or null when none is known
 */
public record SriovAttachment(
        String node,
        PodDevice device,
        PhysicalFunction physicalFunction,
        @Nullable VirtualFunction virtualFunction,
        @Nullable LldpNeighbor neighbor) {

    /** Requires node, device and PF. */
    public SriovAttachment {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(physicalFunction, "physicalFunction");
    }

    /** The VF, if the device is one. */
    public Optional<VirtualFunction> findVirtualFunction() {
        return Optional.ofNullable(virtualFunction);
    }

    /** The switch-side neighbour of the PF, if LLDP saw one. */
    public Optional<LldpNeighbor> findNeighbor() {
        return Optional.ofNullable(neighbor);
    }
}
