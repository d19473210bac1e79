package io.fabricbinder.core.manifest;

import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PhysicalFunction;
import io.fabricbinder.sriov.VirtualFunction;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An sriov-network-operator {@code SriovNetworkNodeState} (one per node): the node's PFs and VFs,
 * and which PF backs which device-plugin resource.
 *
 * <p>The PFs and VFs are the {@code sriov} module's {@link PhysicalFunction} and {@link
 * VirtualFunction} (the same operator field names; what the operator does not report is left at its
 * "unknown" value). Example: {@code state.physicalFunctionsFor("intel_sriov_netdevice")}. Immutable
 * and thread-safe.
 *
 * @param namespace the namespace (the operator's)
 * @param nodeName the node (the object name)
 * @param syncStatus {@code status.syncStatus}, or null
 * @param interfaces {@code status.interfaces}: the PFs
 * @param vfGroups {@code spec.interfaces[].vfGroups}, flattened with their PF
 */
public record SriovNetworkNodeState(
        String namespace,
        String nodeName,
        @Nullable String syncStatus,
        List<PhysicalFunction> interfaces,
        List<VfGroup> vfGroups) {

    /** Kind name used in errors. */
    public static final String KIND = "SriovNetworkNodeState";

    /** Validates and copies. */
    public SriovNetworkNodeState {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(nodeName, "nodeName");
        interfaces = List.copyOf(interfaces);
        vfGroups = List.copyOf(vfGroups);
    }

    /** {@code namespace/nodeName}. */
    public String key() {
        return namespace + "/" + nodeName;
    }

    /** The reference diagnostics name this object by ({@code SriovNetworkNodeState namespace/nodeName}). */
    public ObjectRef ref() {
        return ObjectRef.of(KIND, namespace, nodeName);
    }

    /** The PF with this PCI address, if reported. */
    public Optional<PhysicalFunction> findPhysicalFunction(PciAddress pciAddress) {
        return interfaces.stream()
                .filter(p -> p.pciAddress().equals(pciAddress))
                .findFirst();
    }

    /** The reported PFs that back the resource (by resource name without prefix), in order. */
    public List<PhysicalFunction> physicalFunctionsFor(String resourceName) {
        String bare = resourceName.substring(resourceName.indexOf('/') + 1);
        return vfGroups.stream()
                .filter(g -> g.resourceName().equals(bare))
                .map(g -> findPhysicalFunction(g.pfPciAddress()))
                .flatMap(Optional::stream)
                .distinct()
                .toList();
    }

    /**
     * A PF as {@code status.interfaces[]} reports it, in the {@code sriov} module's type (which
     * carries the operator's field names): the fields the operator reports and FabricBinder reads are
     * set, the others are left at their "unknown" values.
     *
     * @param pciAddress PCI address
     * @param name netdev name, or null
     * @param vendor vendor id, or null
     * @param deviceId device id, or null
     * @param driver driver, or null
     * @param numVfs configured VFs
     * @param totalVfs maximum VFs ({@code totalvfs})
     * @param vfs the VFs ({@code Vfs})
     * @return the PF
     * @throws IllegalArgumentException if a count is negative
     */
    public static PhysicalFunction physicalFunction(
            PciAddress pciAddress,
            @Nullable String name,
            @Nullable String vendor,
            @Nullable String deviceId,
            @Nullable String driver,
            int numVfs,
            int totalVfs,
            List<VirtualFunction> vfs) {
        if (numVfs < 0 || totalVfs < 0) {
            throw new IllegalArgumentException("numVfs and totalvfs must not be negative");
        }
        return new PhysicalFunction(
                name,
                pciAddress,
                vendor,
                deviceId,
                driver,
                null,
                -1,
                null,
                null,
                null,
                null,
                null,
                numVfs,
                totalVfs,
                -1,
                true,
                null,
                null,
                false,
                vfs);
    }

    /**
     * A VF as {@code status.interfaces[].Vfs[]} reports it, in the {@code sriov} module's type.
     *
     * @param vfId the VF index
     * @param pciAddress PCI address
     * @param name netdev name, or null (bound to vfio-pci)
     * @return the VF
     * @throws IllegalArgumentException if {@code vfId} is negative
     */
    public static VirtualFunction virtualFunction(int vfId, PciAddress pciAddress, @Nullable String name) {
        if (vfId < 0) {
            throw new IllegalArgumentException("vfID " + vfId + " is negative");
        }
        return new VirtualFunction(vfId, pciAddress, name, null, null, null, null, -1, -1, null, null, null, false);
    }

    /**
     * A {@code vfGroups} entry with the PF it belongs to.
     *
     * @param pfPciAddress the PF PCI address ({@code spec.interfaces[].pciAddress})
     * @param pfName the PF name, or null
     * @param resourceName the device-plugin resource name (no prefix)
     * @param vfRange e.g. {@code 0-3}, or null
     * @param deviceType e.g. {@code netdevice}, or null
     * @param policyName the policy, or null
     */
    public record VfGroup(
            PciAddress pfPciAddress,
            @Nullable String pfName,
            String resourceName,
            @Nullable String vfRange,
            @Nullable String deviceType,
            @Nullable String policyName) {

        /** Validates. */
        public VfGroup {
            Objects.requireNonNull(pfPciAddress, "pfPciAddress");
            Objects.requireNonNull(resourceName, "resourceName");
        }
    }
}
