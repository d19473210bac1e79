package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.emulator.Topology;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.manifest.YamlDocuments;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.core.topology.TopologySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Apstra emulator's fabric made from FabricBinder's static topology file, so that {@code
 * fabricbinder emulator --topology} (and the quickstart) seed the blueprint from the same file the
 * planner reads. The file is read by core's {@link StaticTopologyFile}, the one parser of that
 * format; this class only checks the result strictly (the emulator needs every cable: any error in
 * the file, a NIC cabled twice or a leaf port cabled to two NICs stops it) and converts it.
 */
final class EmulatorFabric {

    private EmulatorFabric() {}

    /**
     * Reads a topology file in either format: FabricBinder's ({@code links: [{node, nic, leaf,
     * port}]}) or the emulator's own ({@code spines}, {@code leafs}, {@code cables}).
     *
     * @throws IllegalArgumentException naming the file, the entry and the field
     * @throws UncheckedIOException when the file cannot be read
     */
    static Topology read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topology " + file, e);
        }
        if (isStaticFormat(text)) {
            return fromStatic("static:" + file.getFileName(), text);
        }
        return Topology.fromYaml(file);
    }

    /**
     * The emulator fabric of a static topology file: one spine, the leafs in the order the file
     * names them, one server per node with its cables.
     *
     * @param name the source's name in errors ({@code static:topology.yaml})
     * @throws IllegalArgumentException listing every error core's parser and merge found
     */
    static Topology fromStatic(String name, String yaml) {
        TopologySource.Result read = StaticTopologyFile.parse(name, yaml);
        // The merge finds a NIC cabled twice and a leaf port cabled to two NICs.
        io.fabricbinder.core.topology.Topology merged =
                io.fabricbinder.core.topology.Topology.merge(List.of(TopologySource.of(name, read.links())));
        List<Diagnostic> errors = new ArrayList<>(read.errors());
        errors.addAll(merged.errors());
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(
                    errors.stream().map(Diagnostic::toString).collect(Collectors.joining("; ")));
        }
        Topology.Builder b = Topology.builder().spine("spine1");
        List<TopologyLink> links = read.links(); // the file's order, not the merge's sorted one
        new LinkedHashSet<>(links.stream().map(TopologyLink::leaf).toList()).forEach(b::leaf);
        links.forEach(l -> b.cable(l.node(), l.nic(), l.leaf(), l.port()));
        return b.build();
    }

    /** Whether the YAML text is FabricBinder's format (a top-level {@code links} key). */
    private static boolean isStaticFormat(String yaml) {
        try {
            return YamlDocuments.readOne(yaml) instanceof Map<?, ?> root && root.containsKey("links");
        } catch (IllegalArgumentException e) {
            return false; // not YAML at all: the emulator's parser says why
        }
    }
}
