package io.fabricbinder.core.topology;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.sriov.LldpNeighbor;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Topology from the LLDP neighbours the nodes' PFs hear, as the node agents publish them in {@link
 * FabricBinderNode}s.
 *
 * <p>The leaf is the neighbour's system name cut at the first dot ({@link
 * LldpNeighbor#switchHostname()}: {@code leaf1.example.com} gives {@code leaf1}, which must be the
 * Apstra leaf label). The port is chosen by the {@code sriov} module's one rule ({@link
 * LldpNeighbor#switchPortName()}): the port id when it is an interface name; Junos often sends a
 * locally assigned number instead (its default {@code port-id-subtype}), and then the port
 * description, with a warning saying so. When neither names an interface the PF is an error and is
 * left unmapped: nothing is guessed.
 *
 * <p>Links name the PF by its PCI address, and the result tells {@link Topology#merge} which
 * interface name each address has ({@link TopologySource.NicName}), so a static file naming the PF
 * {@code ens1f0} agrees or conflicts with LLDP about the same NIC.
 *
 * <p>Faults:
 *
 * <ul>
 *   <li>An object that could not be read ({@link FabricBinderNode.Parsed#errors()}) is an error on
 *       that node alone; other nodes proceed.
 *   <li>An inventory observed longer ago than {@link Builder#maxAge(Duration)} is a warning and is
 *       still used.
 *   <li>LLDP flapping: a NIC whose neighbour vanished (or whose node's inventory vanished or became
 *       unreadable) keeps its last known link until {@link Builder#holdTime(Duration)} has passed
 *       <em>and</em> {@link Builder#inUse(Predicate)} says no pod needs it, with a warning.
 *   <li>A neighbour that moved to another port moves the link at once (the new port is what the wire
 *       says now).
 * </ul>
 *
 * <pre>{@code
 * LldpTopologySource lldp = LldpTopologySource.builder(() -> parsedFabricBinderNodes())
 *         .maxAge(Duration.ofMinutes(30))
 *         .holdTime(Duration.ofMinutes(10))
 *         .inUse(link -> portsWithPods.contains(link.leaf() + " " + link.port()))
 *         .build();
 * Topology t = Topology.merge(List.of(StaticTopologyFile.read(file), lldp));
 * }</pre>
 *
 * <p>Remembers the links it last saw (for the hold time); thread-safe ({@link #read()} is
 * synchronized).
 */
public final class LldpTopologySource implements TopologySource {

    private final Supplier<? extends Collection<FabricBinderNode.Parsed>> nodes;
    private final InstantSource clock;
    private final @Nullable Duration maxAge;
    private final Duration holdTime;
    private final Predicate<TopologyLink> inUse;
    /** Last link seen per node and NIC, with when it was last seen; in node, then NIC order. */
    private final Map<NodeNic, Seen> lastSeen = new TreeMap<>();

    private record Seen(TopologyLink link, Instant at, TopologySource.@Nullable NicName name) {}

    /** A NIC of a node, the NIC as its {@link TopologyLink#nicKey lookup key}; sorts by node, then NIC. */
    private record NodeNic(String node, String nic) implements Comparable<NodeNic> {
        private static final Comparator<NodeNic> ORDER =
                Comparator.comparing(NodeNic::node).thenComparing(NodeNic::nic);

        @Override
        public int compareTo(NodeNic o) {
            return ORDER.compare(this, o);
        }
    }

    private LldpTopologySource(Builder b) {
        this.nodes = b.nodes;
        this.clock = b.clock;
        this.maxAge = b.maxAge;
        this.holdTime = b.holdTime;
        this.inUse = b.inUse;
    }

    /** A source over a fixed list of node statuses (no age check, no hold time). */
    public static LldpTopologySource of(List<FabricBinderNode> nodes) {
        List<FabricBinderNode.Parsed> parsed = nodes.stream()
                .map(n -> new FabricBinderNode.Parsed(n.name(), n, List.of()))
                .toList();
        return builder(() -> parsed).holdTime(Duration.ZERO).build();
    }

    /** Starts a source that asks {@code nodes} for the current objects on every read. */
    public static Builder builder(Supplier<? extends Collection<FabricBinderNode.Parsed>> nodes) {
        return new Builder(nodes);
    }

    @Override
    public String name() {
        return "lldp";
    }

    @Override
    public synchronized Result read() {
        Instant now = clock.instant();
        List<TopologyLink> links = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>();
        List<Diagnostic> warnings = new ArrayList<>();
        Set<NodeNic> seenNow = new HashSet<>();
        List<TopologySource.NicName> names = new ArrayList<>();
        List<FabricBinderNode.Parsed> all = new ArrayList<>(nodes.get());
        all.sort(Comparator.comparing(FabricBinderNode.Parsed::name));
        for (FabricBinderNode.Parsed parsed : all) {
            errors.addAll(parsed.errors());
            FabricBinderNode node = parsed.node();
            if (node == null) {
                continue;
            }
            Instant observed = node.observedAt();
            if (maxAge != null && observed != null && observed.plus(maxAge).isBefore(now)) {
                warnings.add(new Diagnostic(
                        node.object(),
                        "status.observedAt",
                        "inventory observed at " + observed + ", more than " + maxAge
                                + " ago (is the node agent running?); used anyway"));
            }
            List<FabricBinderNode.PhysicalFunctionStatus> pfs = node.physicalFunctions();
            for (int i = 0; i < pfs.size(); i++) {
                FabricBinderNode.PhysicalFunctionStatus pf = pfs.get(i);
                TopologySource.@Nullable NicName name = pf.name().isEmpty()
                        ? null
                        : new TopologySource.NicName(node.name(), pf.name(), pf.pciAddress());
                if (name != null) {
                    names.add(name);
                }
                LldpNeighbor n = pf.neighbor();
                if (n == null) {
                    continue;
                }
                TopologyLink l = link(node, i, pf, n, errors, warnings);
                if (l != null) {
                    NodeNic key = new NodeNic(node.name(), TopologyLink.nicKey(l.nic()));
                    seenNow.add(key);
                    lastSeen.put(key, new Seen(l, now, name));
                    links.add(l);
                }
            }
        }
        for (Iterator<Map.Entry<NodeNic, Seen>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<NodeNic, Seen> e = it.next();
            if (seenNow.contains(e.getKey())) {
                continue;
            }
            Seen held = e.getValue();
            TopologyLink l = held.link();
            boolean holding = held.at().plus(holdTime).isAfter(now);
            if (!holding && !inUse.test(l)) {
                it.remove();
                continue;
            }
            links.add(l);
            TopologySource.@Nullable NicName name = held.name();
            if (name != null && !names.contains(name)) {
                names.add(name);
            }
            warnings.add(new Diagnostic(
                    ObjectRef.clusterScoped(FabricBinderNode.KIND, l.node()),
                    "status.physicalFunctions",
                    "no LLDP neighbour heard on " + (name != null ? name.name() : l.nic()) + " since " + held.at()
                            + "; keeping its last known link "
                            + l.leaf() + " " + l.port()
                            + (holding ? " for the hold time of " + holdTime : " while pods use it")));
        }
        return new Result(links, errors, warnings, names);
    }

    private static @Nullable TopologyLink link(
            FabricBinderNode node,
            int index,
            FabricBinderNode.PhysicalFunctionStatus pf,
            LldpNeighbor n,
            List<Diagnostic> errors,
            List<Diagnostic> warnings) {
        ObjectRef object = node.object();
        String field = "status.physicalFunctions[" + index + "].lldp";
        String leaf = n.switchHostname().strip();
        if (leaf.isEmpty()) {
            errors.add(
                    new Diagnostic(object, field + ".systemName", pf.nic() + ": the neighbour sends no system name"));
            return null;
        }
        String port = n.switchPortName().orElse(null);
        if (port == null) {
            errors.add(new Diagnostic(
                    object,
                    field + ".portId",
                    pf.nic() + ": port id '" + n.portId() + "' ("
                            + n.portIdSubtype().lldpcliName()
                            + ") is not an interface name and the port description does not name one; set "
                            + "'protocols lldp port-id-subtype interface-name' on the switch"));
            return null;
        }
        if (n.switchPortSource() == LldpNeighbor.PortSource.PORT_DESCRIPTION) {
            warnings.add(new Diagnostic(
                    object,
                    field + ".portDescription",
                    pf.nic() + ": port id '" + n.portId() + "' ("
                            + n.portIdSubtype().lldpcliName()
                            + ") is not an interface name; used the port description '" + port
                            + "' (set 'protocols lldp port-id-subtype interface-name' on the switch to avoid this)"));
        }
        // Named by PCI address, which a udev rename does not change; the NicName says which interface it is.
        return new TopologyLink(node.name(), pf.pciAddress().toString(), leaf, port);
    }

    /** Configures an {@link LldpTopologySource}; not thread-safe, use once. */
    public static final class Builder {
        private final Supplier<? extends Collection<FabricBinderNode.Parsed>> nodes;
        private InstantSource clock = InstantSource.system();
        private @Nullable Duration maxAge;
        private Duration holdTime = Duration.ofMinutes(10);
        private Predicate<TopologyLink> inUse = l -> false;

        private Builder(Supplier<? extends Collection<FabricBinderNode.Parsed>> nodes) {
            this.nodes = Objects.requireNonNull(nodes, "nodes");
        }

        /** Time source (default: the system clock). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** An inventory older than this is a warning (still used); null (default) checks nothing. */
        public Builder maxAge(@Nullable Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /** How long a vanished neighbour's link is kept at least (default 10 minutes). */
        public Builder holdTime(Duration holdTime) {
            if (holdTime.isNegative()) {
                throw new IllegalArgumentException("holdTime must not be negative: " + holdTime);
            }
            this.holdTime = holdTime;
            return this;
        }

        /**
         * Whether pods still need a link; a vanished neighbour's link is kept past the hold time while
         * this says yes (default: never asked, i.e. no).
         */
        public Builder inUse(Predicate<TopologyLink> inUse) {
            this.inUse = Objects.requireNonNull(inUse, "inUse");
            return this;
        }

        /** Builds the source. */
        public LldpTopologySource build() {
            return new LldpTopologySource(this);
        }
    }
}
