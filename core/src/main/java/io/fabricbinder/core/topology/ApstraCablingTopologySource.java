package io.fabricbinder.core.topology;

import io.fabricbinder.apstra.CablingLink;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Topology from Apstra's cabling map: every link between a generic system (named after the
 * Kubernetes node) and a leaf gives a link from the node's NIC (the generic system's interface
 * name, which must be the PF name or PCI address) to the leaf port.
 *
 * <p>Links whose generic-system side has no interface name are skipped with a warning (the map
 * knows the leaf port but not which NIC). Aggregate (LAG) links are skipped with a warning: SR-IOV
 * PFs are cabled singly. Example (the supplier is the Apstra client's cabling-map read):
 *
 * <pre>{@code
 * TopologySource apstra = ApstraCablingTopologySource.of(() -> blueprint.cablingMap());
 * }</pre>
 *
 * <p>Thread-safe if the supplier is.
 */
public final class ApstraCablingTopologySource implements TopologySource {

    private final Supplier<List<CablingLink>> cablingMap;

    private ApstraCablingTopologySource(Supplier<List<CablingLink>> cablingMap) {
        this.cablingMap = cablingMap;
    }

    /** A source that reads the cabling map through {@code cablingMap} on every read. */
    public static ApstraCablingTopologySource of(Supplier<List<CablingLink>> cablingMap) {
        return new ApstraCablingTopologySource(Objects.requireNonNull(cablingMap, "cablingMap"));
    }

    @Override
    public String name() {
        return "apstra-cabling-map";
    }

    @Override
    public Result read() {
        List<TopologyLink> links = new ArrayList<>();
        List<Diagnostic> warnings = new ArrayList<>();
        for (CablingLink l : cablingMap.get()) {
            if (l.endpoints().size() != 2) {
                continue;
            }
            CablingLink.Endpoint server = null;
            CablingLink.Endpoint leaf = null;
            for (CablingLink.Endpoint e : l.endpoints()) {
                if ("generic".equals(e.systemRole())) {
                    server = e;
                } else if ("leaf".equals(e.systemRole())) {
                    leaf = e;
                }
            }
            if (server == null || leaf == null || server.systemLabel() == null || leaf.systemLabel() == null) {
                continue;
            }
            ObjectRef object = ObjectRef.clusterScoped("CablingLink", l.id());
            if ("aggregate_link".equals(l.type()) || "port_channel".equals(leaf.interfaceType())) {
                warnings.add(new Diagnostic(object, "type", "aggregate link to " + server.systemLabel() + " skipped"));
                continue;
            }
            if (server.interfaceName() == null || leaf.interfaceName() == null) {
                warnings.add(new Diagnostic(
                        object,
                        "endpoints.interface.if_name",
                        "link " + server.systemLabel() + " - " + leaf.systemLabel()
                                + " has no interface name on one side; skipped"));
                continue;
            }
            links.add(new TopologyLink(
                    server.systemLabel(), server.interfaceName(), leaf.systemLabel(), leaf.interfaceName()));
        }
        return new Result(links, List.of(), warnings);
    }
}
