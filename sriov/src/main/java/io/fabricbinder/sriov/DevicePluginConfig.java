package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sriov-network-device-plugin configuration file ({@code /etc/pcidp/config.json}, usually the
 * {@code config.json} key of the {@code sriovdp-config} ConfigMap), parsed and validated the way
 * the plugin does it.
 *
 * <pre>{@code
 * DevicePluginConfig config = DevicePluginConfig.parse(Files.readString(Path.of("/etc/pcidp/config.json")));
 * ResourcePools pools = ResourcePools.compute(SriovDiscovery.system().discover(), config);
 * }</pre>
 *
 * <p>Rules carried over from the plugin: {@code selectors} is one object or a list of objects;
 * {@code resourceName} must match {@code ^[a-zA-Z0-9_-]+$} and be unique per prefix;
 * {@code deviceType} is {@code netDevice} (default), {@code accelerator} or {@code auxNetDevice};
 * a value of the wrong JSON type is an error. Keys the plugin would ignore are ignored here too but
 * never silently: each becomes an entry of {@link #warnings()} naming the resource and the field
 * (an unknown key, or {@code auxTypes} in a selector of a non-{@code auxNetDevice} resource), and
 * {@link ResourcePools#compute} repeats them in its notes. The plugin-wide
 * default prefix is the plugin's {@code -resource-prefix} flag, {@value #DEFAULT_RESOURCE_PREFIX}
 * unless the deployment overrides it (pass it to {@link #parse(String, String)}). Immutable and
 * thread-safe.
 *
 * @param resourceList the resource entries in file order (the order decides first-match-wins)
 * @param defaultResourcePrefix the prefix for entries without {@code resourcePrefix}
 * @param warnings keys that were parsed but are ignored, each naming the entry and field, e.g.
 *     {@code resourceList[0] (sriov_a).selectors[0].pfname: unknown key, ignored}
 */
public record DevicePluginConfig(
        @JsonProperty("resourceList") List<ResourceConfig> resourceList,
        @JsonProperty("defaultResourcePrefix") String defaultResourcePrefix,
        @JsonProperty("warnings") List<String> warnings) {

    /** The device plugin's built-in {@code -resource-prefix} default. */
    public static final String DEFAULT_RESOURCE_PREFIX = "intel.com";

    private static final Logger LOG = LoggerFactory.getLogger(DevicePluginConfig.class);
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]+$");
    private static final Set<String> DEVICE_TYPES = Set.of("netDevice", "accelerator", "auxNetDevice");
    private static final Set<String> RESOURCE_KEYS =
            Set.of("resourceName", "resourcePrefix", "deviceType", "excludeTopology", "selectors", "additionalInfo");
    private static final Set<String> SELECTOR_KEYS = Set.of(
            "vendors",
            "devices",
            "drivers",
            "pciAddresses",
            "acpiIndexes",
            "pfNames",
            "rootDevices",
            "linkTypes",
            "ddpProfiles",
            "pKeys",
            "isRdma",
            "needVhostNet",
            "vdpaType",
            "auxTypes");

    /** Copies the lists; an absent prefix becomes {@value #DEFAULT_RESOURCE_PREFIX}. */
    public DevicePluginConfig(
            @Nullable List<ResourceConfig> resourceList,
            @Nullable String defaultResourcePrefix,
            @Nullable List<String> warnings) {
        this.resourceList = Values.list(resourceList);
        this.defaultResourcePrefix = defaultResourcePrefix == null || defaultResourcePrefix.isEmpty()
                ? DEFAULT_RESOURCE_PREFIX
                : defaultResourcePrefix;
        this.warnings = Values.list(warnings);
    }

    /** A config without warnings. */
    public DevicePluginConfig(@Nullable List<ResourceConfig> resourceList, @Nullable String defaultResourcePrefix) {
        this(resourceList, defaultResourcePrefix, List.of());
    }

    /**
     * Parses with the plugin's default prefix {@value #DEFAULT_RESOURCE_PREFIX}.
     *
     * @throws IllegalArgumentException naming the entry and field when the config is invalid
     */
    public static DevicePluginConfig parse(String json) {
        return parse(json, DEFAULT_RESOURCE_PREFIX);
    }

    /**
     * Parses with {@code defaultPrefix} as the {@code -resource-prefix} (deployments such as the
     * SR-IOV operator may pass their own).
     *
     * @throws IllegalArgumentException naming the entry and field when the config is invalid
     */
    public static DevicePluginConfig parse(String json, String defaultPrefix) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(defaultPrefix, "defaultPrefix");
        JsonNode root = Json.tree(json, "device plugin config");
        if (!root.isObject()) {
            throw new IllegalArgumentException("device plugin config must be a JSON object with resourceList");
        }
        JsonNode list = root.get("resourceList");
        if (list == null || list.isNull()) {
            throw new IllegalArgumentException("device plugin config has no resourceList");
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("resourceList must be a list");
        }
        List<ResourceConfig> resources = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        warnUnknown(root, Set.of("resourceList"), "config", warnings);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            ResourceConfig rc = resource(list.get(i), i, warnings);
            String full = rc.effectivePrefix(defaultPrefix) + "/" + rc.resourceName();
            if (!seen.add(full)) {
                throw new IllegalArgumentException("resourceList[" + i + "].resourceName: duplicate resource " + full);
            }
            resources.add(rc);
        }
        return new DevicePluginConfig(resources, defaultPrefix, warnings);
    }

    private static ResourceConfig resource(JsonNode node, int i, List<String> warnings) {
        String where = "resourceList[" + i + "]";
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        String name = string(node, "resourceName", where);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(where + ".resourceName is required");
        }
        where = where + " (" + name + ")";
        warnUnknown(node, RESOURCE_KEYS, where, warnings);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ".resourceName '" + name + "' must match ^[a-zA-Z0-9_-]+$");
        }
        String deviceType = string(node, "deviceType", where);
        if (!deviceType.isEmpty() && !DEVICE_TYPES.contains(deviceType)) {
            throw new IllegalArgumentException(
                    where + ".deviceType '" + deviceType + "' is not one of netDevice, accelerator, auxNetDevice");
        }
        List<NetDeviceSelectors> selectors = new ArrayList<>();
        JsonNode sel = node.get("selectors");
        if (sel != null && !sel.isNull()) {
            if (sel.isObject()) {
                selectors.add(selector(sel, where + ".selectors", deviceType, warnings));
            } else if (sel.isArray()) {
                for (int j = 0; j < sel.size(); j++) {
                    selectors.add(selector(sel.get(j), where + ".selectors[" + j + "]", deviceType, warnings));
                }
            } else {
                throw new IllegalArgumentException(where + ".selectors must be an object or a list of objects");
            }
        }
        Map<String, Map<String, String>> info = new LinkedHashMap<>();
        JsonNode ai = node.get("additionalInfo");
        if (ai != null && !ai.isNull()) {
            if (!ai.isObject()) {
                throw new IllegalArgumentException(where + ".additionalInfo must be an object");
            }
            for (Map.Entry<String, JsonNode> e : ai.properties()) {
                if (!e.getValue().isObject()) {
                    throw new IllegalArgumentException(
                            where + ".additionalInfo." + e.getKey() + " must be an object of strings");
                }
                Map<String, String> kv = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> x : e.getValue().properties()) {
                    if (!x.getValue().isTextual()) {
                        throw new IllegalArgumentException(
                                where + ".additionalInfo." + e.getKey() + "." + x.getKey() + " must be a string");
                    }
                    kv.put(x.getKey(), x.getValue().asText());
                }
                info.put(e.getKey(), Map.copyOf(kv));
            }
        }
        return new ResourceConfig(
                name,
                string(node, "resourcePrefix", where),
                deviceType,
                bool(node, "excludeTopology", where),
                selectors,
                info);
    }

    private static NetDeviceSelectors selector(JsonNode node, String where, String deviceType, List<String> warnings) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object");
        }
        warnUnknown(node, SELECTOR_KEYS, where, warnings);
        if (node.has("auxTypes") && !deviceType.equals("auxNetDevice")) {
            // the plugin decodes netDevice selectors into a struct without auxTypes: Go drops it
            warn(
                    warnings,
                    where + ".auxTypes: applies only to deviceType auxNetDevice; ignored (the device plugin"
                            + " ignores it too)");
        }
        return new NetDeviceSelectors(
                strings(node, "vendors", where),
                strings(node, "devices", where),
                strings(node, "drivers", where),
                strings(node, "pciAddresses", where),
                strings(node, "acpiIndexes", where),
                strings(node, "pfNames", where),
                strings(node, "rootDevices", where),
                strings(node, "linkTypes", where),
                strings(node, "ddpProfiles", where),
                strings(node, "pKeys", where),
                bool(node, "isRdma", where),
                bool(node, "needVhostNet", where),
                string(node, "vdpaType", where));
    }

    private static void warnUnknown(JsonNode node, Set<String> known, String where, List<String> warnings) {
        for (Map.Entry<String, JsonNode> p : node.properties()) {
            String f = p.getKey();
            if (!known.contains(f)) {
                warn(warnings, where + "." + f + ": unknown key, ignored");
            }
        }
    }

    private static void warn(List<String> warnings, String warning) {
        LOG.warn("device plugin config: {}", warning);
        warnings.add(warning);
    }

    private static String string(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + " must be a string, got " + v);
        }
        return v.asText();
    }

    private static boolean bool(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(where + "." + field + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static List<String> strings(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + "." + field + " must be a list of strings, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new IllegalArgumentException(
                        where + "." + field + "[" + i + "] must be a string, got " + v.get(i));
            }
            out.add(v.get(i).asText());
        }
        return out;
    }
}
