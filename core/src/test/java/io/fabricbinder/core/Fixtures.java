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
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Small builders for planner tests. */
final class Fixtures {

    static final String RESOURCE = "intel.com/intel_sriov_netdevice";

    private Fixtures() {}

    static NetworkAttachmentDefinition nad(String ns, String name, int vlan, String subnet, String gateway) {
        return nad(ns, name, vlan, null, Map.of(), new IpRange(subnet, null, null, List.of(), gateway));
    }

    static NetworkAttachmentDefinition nad(
            String ns, String name, int vlan, @Nullable Integer vni, Map<String, String> labels, IpRange... ranges) {
        return new NetworkAttachmentDefinition(
                ns,
                name,
                labels,
                RESOURCE,
                true,
                vni,
                null,
                vlan,
                new IpamBlock(IpamBlock.TYPE, List.of(ranges), List.of(), null, List.of()));
    }

    static IpRange range(String subnet, @Nullable String gateway) {
        return new IpRange(subnet, null, null, List.of(), gateway);
    }

    static NetworkAttachmentDefinition labelled(NetworkAttachmentDefinition n, Map<String, String> labels) {
        return new NetworkAttachmentDefinition(
                n.namespace(),
                n.name(),
                labels,
                n.resourceName(),
                n.extendToFabric(),
                n.vni(),
                n.cniConfig(),
                n.vlan(),
                n.ipam());
    }

    static VirtualNetworkRouter mesh(String ns, String name, Map<String, String> match) {
        return new VirtualNetworkRouter(
                ns,
                name,
                "fabricbinder.io/v1alpha1",
                Map.of(),
                VirtualNetworkRouter.Type.MESH,
                new LabelSelector(match, List.of()));
    }

    /** A running pod on {@code node} attached to {@code nads} (same namespace), VFs known on PF {@code pfPci}. */
    static Pod pod(String ns, String name, String node, @Nullable String pfPci, String... nads) {
        List<Pod.NetworkSelection> sel = new ArrayList<>();
        List<NetworkStatus> status = new ArrayList<>();
        for (int i = 0; i < nads.length; i++) {
            String iface = "net" + (i + 1);
            sel.add(new Pod.NetworkSelection(null, nads[i], iface, List.of(), null));
            if (pfPci != null) {
                String vf = pfPci.substring(0, 8) + String.format(java.util.Locale.ROOT, "%02x", 2 + i) + ".0";
                status.add(new NetworkStatus(
                        ns + "/" + nads[i],
                        iface,
                        List.of(),
                        null,
                        false,
                        new NetworkStatus.DeviceInfo(
                                "pci",
                                "1.1.0",
                                new NetworkStatus.Pci(
                                        PciAddress.parse(vf),
                                        pfPci == null ? null : PciAddress.parse(pfPci),
                                        null,
                                        null,
                                        null))));
            }
        }
        return new Pod(ns, name, "uid-" + name, node, "Running", null, Map.of(), sel, status);
    }

    static Pod terminating(Pod p) {
        return new Pod(
                p.namespace(),
                p.name(),
                p.uid(),
                p.nodeName(),
                p.phase(),
                Instant.EPOCH,
                p.labels(),
                p.networks(),
                p.networkStatus());
    }

    static Pod phase(Pod p, String phase) {
        return new Pod(
                p.namespace(),
                p.name(),
                p.uid(),
                p.nodeName(),
                phase,
                null,
                p.labels(),
                p.networks(),
                p.networkStatus());
    }

    /** A node with one PF per given PCI address (named ens1f0, ens1f1, ...) all backing {@link #RESOURCE}. */
    static SriovNetworkNodeState nodeState(String node, String... pfPcis) {
        List<io.fabricbinder.sriov.PhysicalFunction> pfs = new ArrayList<>();
        List<SriovNetworkNodeState.VfGroup> groups = new ArrayList<>();
        for (int i = 0; i < pfPcis.length; i++) {
            pfs.add(SriovNetworkNodeState.physicalFunction(
                    PciAddress.parse(pfPcis[i]), "ens1f" + i, "8086", "158b", "i40e", 8, 64, List.of()));
            groups.add(new SriovNetworkNodeState.VfGroup(
                    PciAddress.parse(pfPcis[i]), "ens1f" + i, "intel_sriov_netdevice", "0-7", "netdevice", null));
        }
        return new SriovNetworkNodeState("sriov", node, "Succeeded", pfs, groups);
    }

    static TopologyLink link(String node, String nic, String leaf, String port) {
        return new TopologyLink(node, nic, leaf, port);
    }

    static ClusterSnapshot snapshot(List<?> objects, List<TopologyLink> links, Diagnostic... errors) {
        ManifestSet.Builder b = ManifestSet.builder();
        for (Object o : objects) {
            if (o instanceof NetworkAttachmentDefinition n) {
                b.add(n);
            } else if (o instanceof Pod p) {
                b.add(p);
            } else if (o instanceof VirtualNetworkRouter r) {
                b.add(r);
            } else if (o instanceof SriovNetworkNodeState s) {
                b.add(s);
            } else {
                throw new IllegalArgumentException(String.valueOf(o));
            }
        }
        for (Diagnostic e : errors) {
            b.error(e);
        }
        return new ClusterSnapshot(b.build(), Topology.of(links));
    }
}
