package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.CablingLink;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.core.topology.TopologySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link TopologySource} that reads Apstra's cabling map: every physical link between a generic
 * system (server) and a leaf becomes a {@link TopologyLink} with the generic system's label as the
 * Kubernetes node name, the server-side interface name as the NIC, and the leaf label and leaf
 * interface name as the port. This relies on the convention that generic systems are named after
 * the Kubernetes nodes they model (issue 7); a server whose label is not a node name simply maps
 * nothing.
 *
 * <p>Aggregate (LAG) links are skipped: their member links carry the physical cabling. A link
 * whose ends lack interface names is reported as an error and skipped. Example:
 *
 * <pre>{@code
 * Topology t = Topology.merge(List.of(staticFile,
 *         new ApstraCablingTopologySource(apstra, blueprintId)));
 * }</pre>
 *
 * <p>{@link #read()} makes one remote call ({@code GET experience/web/cabling-map}). Thread-safe;
 * the client stays the caller's.
 */
public final class ApstraCablingTopologySource implements TopologySource {

    private final ApstraClient client;
    private final String blueprintId;

    /**
     * A source for one blueprint.
     *
     * @param client the Apstra client (not closed here)
     * @param blueprintId the datacenter blueprint
     */
    public ApstraCablingTopologySource(ApstraClient client, String blueprintId) {
        this.client = Objects.requireNonNull(client, "client");
        this.blueprintId = Objects.requireNonNull(blueprintId, "blueprintId");
    }

    @Override
    public String name() {
        return "apstra:" + blueprintId;
    }

    @Override
    public Result read() {
        List<TopologyLink> links = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>();
        for (CablingLink l : client.blueprint(blueprintId).graph().cablingMap()) {
            if ("aggregate_link".equals(l.type()) || l.endpoints().size() != 2) {
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
            if (server == null || leaf == null) {
                continue; // spine-leaf, external, access links
            }
            String node = server.systemLabel();
            String nic = server.interfaceName();
            String leafLabel = leaf.systemLabel();
            String port = leaf.interfaceName();
            if (isBlank(node) || isBlank(nic) || isBlank(leafLabel) || isBlank(port)) {
                errors.add(new Diagnostic(
                        "Topology " + name() + " link " + l.id(),
                        "endpoints",
                        "server or leaf side lacks a label or interface name (server " + node + " " + nic + ", leaf "
                                + leafLabel + " " + port + "); link skipped"));
                continue;
            }
            links.add(new TopologyLink(node, nic, leafLabel, port));
        }
        return new Result(links, errors, List.of());
    }

    private static boolean isBlank(@org.jspecify.annotations.Nullable String s) {
        return s == null || s.isBlank();
    }
}
