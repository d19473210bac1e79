package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One SR-IOV virtual function as found in sysfs. JSON names follow sriov-network-operator's
 * {@code SriovNetworkNodeState} {@code status.interfaces[].Vfs[]} entries ({@code vfID},
 * {@code pciAddress}, {@code name}, {@code driver}, {@code vendor}, {@code deviceID}, {@code mac},
 * {@code mtu}, {@code representorName}); {@code numaNode}, {@code linkType}, {@code acpiIndex} and
 * {@code rdma} are additions.
 *
 * <p>A VF bound to {@code vfio-pci} has no netdev: {@link #name()}, {@link #mac()} are empty and
 * {@link #mtu()} is -1. Immutable and thread-safe.
 *
 * @param vfId the VF index N of the PF's {@code virtfnN} link
 * @param pciAddress the VF's own PCI address
 * @param name the VF netdev name, or {@code ""} when it has none
 * @param driver the bound driver (basename of the {@code driver} link), or {@code ""} if unbound
 * @param vendor vendor id, lower-case hex without {@code 0x} (e.g. {@code 8086})
 * @param deviceId device id, lower-case hex without {@code 0x} (e.g. {@code 154c})
 * @param mac the netdev MAC address, or {@code ""}
 * @param mtu the netdev MTU, or -1 when unknown
 * @param numaNode the NUMA node, or -1 when the kernel reports none
 * @param linkType {@code ETH}, {@code IB} or {@code ""} (operator spelling) for the VF netdev
 * @param representorName the switchdev representor netdev of this VF, or {@code ""} in legacy mode
 * @param acpiIndex always {@code ""} from discovery: the kernel shows {@code acpi_index} only for
 *     devices firmware describes in ACPI, and VFs are created at run time, so discovery does not
 *     probe VFs for it (a stray file is ignored); a device-plugin {@code acpiIndexes} selector
 *     therefore never selects a VF
 * @param rdma whether the VF exposes an RDMA device ({@code infiniband/} directory)
 */
public record VirtualFunction(
        @JsonProperty("vfID") int vfId,
        @JsonProperty("pciAddress") PciAddress pciAddress,
        @JsonProperty("name") String name,
        @JsonProperty("driver") String driver,
        @JsonProperty("vendor") String vendor,
        @JsonProperty("deviceID") String deviceId,
        @JsonProperty("mac") String mac,
        @JsonProperty("mtu") int mtu,
        @JsonProperty("numaNode") int numaNode,
        @JsonProperty("linkType") String linkType,
        @JsonProperty("representorName") String representorName,
        @JsonProperty("acpiIndex") String acpiIndex,
        @JsonProperty("rdma") boolean rdma) {

    /** Normalises absent strings to {@code ""} and requires a PCI address. */
    public VirtualFunction(
            int vfId,
            PciAddress pciAddress,
            @Nullable String name,
            @Nullable String driver,
            @Nullable String vendor,
            @Nullable String deviceId,
            @Nullable String mac,
            int mtu,
            int numaNode,
            @Nullable String linkType,
            @Nullable String representorName,
            @Nullable String acpiIndex,
            boolean rdma) {
        this.vfId = vfId;
        this.pciAddress = Objects.requireNonNull(pciAddress, "pciAddress");
        this.name = Values.str(name);
        this.driver = Values.str(driver);
        this.vendor = Values.str(vendor);
        this.deviceId = Values.str(deviceId);
        this.mac = Values.str(mac);
        this.mtu = mtu;
        this.numaNode = numaNode;
        this.linkType = Values.str(linkType);
        this.representorName = Values.str(representorName);
        this.acpiIndex = Values.str(acpiIndex);
        this.rdma = rdma;
    }
}
