package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical fabric the emulator seeds its blueprint from: leafs, spines, ESI leaf pairs and
 * servers (generic systems named after Kubernetes nodes) whose NIC ports are cabled to leaf ports.
 *
 * <pre>{@code
 * Topology topology = Topology.builder()
 *     .leaf("leaf1").leaf("leaf2")
 *     .esiPair("pair1", "leaf3", "leaf4")
 *     .cable("worker-1", "ens1f0", "leaf1", "xe-0/0/10")
 *     .esiLag("worker-2", "bond0",
 *         new Topology.Cable("worker-2", "ens1f0", "leaf3", "xe-0/0/1"),
 *         new Topology.Cable("worker-2", "ens1f1", "leaf4", "xe-0/0/1"))
 *     .build();
 * }</pre>
 *
 * <p>The same description can be written as YAML (see {@link #parseYaml(String)}). Instances are
 * immutable and thread-safe.
 */
public final class Topology {
    private static final Pattern CABLE_LINE =
            Pattern.compile("^\\s*(?:server\\s+)?(\\S+)\\s+nic\\s+(\\S+)\\s*->\\s*(\\S+)\\s+(\\S+)\\s*$");

    private final List<String> spines;
    private final List<String> leafs;
    private final Map<String, List<String>> esiPairs;
    private final Set<String> mlagPairs;
    private final List<String> linkTags;
    private final List<Cable> cables;
    private final List<Lag> lags;

    private Topology(Builder b) {
        this.spines = List.copyOf(b.spines);
        this.leafs = List.copyOf(b.leafs);
        Map<String, List<String>> pairs = new LinkedHashMap<>();
        b.esiPairs.forEach((k, v) -> pairs.put(k, List.copyOf(v)));
        this.esiPairs = pairs;
        this.mlagPairs = Set.copyOf(b.mlagPairs);
        this.linkTags = List.copyOf(b.linkTags);
        this.cables = List.copyOf(b.cables);
        this.lags = List.copyOf(b.lags);
    }

    /**
     * One server NIC port cabled to one leaf port.
     *
     * @param server the server (generic system) label, normally a Kubernetes node name
     * @param nic the server-side interface name, e.g. {@code ens1f0}
     * @param leaf the leaf label
     * @param leafPort the leaf interface name, e.g. {@code xe-0/0/10}
     */
    public record Cable(String server, String nic, String leaf, String leafPort) {
        /** Validates that every part is non-blank. */
        public Cable {
            requireText(server, "server");
            requireText(nic, "nic");
            requireText(leaf, "leaf");
            requireText(leafPort, "leafPort");
        }

        /**
         * Parses {@code "worker-1 nic ens1f0 -> leaf1 xe-0/0/10"} (a leading {@code server} is
         * allowed).
         *
         * @param line the cable description
         * @return the cable
         * @throws IllegalArgumentException when the line does not have that form
         */
        public static Cable parse(String line) {
            Matcher m = CABLE_LINE.matcher(Objects.requireNonNull(line, "line"));
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "cable '" + line + "' is not of the form '<server> nic <nic> -> <leaf> <port>'");
            }
            return new Cable(m.group(1), m.group(2), m.group(3), m.group(4));
        }
    }

    /**
     * A server LAG (bond) whose members are cabled to the two leafs of one ESI pair (or to one
     * leaf, which makes a plain LAG).
     *
     * @param server the server label
     * @param name the server-side bond name, e.g. {@code bond0}
     * @param members the member cables, all from {@code server}
     */
    public record Lag(String server, String name, List<Cable> members) {
        /** Validates and copies the members. */
        public Lag {
            requireText(server, "server");
            requireText(name, "name");
            members = List.copyOf(members);
            if (members.isEmpty()) {
                throw new IllegalArgumentException("lag " + server + "/" + name + ": members must not be empty");
            }
            for (Cable c : members) {
                if (!c.server().equals(server)) {
                    throw new IllegalArgumentException(
                            "lag " + server + "/" + name + ": member " + c.nic() + " belongs to server " + c.server());
                }
            }
        }
    }

    /**
     * Starts an empty topology description.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The bundled quickstart topology: one spine, two leafs and three SR-IOV worker nodes
     * {@code worker-1..3}: {@code worker-1} has PFs {@code ens1f0 -> leaf1 xe-0/0/10} and {@code
     * ens1f1 -> leaf2 xe-0/0/10}; {@code worker-2} has {@code ens1f0 -> leaf1 xe-0/0/11}; {@code
     * worker-3} has {@code ens1f0 -> leaf2 xe-0/0/12} and {@code ens1f1 -> leaf1 xe-0/0/12}; every
     * server link carries the blueprint tag {@code sriov}. The
     * same fabric ships as the resource {@code io/fabricbinder/apstra/emulator/default-topology.yaml}
     * (see {@link #defaultTopologyYaml()}) for users to copy and edit.
     *
     * @return the default topology
     */
    public static Topology defaultTopology() {
        // Built in code rather than parsed, so that startup does not pay for loading the YAML parser.
        return builder()
                .spine("spine1")
                .leaf("leaf1")
                .leaf("leaf2")
                .linkTag("sriov")
                .cable("worker-1", "ens1f0", "leaf1", "xe-0/0/10")
                .cable("worker-1", "ens1f1", "leaf2", "xe-0/0/10")
                .cable("worker-2", "ens1f0", "leaf1", "xe-0/0/11")
                .cable("worker-3", "ens1f0", "leaf2", "xe-0/0/12")
                .cable("worker-3", "ens1f1", "leaf1", "xe-0/0/12")
                .build();
    }

    /**
     * Returns the text of the bundled {@code default-topology.yaml}, which describes {@link
     * #defaultTopology()}; a starting point for a custom {@code --topology} file.
     *
     * @return the YAML text
     */
    public static String defaultTopologyYaml() {
        try (InputStream in = Topology.class.getResourceAsStream("default-topology.yaml")) {
            if (in == null) {
                throw new IllegalStateException("bundled default-topology.yaml is missing");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a YAML topology file.
     *
     * @param file the YAML file
     * @return the topology
     * @throws IllegalArgumentException when the content is invalid (the message names the field)
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Topology fromYaml(Path file) {
        try {
            return parseYaml(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topology " + file, e);
        }
    }

    /**
     * Parses YAML of this form:
     *
     * <pre>{@code
     * spines: [spine1]
     * leafs: [leaf1, leaf2]
     * esiPairs:
     *   - name: pair1
     *     leafs: [leaf3, leaf4]
     * mlagPairs:
     *   - name: pair2
     *     leafs: [leaf5, leaf6]
     * linkTags: [sriov]
     * cables:
     *   - worker-1 nic ens1f0 -> leaf1 xe-0/0/10
     * servers:
     *   - name: worker-2
     *     nics:
     *       - {nic: ens1f0, leaf: leaf1, port: xe-0/0/11}
     *     lags:
     *       - name: bond0
     *         members:
     *           - {nic: ens2f0, leaf: leaf3, port: xe-0/0/1}
     *           - {nic: ens2f1, leaf: leaf4, port: xe-0/0/1}
     * }</pre>
     *
     * @param yaml the YAML text
     * @return the topology
     * @throws IllegalArgumentException when the content is invalid (the message names the field)
     */
    public static Topology parseYaml(String yaml) {
        return parseYaml(yaml, "topology");
    }

    private static Topology parseYaml(String yaml, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        return fromJson(root, source);
    }

    private static Topology fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a mapping at the top level");
        }
        Builder b = builder();
        for (JsonNode s : root.path("spines")) {
            b.spine(text(s, source + ".spines[]"));
        }
        for (JsonNode l : root.path("leafs")) {
            b.leaf(text(l, source + ".leafs[]"));
        }
        int i = 0;
        for (JsonNode p : root.path("esiPairs")) {
            String where = source + ".esiPairs[" + i++ + "]";
            JsonNode ls = p.path("leafs");
            if (!ls.isArray() || ls.size() != 2) {
                throw new IllegalArgumentException(where + ".leafs: expected exactly two leaf names");
            }
            b.esiPair(
                    text(p.path("name"), where + ".name"),
                    text(ls.get(0), where + ".leafs[0]"),
                    text(ls.get(1), where + ".leafs[1]"));
        }
        i = 0;
        for (JsonNode p : root.path("mlagPairs")) {
            String where = source + ".mlagPairs[" + i++ + "]";
            JsonNode ls = p.path("leafs");
            if (!ls.isArray() || ls.size() != 2) {
                throw new IllegalArgumentException(where + ".leafs: expected exactly two leaf names");
            }
            b.mlagPair(
                    text(p.path("name"), where + ".name"),
                    text(ls.get(0), where + ".leafs[0]"),
                    text(ls.get(1), where + ".leafs[1]"));
        }
        for (JsonNode t : root.path("linkTags")) {
            b.linkTag(text(t, source + ".linkTags[]"));
        }
        i = 0;
        for (JsonNode c : root.path("cables")) {
            String where = source + ".cables[" + i++ + "]";
            try {
                b.cable(Cable.parse(text(c, where)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        i = 0;
        for (JsonNode s : root.path("servers")) {
            String where = source + ".servers[" + i++ + "]";
            String name = text(s.path("name"), where + ".name");
            int j = 0;
            for (JsonNode n : s.path("nics")) {
                b.cable(cable(name, n, where + ".nics[" + j++ + "]"));
            }
            j = 0;
            for (JsonNode l : s.path("lags")) {
                String lw = where + ".lags[" + j++ + "]";
                List<Cable> members = new ArrayList<>();
                int k = 0;
                for (JsonNode m : l.path("members")) {
                    members.add(cable(name, m, lw + ".members[" + k++ + "]"));
                }
                b.esiLag(name, text(l.path("name"), lw + ".name"), members.toArray(new Cable[0]));
            }
        }
        return b.build();
    }

    private static Cable cable(String server, JsonNode n, String where) {
        return new Cable(
                server,
                text(n.path("nic"), where + ".nic"),
                text(n.path("leaf"), where + ".leaf"),
                text(n.path("port"), where + ".port"));
    }

    private static String text(JsonNode n, String where) {
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": expected a non-empty string");
        }
        return n.asText();
    }

    private static void requireText(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }

    /** Returns the spine labels. */
    List<String> spines() {
        return spines;
    }

    /**
     * Returns every leaf label, including the members of ESI pairs.
     *
     * @return leaf labels in declaration order
     */
    public List<String> leafs() {
        return leafs;
    }

    /**
     * Returns the leaf pairs (ESI and MLAG): pair name to its two member leaf labels.
     *
     * @return the pairs in declaration order
     */
    public Map<String, List<String>> leafPairs() {
        return esiPairs;
    }

    /**
     * Returns the redundancy-group type of a leaf pair.
     *
     * @param pair the pair name
     * @return {@code esi} or {@code mlag}
     * @throws IllegalArgumentException when there is no such pair
     */
    public String pairType(String pair) {
        if (!esiPairs.containsKey(pair)) {
            throw new IllegalArgumentException("no leaf pair " + pair);
        }
        return mlagPairs.contains(pair) ? "mlag" : "esi";
    }

    /**
     * Returns the blueprint tags put on every server-facing link (e.g. {@code sriov}), found with
     * {@code node('tag', label='sriov').out('tag').node('link')}.
     *
     * @return tag labels
     */
    public List<String> linkTags() {
        return linkTags;
    }

    /**
     * Returns the single-homed cables.
     *
     * @return cables in declaration order
     */
    public List<Cable> cables() {
        return cables;
    }

    /**
     * Returns the server LAGs.
     *
     * @return LAGs in declaration order
     */
    public List<Lag> lags() {
        return lags;
    }

    /**
     * Returns every server label (cabled singly or through a LAG).
     *
     * @return server labels in first-seen order
     */
    public Set<String> servers() {
        Set<String> out = new LinkedHashSet<>();
        cables.forEach(c -> out.add(c.server()));
        lags.forEach(l -> out.add(l.server()));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topology t
                && spines.equals(t.spines)
                && leafs.equals(t.leafs)
                && esiPairs.equals(t.esiPairs)
                && mlagPairs.equals(t.mlagPairs)
                && linkTags.equals(t.linkTags)
                && cables.equals(t.cables)
                && lags.equals(t.lags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(spines, leafs, esiPairs, mlagPairs, linkTags, cables, lags);
    }

    @Override
    public String toString() {
        return "Topology{leafs=" + leafs + ", esiPairs=" + esiPairs + ", servers=" + servers() + "}";
    }

    /** Builds a {@link Topology}; not thread-safe, use once. */
    public static final class Builder {
        private final List<String> spines = new ArrayList<>();
        private final List<String> leafs = new ArrayList<>();
        private final Map<String, List<String>> esiPairs = new LinkedHashMap<>();
        private final Set<String> mlagPairs = new HashSet<>();
        private final List<String> linkTags = new ArrayList<>();
        private final List<Cable> cables = new ArrayList<>();
        private final List<Lag> lags = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a spine switch.
         *
         * @param label the spine label
         * @return this builder
         */
        public Builder spine(String label) {
            requireText(label, "spine");
            spines.add(label);
            return this;
        }

        /**
         * Adds a leaf switch.
         *
         * @param label the leaf label
         * @return this builder
         */
        public Builder leaf(String label) {
            requireText(label, "leaf");
            if (leafs.contains(label)) {
                throw new IllegalArgumentException("leaf " + label + " is declared twice");
            }
            leafs.add(label);
            return this;
        }

        /**
         * Adds an ESI leaf pair (a redundancy group of {@code rg_type=esi}); leafs not yet declared
         * are added.
         *
         * @param name the redundancy group label
         * @param leafA first member leaf
         * @param leafB second member leaf
         * @return this builder
         */
        public Builder esiPair(String name, String leafA, String leafB) {
            requireText(name, "esiPair");
            if (leafA.equals(leafB)) {
                throw new IllegalArgumentException("esiPair " + name + ": the two leafs must differ");
            }
            for (String l : List.of(leafA, leafB)) {
                if (!leafs.contains(l)) {
                    leaf(l);
                }
                for (Map.Entry<String, List<String>> e : esiPairs.entrySet()) {
                    if (e.getValue().contains(l)) {
                        throw new IllegalArgumentException(
                                "esiPair " + name + ": leaf " + l + " is already in pair " + e.getKey());
                    }
                }
            }
            esiPairs.put(name, List.of(leafA, leafB));
            return this;
        }

        /**
         * Adds an MLAG leaf pair (a redundancy group of {@code rg_type=mlag}); otherwise like
         * {@link #esiPair(String, String, String)}.
         *
         * @param name the redundancy group label
         * @param leafA first member leaf
         * @param leafB second member leaf
         * @return this builder
         */
        public Builder mlagPair(String name, String leafA, String leafB) {
            esiPair(name, leafA, leafB);
            mlagPairs.add(name);
            return this;
        }

        /**
         * Tags every server-facing link with a blueprint tag, as operators tag SR-IOV links.
         *
         * @param label the tag label, e.g. {@code sriov}
         * @return this builder
         */
        public Builder linkTag(String label) {
            requireText(label, "linkTag");
            if (!linkTags.contains(label)) {
                linkTags.add(label);
            }
            return this;
        }

        /**
         * Cables a server NIC to a leaf port.
         *
         * @param server the server label
         * @param nic the server interface name
         * @param leaf the leaf label
         * @param leafPort the leaf interface name
         * @return this builder
         */
        public Builder cable(String server, String nic, String leaf, String leafPort) {
            return cable(new Cable(server, nic, leaf, leafPort));
        }

        /**
         * Adds a cable.
         *
         * @param cable the cable
         * @return this builder
         */
        public Builder cable(Cable cable) {
            cables.add(Objects.requireNonNull(cable, "cable"));
            return this;
        }

        /**
         * Adds a server bond whose members are cabled to leaf ports; with the members on the two
         * leafs of an ESI pair this becomes an ESI LAG.
         *
         * @param server the server label
         * @param name the bond name
         * @param members the member cables
         * @return this builder
         */
        public Builder esiLag(String server, String name, Cable... members) {
            lags.add(new Lag(server, name, List.of(members)));
            return this;
        }

        /**
         * Validates the description: every cable names a declared leaf, no leaf port or server NIC
         * is used twice, LAG members sit on one leaf or on the two leafs of one ESI pair.
         *
         * @return the topology
         * @throws IllegalArgumentException naming the offending cable
         */
        public Topology build() {
            if (leafs.isEmpty()) {
                throw new IllegalArgumentException("topology: at least one leaf is required");
            }
            Set<String> leafPorts = new HashSet<>();
            Set<String> nics = new HashSet<>();
            List<Cable> all = new ArrayList<>(cables);
            lags.forEach(l -> all.addAll(l.members()));
            for (Cable c : all) {
                String where = "cable " + c.server() + " nic " + c.nic() + " -> " + c.leaf() + " " + c.leafPort();
                if (!leafs.contains(c.leaf())) {
                    throw new IllegalArgumentException(where + ": unknown leaf " + c.leaf());
                }
                if (leafs.contains(c.server()) || spines.contains(c.server())) {
                    throw new IllegalArgumentException(where + ": server name clashes with a switch");
                }
                if (!leafPorts.add(c.leaf() + "\u0000" + c.leafPort())) {
                    throw new IllegalArgumentException(where + ": leaf port is already cabled");
                }
                if (!nics.add(c.server() + "\u0000" + c.nic())) {
                    throw new IllegalArgumentException(where + ": server NIC is already cabled");
                }
            }
            for (Lag l : lags) {
                Set<String> memberLeafs = new LinkedHashSet<>();
                l.members().forEach(c -> memberLeafs.add(c.leaf()));
                if (memberLeafs.size() > 1) {
                    boolean inOnePair = esiPairs.values().stream().anyMatch(p -> p.containsAll(memberLeafs));
                    if (!inOnePair || memberLeafs.size() > 2) {
                        throw new IllegalArgumentException("lag " + l.server() + "/" + l.name()
                                + ": members span leafs " + memberLeafs + " that are not one ESI or MLAG pair");
                    }
                }
            }
            return new Topology(this);
        }
    }
}
