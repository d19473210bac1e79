package io.fabricbinder.core;

import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.sriov.PhysicalFunction;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The topology as the pods are mapped in: the distinct leaf ports ranked by leaf, then port (lets
 * the full plan sort its port bindings by counting instead of comparing strings), and the link of
 * every PF of the node states (looked up once per plan instead of once per attachment).
 */
final class LinkIndex {
    static final LinkIndex EMPTY =
            new LinkIndex(new IdentityHashMap<>(), new String[0], new String[0], new IdentityHashMap<>());

    /**
     * By identity: every link looked up comes from the topology the index was built from (see {@link
     * #rank}), and a link record's equals and hashCode would compare all its fields.
     */
    private final IdentityHashMap<TopologyLink, Integer> byLink;

    final String[] leaves;
    final String[] ports;
    /**
     * The link of each PF of the node states (null if it has none), looked up once per plan. By
     * identity: the PFs looked up are those of the same node states, and a PF that is not found is
     * looked up in the topology (see {@link #link}).
     */
    private final IdentityHashMap<PhysicalFunction, @Nullable TopologyLink> pfLinks;

    private LinkIndex(
            IdentityHashMap<TopologyLink, Integer> byLink,
            String[] leaves,
            String[] ports,
            IdentityHashMap<PhysicalFunction, @Nullable TopologyLink> pfLinks) {
        this.byLink = byLink;
        this.leaves = leaves;
        this.ports = ports;
        this.pfLinks = pfLinks;
    }

    /**
     * The topology link of a PF of {@code node}'s state: {@code topology.findLink(node, pf.name(),
     * pf.pciAddress())}, from the table built for the plan's node states.
     */
    @Nullable
    TopologyLink link(Topology topology, String node, PhysicalFunction pf) {
        TopologyLink l = pfLinks.get(pf);
        if (l != null || pfLinks.containsKey(pf)) {
            return l;
        }
        return topology.findLink(node, pf).orElse(null);
    }

    static LinkIndex of(Topology topology, Iterable<SriovNetworkNodeState> states) {
        IdentityHashMap<PhysicalFunction, @Nullable TopologyLink> pfLinks = new IdentityHashMap<>();
        for (SriovNetworkNodeState s : states) {
            for (PhysicalFunction pf : s.interfaces()) {
                pfLinks.put(pf, topology.findLink(s.nodeName(), pf).orElse(null));
            }
        }
        List<TopologyLink> links = new ArrayList<>(topology.links());
        links.sort((a, b) -> {
            int c = a.leaf().compareTo(b.leaf());
            return c != 0 ? c : a.port().compareTo(b.port());
        });
        IdentityHashMap<TopologyLink, Integer> byLink = new IdentityHashMap<>(links.size());
        List<String> leaves = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        TopologyLink prev = null;
        for (TopologyLink l : links) {
            if (prev == null || !prev.leaf().equals(l.leaf()) || !prev.port().equals(l.port())) {
                leaves.add(l.leaf());
                ports.add(l.port());
            }
            byLink.put(l, leaves.size() - 1);
            prev = l;
        }
        return new LinkIndex(byLink, leaves.toArray(new String[0]), ports.toArray(new String[0]), pfLinks);
    }

    /** The rank of a link of the topology, -1 for any other. */
    int rank(TopologyLink l) {
        Integer r = byLink.get(l);
        return r == null ? -1 : r;
    }

    int size() {
        return leaves.length;
    }
}
