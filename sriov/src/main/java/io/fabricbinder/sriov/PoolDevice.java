package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One device of a resource pool: the PCI address kubelet sees as the device ID, plus where it
 * comes from.
 *
 * @param pciAddress the function handed to pods (the device plugin's device ID)
 * @param pfName the PF netdev for a VF, {@code ""} for a function that is not a VF
 * @param pfPciAddress the PF address for a VF, {@code ""} otherwise
 * @param vfIndex the VF index, or -1 when the device is not a VF
 * @param driver the bound driver
 * @param numaNode NUMA node, or -1 (also when the pool sets {@code excludeTopology})
 */
public record PoolDevice(
        @JsonProperty("pciAddress") PciAddress pciAddress,
        @JsonProperty("pfName") String pfName,
        @JsonProperty("pfPciAddress") String pfPciAddress,
        @JsonProperty("vfIndex") int vfIndex,
        @JsonProperty("driver") String driver,
        @JsonProperty("numaNode") int numaNode) {

    /** Normalises absent strings. */
    public PoolDevice(
            PciAddress pciAddress,
            @Nullable String pfName,
            @Nullable String pfPciAddress,
            int vfIndex,
            @Nullable String driver,
            int numaNode) {
        this.pciAddress = Objects.requireNonNull(pciAddress, "pciAddress");
        this.pfName = Values.str(pfName);
        this.pfPciAddress = Values.str(pfPciAddress);
        this.vfIndex = vfIndex;
        this.driver = Values.str(driver);
        this.numaNode = numaNode;
    }
}
