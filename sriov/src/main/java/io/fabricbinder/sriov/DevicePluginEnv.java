package io.fabricbinder.sriov;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code PCIDEVICE_*} environment variables the device plugin gives a container: one per
 * resource, {@code PCIDEVICE_<PREFIX>_<NAME>} holding comma-separated PCI addresses, plus a
 * {@code ..._INFO} variable holding JSON. The name is {@code "PCIDEVICE_" + prefix + "_" + name},
 * upper-cased, with only {@code .} replaced by {@code _} (a hyphen stays a hyphen), exactly like
 * the plugin's {@code GetEnvs}.
 *
 * <pre>{@code
 * DevicePluginEnv.variableName("intel.com", "sriov_a"); // PCIDEVICE_INTEL_COM_SRIOV_A
 * List<DevicePluginEnv.Allocation> a = DevicePluginEnv.parse(System.getenv());
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class DevicePluginEnv {
    /** The prefix every device plugin variable starts with. */
    public static final String PREFIX = "PCIDEVICE_";

    private DevicePluginEnv() {}

    /** The variable for resource {@code prefix/name}. */
    public static String variableName(String resourcePrefix, String resourceName) {
        Objects.requireNonNull(resourcePrefix, "resourcePrefix");
        Objects.requireNonNull(resourceName, "resourceName");
        return (PREFIX + resourcePrefix + "_" + resourceName).replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Which of {@code resources} ({@code prefix/name} strings) produces {@code variable}; several
     * resources can map to one variable name ({@code a.b/c} and {@code a/b_c}), in which case the
     * first is returned.
     */
    public static Optional<String> resourceFor(String variable, Collection<String> resources) {
        Objects.requireNonNull(variable, "variable");
        for (String r : resources) {
            int slash = r.indexOf('/');
            if (slash > 0
                    && variableName(r.substring(0, slash), r.substring(slash + 1))
                            .equals(variable)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The device allocations in {@code environment}: every {@code PCIDEVICE_*} variable whose
     * value is a comma-separated list of PCI addresses. {@code _INFO} variables (JSON objects) are
     * attached to their allocation.
     *
     * @throws IllegalArgumentException naming the variable if an address does not parse
     */
    public static List<Allocation> parse(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        Map<String, String> sorted = new TreeMap<>(environment);
        List<Allocation> out = new ArrayList<>();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            String var = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (!var.startsWith(PREFIX) || value.startsWith("{")) {
                continue; // not ours, or an _INFO JSON document
            }
            List<PciAddress> devices = new ArrayList<>();
            for (String part : value.split(",", -1)) {
                String t = part.trim();
                if (t.isEmpty()) {
                    continue;
                }
                try {
                    devices.add(PciAddress.parse(t));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(
                            "environment variable " + var + ": '" + t + "' is not a PCI address", ex);
                }
            }
            String info = sorted.getOrDefault(var + "_INFO", "");
            out.add(new Allocation(var, devices, info.trim().startsWith("{") ? info : ""));
        }
        return out;
    }

    /**
     * The devices of one {@code PCIDEVICE_*} variable.
     *
     * @param variable the variable name
     * @param devices the PCI addresses, in the order given
     * @param info the matching {@code _INFO} JSON, or {@code ""}
     */
    public record Allocation(String variable, List<PciAddress> devices, String info) {
        /** Copies the list. */
        public Allocation {
            Objects.requireNonNull(variable, "variable");
            devices = List.copyOf(devices);
            Objects.requireNonNull(info, "info");
        }

        /**
         * The {@code extraInfo} map the plugin attached for {@code device} (from the pool's
         * {@code additionalInfo}), or empty.
         */
        public Map<String, String> extraInfo(PciAddress device) {
            if (info.isEmpty()) {
                return Map.of();
            }
            JsonNode root = Json.tree(info, variable + "_INFO");
            JsonNode extra = root.path(device.toString()).path("extraInfo");
            Map<String, String> out = new TreeMap<>();
            for (Map.Entry<String, JsonNode> f : extra.properties()) {
                out.put(f.getKey(), f.getValue().asText());
            }
            return Map.copyOf(out);
        }
    }
}
