package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One selector object of a device-plugin resource ({@code NetDeviceSelectors} in
 * sriov-network-device-plugin). Every non-empty field narrows the set (AND); values within one
 * field are alternatives (OR). {@code pfNames} and {@code rootDevices} accept
 * {@code <pf>#<list>} where the list holds indices and inclusive ranges ({@code ens1f0#0-3,6});
 * PF names compare case-insensitively. {@code isRdma} filters only when true. {@code needVhostNet}
 * is not a filter, as in the device plugin: it asks for {@code /dev/vhost-net} to be mounted, and a
 * host without it still serves the VFs ({@link ResourcePools} notes it).
 *
 * <p>{@code ddpProfiles}, {@code pKeys} and {@code vdpaType} are parsed but need netlink/devlink
 * data that sysfs does not carry: a selector that sets them matches nothing here, and
 * {@link ResourcePools} says so in its notes, naming the pool, the selector and each field. Immutable and thread-safe.
 *
 * @param vendors vendor ids, lower-case hex without 0x
 * @param devices device ids, lower-case hex without 0x
 * @param drivers driver names
 * @param pciAddresses PCI addresses
 * @param acpiIndexes {@code acpi_index} values
 * @param pfNames PF netdev names, optionally with {@code #} VF ranges
 * @param rootDevices PF PCI addresses, optionally with {@code #} VF ranges
 * @param linkTypes netlink encapsulation names ({@code ether}, {@code infiniband})
 * @param ddpProfiles Intel DDP profile names (not evaluated here)
 * @param pKeys InfiniBand partition keys (not evaluated here)
 * @param isRdma when true, only RDMA-capable functions
 * @param needVhostNet when true, pods get {@code /dev/vhost-net}; selects nothing (not a filter)
 * @param vdpaType vDPA type (not evaluated here), or {@code ""}
 */
public record NetDeviceSelectors(
        @JsonProperty("vendors") List<String> vendors,
        @JsonProperty("devices") List<String> devices,
        @JsonProperty("drivers") List<String> drivers,
        @JsonProperty("pciAddresses") List<String> pciAddresses,
        @JsonProperty("acpiIndexes") List<String> acpiIndexes,
        @JsonProperty("pfNames") List<String> pfNames,
        @JsonProperty("rootDevices") List<String> rootDevices,
        @JsonProperty("linkTypes") List<String> linkTypes,
        @JsonProperty("ddpProfiles") List<String> ddpProfiles,
        @JsonProperty("pKeys") List<String> pKeys,
        @JsonProperty("isRdma") boolean isRdma,
        @JsonProperty("needVhostNet") boolean needVhostNet,
        @JsonProperty("vdpaType") String vdpaType) {

    /** Copies lists; absent lists become empty, an absent vdpaType {@code ""}. */
    public NetDeviceSelectors(
            @Nullable List<String> vendors,
            @Nullable List<String> devices,
            @Nullable List<String> drivers,
            @Nullable List<String> pciAddresses,
            @Nullable List<String> acpiIndexes,
            @Nullable List<String> pfNames,
            @Nullable List<String> rootDevices,
            @Nullable List<String> linkTypes,
            @Nullable List<String> ddpProfiles,
            @Nullable List<String> pKeys,
            boolean isRdma,
            boolean needVhostNet,
            @Nullable String vdpaType) {
        this.vendors = Values.list(vendors);
        this.devices = Values.list(devices);
        this.drivers = Values.list(drivers);
        this.pciAddresses = Values.list(pciAddresses);
        this.acpiIndexes = Values.list(acpiIndexes);
        this.pfNames = Values.list(pfNames);
        this.rootDevices = Values.list(rootDevices);
        this.linkTypes = Values.list(linkTypes);
        this.ddpProfiles = Values.list(ddpProfiles);
        this.pKeys = Values.list(pKeys);
        this.isRdma = isRdma;
        this.needVhostNet = needVhostNet;
        this.vdpaType = Values.str(vdpaType);
    }

    /** The fields this selector sets that discovery from sysfs cannot evaluate, in config order. */
    List<String> unsupportedFields() {
        List<String> out = new ArrayList<>(3);
        if (!ddpProfiles.isEmpty()) {
            out.add("ddpProfiles");
        }
        if (!pKeys.isEmpty()) {
            out.add("pKeys");
        }
        if (!vdpaType.isEmpty()) {
            out.add("vdpaType");
        }
        return out;
    }
}
