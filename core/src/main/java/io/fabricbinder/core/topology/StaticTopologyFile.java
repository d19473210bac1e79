package io.fabricbinder.core.topology;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.manifest.YamlDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The static topology file: a YAML (or JSON) document listing each node NIC's leaf port.
 *
 * <pre>{@code
 * links:
 *   - node: worker-1       # Kubernetes node name
 *     nic: ens1f0          # PF interface name or PCI address (0000:3b:00.0)
 *     leaf: leaf1          # Apstra leaf label
 *     port: xe-0/0/10      # leaf interface name
 * }</pre>
 *
 * <p>Example: {@code Topology.merge(List.of(StaticTopologyFile.read(Path.of("topology.yaml"))))}.
 * A bad entry is an error naming it ({@code links[3].port: is required}) and is skipped; the others
 * are used. The file is read when {@link TopologySource#read()} is called, so a source made once
 * sees later edits. Stateless and thread-safe.
 */
public final class StaticTopologyFile {

    private static final List<String> FIELDS = List.of("node", "nic", "leaf", "port");

    private StaticTopologyFile() {}

    /** A source that reads the file at {@code path} on every {@link TopologySource#read()}. */
    public static TopologySource read(Path path) {
        Objects.requireNonNull(path, "path");
        String name = "static:" + path.getFileName();
        return new TopologySource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result read() {
                String content;
                try {
                    content = Files.readString(path, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read topology file " + path, e);
                }
                return parse(name, content);
            }
        };
    }

    /** Parses topology text; {@code name} names the source in diagnostics. Never throws for bad content. */
    public static TopologySource.Result parse(String name, String content) {
        ObjectRef object = ObjectRef.clusterScoped("Topology", name);
        List<Diagnostic> errors = new ArrayList<>();
        List<TopologyLink> links = new ArrayList<>();
        Object root;
        try {
            // YAML 1.2 core schema, like the manifests: a PCI address "0000:3b:00.0" stays a string.
            root = YamlDocuments.readOne(content);
        } catch (IllegalArgumentException e) {
            errors.add(new Diagnostic(object, "", String.valueOf(e.getMessage())));
            return new TopologySource.Result(links, errors, List.of());
        }
        if (!(root instanceof Map<?, ?> map) || !(map.get("links") instanceof List<?> list)) {
            errors.add(new Diagnostic(object, "links", "is required (a list of {node, nic, leaf, port})"));
            return new TopologySource.Result(links, errors, List.of());
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "links[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> entry)) {
                errors.add(new Diagnostic(object, at, "must be an object with node, nic, leaf and port"));
                continue;
            }
            String[] values = new String[4];
            boolean ok = true;
            for (int f = 0; f < 4; f++) {
                Object v = entry.get(FIELDS.get(f));
                if (v instanceof String s && !s.isBlank()) {
                    values[f] = s.strip();
                } else {
                    errors.add(new Diagnostic(
                            object,
                            at + "." + FIELDS.get(f),
                            v == null ? "is required" : "must be a non-empty string, got '" + v + "'"));
                    ok = false;
                }
            }
            for (Object key : entry.keySet()) {
                if (!FIELDS.contains(String.valueOf(key))) {
                    errors.add(
                            new Diagnostic(object, at + "." + key, "unknown field (expected node, nic, leaf, port)"));
                    ok = false;
                }
            }
            if (ok) {
                links.add(new TopologyLink(values[0], values[1], values[2], values[3]));
            }
        }
        return new TopologySource.Result(links, errors, List.of());
    }
}
