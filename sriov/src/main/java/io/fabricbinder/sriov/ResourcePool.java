package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The devices of one device-plugin resource on this node, as {@code <prefix>/<name>} in the
 * node's allocatable resources.
 *
 * @param resourcePrefix the prefix in effect, e.g. {@code intel.com}
 * @param resourceName the name, e.g. {@code intel_sriov_netdevice}
 * @param deviceType the pool's device type
 * @param devices the devices in PCI address order
 */
public record ResourcePool(
        @JsonProperty("resourcePrefix") String resourcePrefix,
        @JsonProperty("resourceName") String resourceName,
        @JsonProperty("deviceType") String deviceType,
        @JsonProperty("devices") List<PoolDevice> devices) {

    /** Copies the device list. */
    public ResourcePool(
            String resourcePrefix,
            String resourceName,
            @Nullable String deviceType,
            @Nullable List<PoolDevice> devices) {
        this.resourcePrefix = Objects.requireNonNull(resourcePrefix, "resourcePrefix");
        this.resourceName = Objects.requireNonNull(resourceName, "resourceName");
        this.deviceType = deviceType == null || deviceType.isEmpty() ? "netDevice" : deviceType;
        this.devices = Values.list(devices);
    }

    /** The extended resource name, {@code <prefix>/<name>}. */
    @JsonProperty(value = "resource", access = JsonProperty.Access.READ_ONLY)
    public String resource() {
        return resourcePrefix + "/" + resourceName;
    }

    /** The {@code PCIDEVICE_*} variable a pod allocated from this pool receives. */
    @JsonProperty(value = "envVar", access = JsonProperty.Access.READ_ONLY)
    public String environmentVariable() {
        return DevicePluginEnv.variableName(resourcePrefix, resourceName);
    }
}
