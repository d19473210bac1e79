package io.fabricbinder.core.topology;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.sriov.PciAddress;
import java.util.List;
import java.util.Objects;

/**
 * Where cabling facts come from: a static file, LLDP neighbour records, the Apstra cabling map (implemented with the Apstra client), or
 * anything else. {@link Topology#merge(List)} combines several and reports disagreements.
 *
 * <p>{@link #read()} may do I/O; it is called once per merge. Implementations should report bad
 * entries as {@link Result#errors()} rather than throw.
 */
public interface TopologySource {

    /** A short name used in diagnostics, e.g. {@code static:topology.yaml}, {@code lldp}. */
    String name();

    /** Reads the links this source knows. */
    Result read();

    /** A fixed list of links. */
    static TopologySource of(String name, List<TopologyLink> links) {
        Objects.requireNonNull(name, "name");
        Result r = new Result(links, List.of(), List.of());
        return new TopologySource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result read() {
                return r;
            }
        };
    }

    /**
     * A NIC's two names on one node: the interface name and the PCI address are the same NIC. A
     * source that knows both (the node agent's inventory does) says so, and {@link Topology#merge}
     * then treats links naming either as links of one NIC, so a static file naming {@code ens1f0}
     * and LLDP naming {@code 0000:3b:00.0} agree or conflict instead of both being believed.
     *
     * @param node the node
     * @param name the PF's interface name
     * @param pciAddress the PF's PCI address
     */
    record NicName(String node, String name, PciAddress pciAddress) {
        /** Validates. */
        public NicName {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pciAddress, "pciAddress");
        }
    }

    /**
     * What a source read.
     *
     * @param links the links
     * @param errors entries that could not be used
     * @param warnings entries used with a caveat
     * @param nicNames interface name and PCI address pairs of the NICs this source knows
     */
    record Result(
            List<TopologyLink> links, List<Diagnostic> errors, List<Diagnostic> warnings, List<NicName> nicNames) {
        /** Copies. */
        public Result {
            links = List.copyOf(links);
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
            nicNames = List.copyOf(nicNames);
        }

        /** A result that knows no NIC names. */
        public Result(List<TopologyLink> links, List<Diagnostic> errors, List<Diagnostic> warnings) {
            this(links, errors, warnings, List.of());
        }
    }
}
