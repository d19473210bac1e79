package io.fabricbinder.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabricbinder.apstra.emulator.Topology;
import io.fabricbinder.core.manifest.YamlDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * FabricBinder's static topology file ({@code links: [{node, nic, leaf, port}]}), read for the
 * commands that need to check or show it, and converted to the emulator's fabric description so
 * {@code fabricbinder emulator --topology} accepts the same file the planner reads.
 */
record StaticTopology(List<Link> links) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One PF cabled to one leaf port. */
    record Link(String node, String nic, String leaf, String port) {
        Link {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(nic, "nic");
            Objects.requireNonNull(leaf, "leaf");
            Objects.requireNonNull(port, "port");
        }
    }

    /** A topology file problem, naming the file, the field ({@code links[2].port}) and what is wrong. */
    static final class InvalidTopologyException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String source;
        private final String field;
        private final String detail;

        InvalidTopologyException(String source, String field, String detail) {
            super(source + ": " + (field.isEmpty() ? "" : field + ": ") + detail);
            this.source = source;
            this.field = field;
            this.detail = detail;
        }

        String source() {
            return source;
        }

        String field() {
            return field;
        }

        String detail() {
            return detail;
        }
    }

    StaticTopology {
        links = List.copyOf(links);
    }

    /** Whether the YAML text is in this format (a top-level {@code links} key). */
    static boolean isStaticFormat(String yaml) {
        try {
            JsonNode root = readTree(yaml);
            return root.isObject() && root.has("links");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static StaticTopology read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topology " + file, e);
        }
        return parse(String.valueOf(file.getFileName()), text);
    }

    /**
     * Parses and checks the file: every field present, a PF cabled once, a leaf port used by one
     * PF only.
     *
     * @throws IllegalArgumentException naming the file, the entry and the field
     */
    static StaticTopology parse(String source, String yaml) {
        JsonNode root;
        try {
            root = readTree(yaml);
        } catch (IllegalArgumentException e) {
            throw new InvalidTopologyException(source, "", "not valid YAML: " + firstLine(e.getMessage()));
        }
        if (!root.isObject() || !root.path("links").isArray()) {
            throw new InvalidTopologyException(source, "links", "expected a list of {node, nic, leaf, port}");
        }
        List<Link> links = new ArrayList<>();
        Map<String, String> portOwner = new HashMap<>();
        Set<String> nics = new LinkedHashSet<>();
        int i = 0;
        for (JsonNode l : root.path("links")) {
            String where = "links[" + i++ + "]";
            Link link = new Link(
                    text(l, "node", source, where),
                    text(l, "nic", source, where),
                    text(l, "leaf", source, where),
                    text(l, "port", source, where));
            if (!nics.add(link.node() + " " + link.nic())) {
                throw new InvalidTopologyException(
                        source, where + ".nic", link.node() + " " + link.nic() + " is cabled more than once");
            }
            String owner = portOwner.putIfAbsent(link.leaf() + " " + link.port(), link.node() + " " + link.nic());
            if (owner != null) {
                throw new InvalidTopologyException(
                        source, where + ".port", link.leaf() + " " + link.port() + " is already cabled to " + owner);
            }
            links.add(link);
        }
        return new StaticTopology(links);
    }

    /** The emulator fabric with one spine, the leafs named here and one server per node. */
    Topology toEmulatorTopology() {
        Topology.Builder b = Topology.builder().spine("spine1");
        new LinkedHashSet<>(links.stream().map(Link::leaf).toList()).forEach(b::leaf);
        links.forEach(l -> b.cable(l.node(), l.nic(), l.leaf(), l.port()));
        return b.build();
    }

    /**
     * Reads a topology file in either format: this one, or the emulator's own ({@code spines},
     * {@code leafs}, {@code cables}).
     */
    static Topology readForEmulator(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topology " + file, e);
        }
        if (isStaticFormat(text)) {
            return parse(String.valueOf(file.getFileName()), text).toEmulatorTopology();
        }
        return Topology.fromYaml(file);
    }

    /** YAML 1.2 core schema, as core reads manifests (a PCI address "0000:3b:00.0" stays a string). */
    private static JsonNode readTree(String yaml) {
        return JSON.valueToTree(YamlDocuments.readOne(yaml));
    }

    private static String text(JsonNode node, String field, String source, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isValueNode() || v.asText().isBlank()) {
            throw new InvalidTopologyException(source, where + "." + field, "expected a non-empty string");
        }
        return v.asText();
    }

    private static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
