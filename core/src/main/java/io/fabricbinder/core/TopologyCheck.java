package io.fabricbinder.core;

import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.core.topology.TopologySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the topology against the leaf ports the fabric has ({@link FabricGateway#leafPorts()})
 * before anything is planned. A link to a leaf or a port the blueprint does not have is an error
 * naming the link, and the link is dropped: its NIC is then unmapped, so the pods behind it are
 * errors and their networks keep every port tagged (no port is untagged as a side effect of a
 * link that points nowhere), and nothing tries to tag a port that does not exist.
 */
final class TopologyCheck {

    private TopologyCheck() {}

    /** The snapshot with links to unknown leafs or ports removed and reported as errors. */
    static ClusterSnapshot against(ClusterSnapshot snapshot, Map<String, Set<String>> leafPorts) {
        Topology topology = snapshot.topology();
        List<TopologyLink> kept = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>(topology.errors());
        for (TopologyLink l : topology.links()) {
            Set<String> ports = leafPorts.get(l.leaf());
            String problem = null;
            String field = "";
            if (ports == null) {
                field = "leaf";
                problem = "the blueprint has no leaf '" + l.leaf() + "' (leafs: "
                        + String.join(", ", leafPorts.keySet()) + ")";
            } else if (!ports.contains(l.port())) {
                field = "port";
                problem = "leaf " + l.leaf() + " has no interface '" + l.port() + "' in the blueprint";
            }
            if (problem == null) {
                kept.add(l);
            } else {
                errors.add(new Diagnostic(
                        ObjectRef.clusterScoped("Topology", l.node() + "/" + l.nic()),
                        field,
                        problem + "; the NIC is left unmapped and the ports of its pods keep their tags until the"
                                + " topology is fixed"));
            }
        }
        if (kept.size() == topology.links().size()) {
            return snapshot;
        }
        TopologySource.Result checked = new TopologySource.Result(kept, errors, topology.warnings());
        TopologySource source = new TopologySource() {
            @Override
            public String name() {
                return "checked";
            }

            @Override
            public TopologySource.Result read() {
                return checked;
            }
        };
        return new ClusterSnapshot(snapshot.manifests(), Topology.merge(List.of(source)));
    }
}
