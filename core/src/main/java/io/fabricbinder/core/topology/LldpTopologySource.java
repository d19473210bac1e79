package io.fabricbinder.core.topology;

import io.fabricbinder.core.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Topology from LLDP neighbours seen on the nodes' PFs.
 *
 * <p>The leaf is the neighbour's system name cut at the first dot ({@code leaf1.example.com} gives
 * {@code leaf1}, which must be the Apstra leaf label). The port is the port id when its subtype is
 * {@code ifname} (or absent and it looks like an interface name); Junos often sends a locally
 * assigned number instead (cn2-sriov.md §6.1), and then the port description is used when it looks
 * like an interface name, with a warning saying so. Otherwise the neighbour is an error and is
 * skipped. Several neighbours on one PF are an error (a PF is cabled to one port). Example:
 *
 * <pre>{@code
 * TopologySource lldp = LldpTopologySource.of(() -> neighbourStore.all());
 * Topology t = Topology.merge(List.of(StaticTopologyFile.read(file), lldp));
 * }</pre>
 *
 * <p>Thread-safe if the supplier is.
 */
public final class LldpTopologySource implements TopologySource {

    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*[0-9/:][A-Za-z0-9/:._-]*");

    private final Supplier<List<LldpNeighbor>> neighbours;

    private LldpTopologySource(Supplier<List<LldpNeighbor>> neighbours) {
        this.neighbours = neighbours;
    }

    /** A source that asks {@code neighbours} for the current records on every read. */
    public static LldpTopologySource of(Supplier<List<LldpNeighbor>> neighbours) {
        return new LldpTopologySource(Objects.requireNonNull(neighbours, "neighbours"));
    }

    /** A source over a fixed list. */
    public static LldpTopologySource of(List<LldpNeighbor> neighbours) {
        List<LldpNeighbor> copy = List.copyOf(neighbours);
        return new LldpTopologySource(() -> copy);
    }

    @Override
    public String name() {
        return "lldp";
    }

    @Override
    public Result read() {
        List<TopologyLink> links = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>();
        List<Diagnostic> warnings = new ArrayList<>();
        List<LldpNeighbor> all = neighbours.get();
        for (LldpNeighbor n : all) {
            String object = "LLDP " + n.node() + "/" + n.localInterface();
            long onSamePf = all.stream()
                    .filter(o -> o.node().equals(n.node()) && o.localInterface().equals(n.localInterface()))
                    .count();
            if (onSamePf > 1) {
                errors.add(new Diagnostic(object, "", "several LLDP neighbours on one PF; the PF is left unmapped"));
                continue;
            }
            String leaf = n.systemName().strip();
            int dot = leaf.indexOf('.');
            if (dot > 0) {
                leaf = leaf.substring(0, dot);
            }
            if (leaf.isEmpty()) {
                errors.add(new Diagnostic(object, "chassis.name", "the neighbour sends no system name"));
                continue;
            }
            String subtype = n.portIdSubtype();
            String port;
            if ("ifname".equals(subtype)
                    || (subtype == null && INTERFACE.matcher(n.portId()).matches())) {
                port = n.portId();
            } else if (n.portDescription() != null
                    && INTERFACE.matcher(n.portDescription()).matches()) {
                port = n.portDescription();
                warnings.add(new Diagnostic(
                        object,
                        "port.descr",
                        "port id '" + n.portId() + "' (" + subtype + ") is not an interface name; used the port"
                                + " description '" + port + "' (set 'protocols lldp port-id-subtype interface-name'"
                                + " on the switch to avoid this)"));
            } else {
                errors.add(new Diagnostic(
                        object,
                        "port.id",
                        "port id '" + n.portId() + "' (" + subtype + ") is not an interface name and the description"
                                + " does not name one"));
                continue;
            }
            links.add(new TopologyLink(n.node(), n.localInterface(), leaf, port));
        }
        return new Result(links, errors, warnings);
    }
}
