package io.fabricbinder.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command's settings from one YAML file (for a ConfigMap): each key is an option's long name
 * without the dashes, each value what would follow it on the command line; a list is a
 * comma-separated value. The command line wins over the file, the file over the built-in default.
 *
 * <pre>{@code
 * apstra-url: https://apstra.example.net
 * blueprint: 3f1e...
 * etcd-endpoints: [https://etcd-0:2379, https://etcd-1:2379]
 * }</pre>
 *
 * <p>The file is given with {@code --config FILE}, which is read before the other options are
 * parsed ({@link #install}). A file that cannot be read, or a key that names no option, is an error
 * the command reports ({@link #problems}) before doing anything.
 */
final class ConfigFileDefaults implements CommandLine.IDefaultValueProvider {
    static final String OPTION = "--config";

    private final Path file;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private ConfigFileDefaults(Path file) {
        this.file = file;
        Object root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
        } catch (IOException e) {
            problems.add(OPTION + " " + file + ": cannot read (" + e.getMessage() + ")");
            return;
        }
        if (root == null) {
            return;
        }
        if (!(root instanceof Map<?, ?> map)) {
            problems.add(OPTION + " " + file + ": expected a mapping of option names to values");
            return;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            if (v instanceof Map<?, ?>) {
                problems.add(OPTION + " " + file + ": " + key + ": expected a value or a list, got a mapping");
            } else if (v instanceof Collection<?> c) {
                values.put(key, c.stream().map(String::valueOf).collect(Collectors.joining(",")));
            } else if (v != null) {
                values.put(key, String.valueOf(v));
            }
        }
    }

    /**
     * Looks for {@code --config FILE} (or {@code --config=FILE}) in {@code args} and, when present,
     * makes the file {@code command}'s default-value provider.
     */
    static void install(CommandLine command, String... args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                file = Path.of(args[i + 1]);
            } else if (args[i].startsWith(OPTION + "=")) {
                file = Path.of(args[i].substring(OPTION.length() + 1));
            }
        }
        if (file != null) {
            command.setDefaultValueProvider(new ConfigFileDefaults(file));
        }
    }

    /**
     * What is wrong with the file for this command: unreadable, not a mapping, or keys that name
     * none of its options.
     */
    List<String> problems(CommandLine.Model.CommandSpec spec) {
        List<String> all = new ArrayList<>(problems);
        Set<String> known = new TreeSet<>();
        Set<String> shown = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp() && !o.longestName().equals(OPTION)) {
                known.add(strip(o.longestName()));
                if (!o.hidden()) {
                    shown.add(strip(o.longestName())); // a hidden old spelling works but is not offered
                }
            }
        }
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                all.add(OPTION + " " + file + ": unknown setting '" + key + "' (known: " + String.join(", ", shown)
                        + ")");
            }
        }
        return all;
    }

    /** Whether the file sets {@code key} (a long option name without dashes). */
    boolean has(String key) {
        return values.containsKey(key);
    }

    @Override
    public @Nullable String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec o) {
            String v = values.get(strip(o.longestName()));
            if (v != null) {
                return v;
            }
        }
        return argSpec.defaultValue();
    }

    private static String strip(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '-') {
            i++;
        }
        return name.substring(i);
    }

    @Override
    public String toString() {
        return "ConfigFileDefaults[" + Objects.toString(file) + "]";
    }
}
