package io.fabricbinder.core.topology;

import io.fabricbinder.core.Diagnostic;
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
     * What a source read.
     *
     * @param links the links
     * @param errors entries that could not be used
     * @param warnings entries used with a caveat
     */
    record Result(List<TopologyLink> links, List<Diagnostic> errors, List<Diagnostic> warnings) {
        /** Copies. */
        public Result {
            links = List.copyOf(links);
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }
}
