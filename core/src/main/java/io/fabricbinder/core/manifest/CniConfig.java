package io.fabricbinder.core.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The CNI config held in a NAD's {@code spec.config}: a single config or a conflist, normalised to
 * a list of plugins.
 *
 * <p>Example: {@code cni.findPlugin("sriov")}. Immutable and thread-safe.
 *
 * @param cniVersion the {@code cniVersion}, or null
 * @param name the network name in the config, or null (Multus then uses the NAD name)
 * @param conflist true if the config had a {@code plugins} list
 * @param plugins the plugins, in order (one for a single config)
 */
public record CniConfig(
        @Nullable String cniVersion, @Nullable String name, boolean conflist, List<Plugin> plugins) {

    /** Copies the list. */
    public CniConfig {
        plugins = List.copyOf(plugins);
    }

    /** The first plugin of the given type, if any. */
    public java.util.Optional<Plugin> findPlugin(String type) {
        return plugins.stream().filter(p -> p.type().equals(type)).findFirst();
    }

    /**
     * One CNI plugin entry.
     *
     * @param type the plugin {@code type}
     * @param settings the plugin's other top-level keys, as read (JSON values, deeply unmodifiable)
     */
    public record Plugin(String type, Map<String, Object> settings) {

        /** Validates and copies. */
        public Plugin {
            Objects.requireNonNull(type, "type");
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) deepCopy(settings);
            settings = copy;
        }

        /** An unmodifiable deep copy of JSON-like values (maps keep their order and null values). */
        private static @Nullable Object deepCopy(@Nullable Object v) {
            if (v instanceof Map<?, ?> m) {
                Map<String, @Nullable Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), deepCopy(x)));
                return Collections.unmodifiableMap(out);
            }
            if (v instanceof List<?> l) {
                List<@Nullable Object> out = new ArrayList<>(l.size());
                l.forEach(x -> out.add(deepCopy(x)));
                return Collections.unmodifiableList(out);
            }
            return v;
        }
    }
}
