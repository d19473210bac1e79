package io.fabricbinder.core;

import io.fabricbinder.core.manifest.LabelSelector;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.sriov.NetworkStatus;
import io.fabricbinder.sriov.PciAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates valid clusters (no conflicts) of a given size from a seed: nodes with two PFs each cabled
 * to a leaf port, NADs with unique VLANs and subnets, mesh routers over labels, and pods in every
 * state (running with known VF, running with VF not yet known, pending, terminating, finished).
 */
final class ClusterGenerator {

    static final String RESOURCE = "intel.com/intel_sriov_netdevice";

    final int nodes;
    final int networks;
    final int pods;

    ClusterGenerator(int nodes, int networks, int pods) {
        this.nodes = nodes;
        this.networks = networks;
        this.pods = pods;
    }

    static String pfPci(int pf) {
        return "0000:3b:00." + pf;
    }

    static String node(int i) {
        return "worker-" + i;
    }

    Topology topology() {
        List<TopologyLink> links = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            for (int pf = 0; pf < 2; pf++) {
                // PF 0 by PCI address, PF 1 by name: both lookups are exercised.
                links.add(new TopologyLink(
                        node(n), pf == 0 ? pfPci(0) : "ens1f1", "leaf" + (n / 24) * 2 + pf, "xe-0/0/" + (n % 24)));
            }
        }
        return Topology.of(links);
    }

    List<NetworkAttachmentDefinition> nads(SplittableRandom r) {
        List<NetworkAttachmentDefinition> out = new ArrayList<>();
        for (int i = 0; i < networks; i++) {
            String ns = "ns" + (i % 5);
            Map<String, String> labels = Map.of("group", "g" + r.nextInt(4));
            List<IpRange> ranges = new ArrayList<>();
            ranges.add(new IpRange(
                    "10." + (i / 256) + "." + (i % 256) + ".0/24",
                    null,
                    null,
                    List.of(),
                    "10." + (i / 256) + "." + (i % 256) + ".1"));
            if (r.nextInt(5) == 0) {
                ranges.add(IpRange.ofSubnet(String.format(Locale.ROOT, "fd00:%x::/64", i + 1)));
            }
            boolean extend = r.nextInt(10) != 0;
            Integer vni = r.nextInt(3) == 0 ? 20_000 + i : null;
            out.add(new NetworkAttachmentDefinition(
                    ns,
                    "net" + i,
                    labels,
                    RESOURCE,
                    extend,
                    vni,
                    null,
                    100 + i,
                    new IpamBlock(IpamBlock.TYPE, ranges, List.of(), null, List.of())));
        }
        return out;
    }

    List<VirtualNetworkRouter> routers(SplittableRandom r) {
        List<VirtualNetworkRouter> out = new ArrayList<>();
        for (int ns = 0; ns < 5; ns++) {
            if (r.nextBoolean()) {
                String g = "g" + r.nextInt(4);
                out.add(new VirtualNetworkRouter(
                        "ns" + ns,
                        "mesh-" + g,
                        "fabricbinder.io/v1alpha1",
                        Map.of(),
                        VirtualNetworkRouter.Type.MESH,
                        new LabelSelector(Map.of("group", g), List.of())));
            }
        }
        return out;
    }

    List<SriovNetworkNodeState> nodeStates() {
        List<SriovNetworkNodeState> out = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            List<io.fabricbinder.sriov.PhysicalFunction> pfs = new ArrayList<>();
            List<SriovNetworkNodeState.VfGroup> groups = new ArrayList<>();
            for (int pf = 0; pf < 2; pf++) {
                pfs.add(SriovNetworkNodeState.physicalFunction(
                        PciAddress.parse(pfPci(pf)), "ens1f" + pf, "8086", "158b", "i40e", 32, 64, List.of()));
                groups.add(new SriovNetworkNodeState.VfGroup(
                        PciAddress.parse(pfPci(pf)), "ens1f" + pf, "intel_sriov_netdevice", "0-31", "netdevice", null));
            }
            out.add(new SriovNetworkNodeState("sriov", node(n), "Succeeded", pfs, groups));
        }
        return out;
    }

    Pod pod(SplittableRandom r, int i, List<NetworkAttachmentDefinition> nads, String uidSuffix) {
        String ns = "ns" + (i % 5);
        List<NetworkAttachmentDefinition> mine =
                nads.stream().filter(n -> n.namespace().equals(ns)).toList();
        int count = mine.isEmpty() ? 0 : 1 + r.nextInt(Math.min(2, mine.size()));
        List<Pod.NetworkSelection> sel = new ArrayList<>();
        List<NetworkStatus> status = new ArrayList<>();
        int state = r.nextInt(20);
        boolean scheduled = state != 0;
        boolean vfKnown = state > 4;
        String node = scheduled ? node(r.nextInt(nodes)) : null;
        List<String> used = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            NetworkAttachmentDefinition n = mine.get(r.nextInt(mine.size()));
            if (used.contains(n.name())) {
                continue;
            }
            used.add(n.name());
            String iface = "net" + (k + 1);
            sel.add(new Pod.NetworkSelection(null, n.name(), iface, List.of(), null));
            if (vfKnown) {
                int pf = r.nextInt(2);
                String vf = String.format(Locale.ROOT, "0000:3b:%02x.%d", 2 + k, pf);
                status.add(new NetworkStatus(
                        n.key(),
                        iface,
                        List.of(),
                        null,
                        false,
                        new NetworkStatus.DeviceInfo(
                                "pci",
                                "1.1.0",
                                new NetworkStatus.Pci(
                                        PciAddress.parse(vf), PciAddress.parse(pfPci(pf)), null, null, null))));
            }
        }
        String phase = state == 1 ? "Succeeded" : state == 2 ? "Failed" : scheduled ? "Running" : "Pending";
        Instant deletion = state == 3 ? Instant.EPOCH : null;
        return new Pod(ns, "pod" + i, "uid-" + i + uidSuffix, node, phase, deletion, Map.of(), sel, status);
    }

    /** One cluster. */
    ClusterSnapshot generate(SplittableRandom r) {
        List<NetworkAttachmentDefinition> nads = nads(r);
        ManifestSet.Builder b = ManifestSet.builder();
        nads.forEach(b::add);
        routers(r).forEach(b::add);
        nodeStates().forEach(b::add);
        for (int i = 0; i < pods; i++) {
            b.add(pod(r, i, nads, ""));
        }
        return new ClusterSnapshot(b.build(), topology());
    }

    /** The cluster after churn: some pods deleted, re-created (new UID), or changed. */
    static ClusterSnapshot churn(ClusterSnapshot s, SplittableRandom r, ClusterGenerator g) {
        ManifestSet m = s.manifests();
        ManifestSet.Builder b = ManifestSet.builder();
        m.nads().forEach(b::add);
        m.virtualNetworkRouters().forEach(b::add);
        m.nodeStates().forEach(b::add);
        int i = 0;
        for (Pod p : m.pods()) {
            int dice = r.nextInt(6);
            if (dice == 0) {
                continue; // deleted
            }
            if (dice == 1) {
                b.add(g.pod(r, Integer.parseInt(p.name().substring(3)), m.nads(), "-b" + i++));
            } else {
                b.add(p);
            }
        }
        return new ClusterSnapshot(b.build(), s.topology());
    }
}
