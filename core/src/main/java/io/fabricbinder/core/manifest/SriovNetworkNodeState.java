package io.fabricbinder.core.manifest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An sriov-network-operator {@code SriovNetworkNodeState} (one per node): the node's PFs and VFs,
 * and which PF backs which device-plugin resource.
 *
 * <p>Example: {@code state.physicalFunctionsFor("intel_sriov_netdevice")}. Immutable and
 * thread-safe.
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

    /** The PF with this PCI address, if reported. */
    public Optional<PhysicalFunction> findPhysicalFunction(String pciAddress) {
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
     * A PF from {@code status.interfaces}.
     *
     * @param pciAddress PCI address
     * @param name netdev name, or null
     * @param vendor vendor id, or null
     * @param deviceId device id, or null
     * @param driver driver, or null
     * @param numVfs configured VFs
     * @param totalVfs maximum VFs ({@code totalvfs})
     * @param vfs the VFs ({@code Vfs})
     */
    public record PhysicalFunction(
            String pciAddress,
            @Nullable String name,
            @Nullable String vendor,
            @Nullable String deviceId,
            @Nullable String driver,
            int numVfs,
            int totalVfs,
            List<VirtualFunction> vfs) {

        /** Validates and copies. */
        public PhysicalFunction {
            Objects.requireNonNull(pciAddress, "pciAddress");
            if (numVfs < 0 || totalVfs < 0) {
                throw new IllegalArgumentException("numVfs and totalvfs must not be negative");
            }
            vfs = List.copyOf(vfs);
        }
    }

    /**
     * A VF from {@code Vfs[]}.
     *
     * @param vfId the VF index
     * @param pciAddress PCI address
     * @param name netdev name, or null (bound to vfio-pci)
     */
    public record VirtualFunction(
            int vfId, String pciAddress, @Nullable String name) {

        /** Validates. */
        public VirtualFunction {
            Objects.requireNonNull(pciAddress, "pciAddress");
            if (vfId < 0) {
                throw new IllegalArgumentException("vfID " + vfId + " is negative");
            }
        }
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
            String pfPciAddress,
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
