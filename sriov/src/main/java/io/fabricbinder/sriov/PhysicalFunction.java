package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A network-class PCI function that is not itself a VF: an SR-IOV physical function, or a plain
 * NIC ({@link #sriovCapable()} false). JSON names follow sriov-network-operator's
 * {@code SriovNetworkNodeState} {@code status.interfaces[]} ({@code InterfaceExt}), including its
 * odd casing: {@code totalvfs} in lower case and {@code Vfs} with a capital V. {@code numaNode},
 * {@code operState}, {@code sriovCapable}, {@code netdevs}, {@code acpiIndex} and {@code rdma} are
 * additions.
 *
 * <pre>{@code
 * PhysicalFunction pf = report.getInterface("ens1f0");
 * pf.findVirtualFunction(PciAddress.parse("0000:3b:02.1")).map(VirtualFunction::vfId);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the netdev name (in switchdev mode: the uplink), or {@code ""} when it has none
 * @param pciAddress the function's PCI address
 * @param vendor vendor id, lower-case hex without {@code 0x}
 * @param deviceId device id, lower-case hex without {@code 0x}
 * @param driver bound driver, or {@code ""}
 * @param mac netdev MAC, or {@code ""}
 * @param mtu netdev MTU, or -1 when unknown
 * @param linkSpeed {@code "<n> Mb/s"} as the operator formats it, or {@code ""} when unknown
 * @param linkType {@code ETH}, {@code IB} or {@code ""}
 * @param linkAdminState {@code up} or {@code down} (IFF_UP of the netdev flags), or {@code ""}
 * @param operState the kernel operstate ({@code up}, {@code down}, {@code unknown}...), or {@code ""}
 * @param eSwitchMode {@code switchdev} when VF representors are present, otherwise {@code legacy}
 * @param numVfs configured VFs ({@code sriov_numvfs})
 * @param totalVfs VF capacity ({@code sriov_totalvfs}); 0 for a plain NIC
 * @param numaNode NUMA node, or -1
 * @param sriovCapable whether {@code sriov_totalvfs} exists
 * @param netdevs every netdev name under the device (uplink first, then representors)
 * @param acpiIndex the {@code acpi_index} value, or {@code ""}
 * @param rdma whether the function exposes an RDMA device
 * @param virtualFunctions the VFs in VF index order
 */
public record PhysicalFunction(
        @JsonProperty("name") String name,
        @JsonProperty("pciAddress") PciAddress pciAddress,
        @JsonProperty("vendor") String vendor,
        @JsonProperty("deviceID") String deviceId,
        @JsonProperty("driver") String driver,
        @JsonProperty("mac") String mac,
        @JsonProperty("mtu") int mtu,
        @JsonProperty("linkSpeed") String linkSpeed,
        @JsonProperty("linkType") String linkType,
        @JsonProperty("linkAdminState") String linkAdminState,
        @JsonProperty("operState") String operState,
        @JsonProperty("eSwitchMode") String eSwitchMode,
        @JsonProperty("numVfs") int numVfs,
        @JsonProperty("totalvfs") int totalVfs,
        @JsonProperty("numaNode") int numaNode,
        @JsonProperty("sriovCapable") boolean sriovCapable,
        @JsonProperty("netdevs") List<String> netdevs,
        @JsonProperty("acpiIndex") String acpiIndex,
        @JsonProperty("rdma") boolean rdma,
        @JsonProperty("Vfs") List<VirtualFunction> virtualFunctions) {

    /** Normalises absent strings to {@code ""}, copies lists, requires a PCI address. */
    public PhysicalFunction(
            @Nullable String name,
            PciAddress pciAddress,
            @Nullable String vendor,
            @Nullable String deviceId,
            @Nullable String driver,
            @Nullable String mac,
            int mtu,
            @Nullable String linkSpeed,
            @Nullable String linkType,
            @Nullable String linkAdminState,
            @Nullable String operState,
            @Nullable String eSwitchMode,
            int numVfs,
            int totalVfs,
            int numaNode,
            boolean sriovCapable,
            @Nullable List<String> netdevs,
            @Nullable String acpiIndex,
            boolean rdma,
            @Nullable List<VirtualFunction> virtualFunctions) {
        this.name = Values.str(name);
        this.pciAddress = Objects.requireNonNull(pciAddress, "pciAddress");
        this.vendor = Values.str(vendor);
        this.deviceId = Values.str(deviceId);
        this.driver = Values.str(driver);
        this.mac = Values.str(mac);
        this.mtu = mtu;
        this.linkSpeed = Values.str(linkSpeed);
        this.linkType = Values.str(linkType);
        this.linkAdminState = Values.str(linkAdminState);
        this.operState = Values.str(operState);
        this.eSwitchMode = eSwitchMode == null || eSwitchMode.isEmpty() ? "legacy" : eSwitchMode;
        this.numVfs = numVfs;
        this.totalVfs = totalVfs;
        this.numaNode = numaNode;
        this.sriovCapable = sriovCapable;
        this.netdevs = Values.list(netdevs);
        this.acpiIndex = Values.str(acpiIndex);
        this.rdma = rdma;
        this.virtualFunctions = Values.list(virtualFunctions);
    }

    /** The VF with this PCI address, if it belongs to this PF. */
    public Optional<VirtualFunction> findVirtualFunction(PciAddress address) {
        Objects.requireNonNull(address, "address");
        return virtualFunctions.stream()
                .filter(vf -> vf.pciAddress().equals(address))
                .findFirst();
    }
}
