package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the device plugin's {@code resourceList}.
 *
 * @param resourceName the name after the prefix ({@code ^[a-zA-Z0-9_-]+$})
 * @param resourcePrefix the entry's own prefix, or {@code ""} to use the plugin-wide default
 * @param deviceType {@code netDevice} (default), {@code accelerator} or {@code auxNetDevice}
 * @param excludeTopology whether NUMA topology hints are left out
 * @param selectors selector objects in order; a device goes to the first that matches
 * @param additionalInfo PCI address or {@code "*"} to extra key/value pairs
 */
public record ResourceConfig(
        @JsonProperty("resourceName") String resourceName,
        @JsonProperty("resourcePrefix") String resourcePrefix,
        @JsonProperty("deviceType") String deviceType,
        @JsonProperty("excludeTopology") boolean excludeTopology,
        @JsonProperty("selectors") List<NetDeviceSelectors> selectors,
        @JsonProperty("additionalInfo") Map<String, Map<String, String>> additionalInfo) {

    /** Normalises absent values and copies collections. */
    public ResourceConfig(
            String resourceName,
            @Nullable String resourcePrefix,
            @Nullable String deviceType,
            boolean excludeTopology,
            @Nullable List<NetDeviceSelectors> selectors,
            @Nullable Map<String, Map<String, String>> additionalInfo) {
        this.resourceName = Objects.requireNonNull(resourceName, "resourceName");
        this.resourcePrefix = Values.str(resourcePrefix);
        this.deviceType = deviceType == null || deviceType.isEmpty() ? "netDevice" : deviceType;
        this.excludeTopology = excludeTopology;
        this.selectors = Values.list(selectors);
        this.additionalInfo = Values.map(additionalInfo);
    }

    /** The prefix in effect: this entry's own, else {@code defaultPrefix}. */
    public String effectivePrefix(String defaultPrefix) {
        return resourcePrefix.isEmpty() ? defaultPrefix : resourcePrefix;
    }
}
