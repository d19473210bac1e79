package io.fabricbinder.core.topology;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PhysicalFunction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The cabling of SR-IOV physical functions to leaf ports, with the problems found building it.
 *
 * <p>A PF is looked up by node and by its interface name or PCI address (whichever the link
 * names; PCI addresses compare case-insensitively). Build one from links directly, or from several
 * {@link TopologySource sources} with {@link #merge(List)}, which reports disagreements. Example:
 *
 * <pre>{@code
 * Topology t = Topology.of(List.of(new TopologyLink("worker-1", "ens1f0", "leaf1", "xe-0/0/10")));
 * t.findLink("worker-1", "ens1f0", PciAddress.parse("0000:3b:00.0")).map(TopologyLink::port); // "xe-0/0/10"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Topology {

    private static final Topology EMPTY = new Topology(List.of(), List.of(), List.of(), Map.of());

    private final List<TopologyLink> links;
    private final List<Diagnostic> errors;
    private final List<Diagnostic> warnings;
    private final Map<NodeNic, TopologyLink> byNodeNic = new HashMap<>();
    /** (node, interface name) to the canonical PCI address of that NIC, from the sources' {@code nicNames}. */
    private final Map<NodeNic, String> pciOfName;

    private Topology(
            List<TopologyLink> links,
            List<Diagnostic> errors,
            List<Diagnostic> warnings,
            Map<NodeNic, String> pciOfName) {
        this.pciOfName = Map.copyOf(pciOfName);
        this.links = links.stream()
                .sorted(Comparator.comparing(TopologyLink::node)
                        .thenComparing(TopologyLink::nic)
                        .thenComparing(TopologyLink::leaf)
                        .thenComparing(TopologyLink::port))
                .distinct()
                .toList();
        this.errors = errors.stream().sorted().distinct().toList();
        this.warnings = warnings.stream().sorted().distinct().toList();
        for (TopologyLink l : this.links) {
            byNodeNic.put(lookupKey(this.pciOfName, l.node(), l.nic()), l);
        }
    }

    /** No links. */
    public static Topology empty() {
        return EMPTY;
    }

    /**
     * A topology of these links. A NIC listed twice with different ports, or a leaf port claimed
     * by two NICs, is an error and both links are dropped (a port FabricBinder is unsure of is never
     * tagged).
     */
    public static Topology of(List<TopologyLink> links) {
        return merge(List.of(TopologySource.of("links", links)));
    }

    /**
     * Merges sources. Links that agree are kept once; links only one source knows are kept; when two
     * sources disagree about a NIC (different leaf port) or about a leaf port (different NIC), every
     * link involved is dropped and an error names both sources — FabricBinder never guesses which
     * cable is right. A source that fails to read is an error and contributes nothing.
     */
    public static Topology merge(List<? extends TopologySource> sources) {
        List<Diagnostic> errors = new ArrayList<>();
        List<Diagnostic> warnings = new ArrayList<>();
        Map<NodeNic, List<Sourced>> byNic = new HashMap<>();
        Map<LeafPort, List<Sourced>> byPort = new HashMap<>();
        List<Sourced> all = new ArrayList<>();
        Map<NodeNic, String> pciOfName = new HashMap<>();
        for (TopologySource source : sources) {
            TopologySource.Result r;
            try {
                r = source.read();
            } catch (RuntimeException e) {
                errors.add(new Diagnostic(
                        ObjectRef.clusterScoped("Topology", source.name()), "", "cannot read: " + e.getMessage()));
                continue;
            }
            errors.addAll(r.errors());
            warnings.addAll(r.warnings());
            for (TopologySource.NicName n : r.nicNames()) {
                pciOfName.putIfAbsent(
                        new NodeNic(n.node(), n.name()), n.pciAddress().toString());
            }
            for (TopologyLink l : r.links()) {
                all.add(new Sourced(source.name(), l));
            }
        }
        for (Sourced s : all) {
            TopologyLink l = s.link();
            byNic.computeIfAbsent(lookupKey(pciOfName, l.node(), l.nic()), k -> new ArrayList<>())
                    .add(s);
            byPort.computeIfAbsent(new LeafPort(l.leaf(), l.port()), k -> new ArrayList<>())
                    .add(s);
        }
        List<TopologyLink> bad = new ArrayList<>();
        for (List<Sourced> group : byNic.values()) {
            List<Sourced> distinct = distinctLinks(pciOfName, group);
            if (distinct.size() > 1) {
                TopologyLink first = distinct.get(0).link();
                errors.add(new Diagnostic(
                        ObjectRef.clusterScoped("Topology", first.node() + "/" + first.nic()),
                        "leaf/port",
                        "sources disagree: " + describe(distinct) + "; the NIC is left unmapped until they agree"));
                distinct.forEach(s -> bad.add(s.link()));
            }
        }
        for (List<Sourced> group : byPort.values()) {
            List<Sourced> distinct = distinctLinks(pciOfName, group);
            if (distinct.size() > 1) {
                TopologyLink first = distinct.get(0).link();
                errors.add(new Diagnostic(
                        ObjectRef.clusterScoped("Topology", first.leaf() + " " + first.port()),
                        "node/nic",
                        "one leaf port is cabled to several NICs: " + describe(distinct)
                                + "; the port is left unmapped"));
                distinct.forEach(s -> bad.add(s.link()));
            }
        }
        List<TopologyLink> good = new ArrayList<>();
        for (List<Sourced> group : byNic.values()) {
            for (Sourced s : group) {
                if (!bad.contains(s.link())) {
                    good.add(s.link());
                }
            }
        }
        return new Topology(good, errors, warnings, pciOfName);
    }

    /** Every usable link, sorted by node, NIC, leaf, port. */
    public List<TopologyLink> links() {
        return links;
    }

    /** Problems that left NICs or ports unmapped, sorted. */
    public List<Diagnostic> errors() {
        return errors;
    }

    /** Problems worth knowing that changed nothing, sorted. */
    public List<Diagnostic> warnings() {
        return warnings;
    }

    /**
     * The link of the PF on {@code node} with this interface name or PCI address (either may be
     * null), if known. The PCI address is tried first.
     */
    public Optional<TopologyLink> findLink(String node, @Nullable String pfName, @Nullable PciAddress pfPciAddress) {
        if (pfPciAddress != null) {
            TopologyLink l = byNodeNic.get(new NodeNic(node, pfPciAddress.toString()));
            if (l != null) {
                return Optional.of(l);
            }
        }
        if (pfName != null && !pfName.isEmpty()) {
            return Optional.ofNullable(byNodeNic.get(lookupKey(pciOfName, node, pfName)));
        }
        return Optional.empty();
    }

    /** The link of this PF of {@code node}: by its PCI address, else by its interface name. */
    public Optional<TopologyLink> findLink(String node, PhysicalFunction pf) {
        return findLink(node, pf.name(), pf.pciAddress());
    }

    /** The links of one node. */
    public List<TopologyLink> linksOf(String node) {
        return links.stream().filter(l -> l.node().equals(node)).toList();
    }

    @Override
    public String toString() {
        return "Topology[links=" + links.size() + ", errors=" + errors.size() + "]";
    }

    private static NodeNic lookupKey(Map<NodeNic, String> pciOfName, String node, String nic) {
        return new NodeNic(node, canonical(pciOfName, node, nic));
    }

    /** A PCI address in canonical form; an interface name as the PCI address it is known to be, else as it is. */
    private static String canonical(Map<NodeNic, String> pciOfName, String node, String nic) {
        String k = TopologyLink.nicKey(nic);
        if (pciOfName.isEmpty()) {
            return k;
        }
        String pci = pciOfName.get(new NodeNic(node, k));
        return pci != null ? pci : k;
    }

    private record NodeNic(String node, String nic) {}

    /** One port of one leaf switch. */
    private record LeafPort(String leaf, String port) {}

    private static List<Sourced> distinctLinks(Map<NodeNic, String> pciOfName, List<Sourced> group) {
        List<Sourced> out = new ArrayList<>();
        for (Sourced s : group) {
            boolean seen = out.stream().anyMatch(o -> sameCable(pciOfName, o.link(), s.link()));
            if (!seen) {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean sameCable(Map<NodeNic, String> pciOfName, TopologyLink a, TopologyLink b) {
        return a.node().equals(b.node())
                && lookupKey(pciOfName, a.node(), a.nic()).equals(lookupKey(pciOfName, b.node(), b.nic()))
                && a.leaf().equals(b.leaf())
                && a.port().equals(b.port());
    }

    private static String describe(List<Sourced> items) {
        List<String> parts = new ArrayList<>();
        for (Sourced s : items) {
            TopologyLink l = s.link();
            parts.add(s.source() + " says " + l.node() + "/" + l.nic() + " -> " + l.leaf() + " " + l.port());
        }
        parts.sort(null);
        return String.join(", ", parts);
    }

    private record Sourced(String source, TopologyLink link) {}
}
