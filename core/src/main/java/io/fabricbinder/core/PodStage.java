package io.fabricbinder.core;

import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.RequestedAddressException;
import io.fabricbinder.sriov.NetworkStatus;
import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PhysicalFunction;
import io.fabricbinder.sriov.VirtualFunction;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The pod stage of planning: what one pod contributes given the network level ({@link
 * MappingContext}): the port bindings it needs (pod, VF, PF, leaf port), its attachments to
 * fabricbinder-ipam pools, and its own errors and warnings. Shared by the full planner and {@link
 * IncrementalPlanner}; a contribution depends on nothing but the pod and the context.
 */
final class PodStage {

    private PodStage() {}

    private static boolean isActive(Pod pod) {
        return !pod.isTerminating() && !"Succeeded".equals(pod.phase()) && !"Failed".equals(pod.phase());
    }

    /**
     * What one pod contributes, given the network context: the port bindings it needs, its
     * attachments to fabricbinder-ipam pools, and its own errors and warnings. Depends on nothing but
     * the pod and the context, which is what lets the incremental planner recompute one pod alone.
     */
    static PodContribution contribute(Pod pod, MappingContext ctx) {
        PodContribution out = new PodContribution(pod);
        List<Pod.NetworkSelection> selections = pod.networks();
        String[] nadKeys = new String[selections.size()];
        NadInfo[] infos = new NadInfo[nadKeys.length];
        for (int i = 0; i < nadKeys.length; i++) {
            nadKeys[i] = selections.get(i).nadKey(pod.namespace());
            infos[i] = ctx.nads().get(nadKeys[i]);
        }
        String node = pod.nodeName();
        if (isActive(pod) && node != null) {
            bindPod(pod, node, nadKeys, infos, ctx, out);
        }
        attachments(pod, nadKeys, infos, out);
        return out;
    }

    private static void bindPod(
            Pod pod,
            String node,
            String[] nadKeys,
            @Nullable NadInfo[] infos,
            MappingContext ctx,
            PodContribution out) {
        Topology topology = ctx.topology();
        Set<String> frozenNetworks = ctx.frozenNetworks();
        ObjectRef object = pod.ref();
        for (int i = 0; i < nadKeys.length; i++) {
            Pod.NetworkSelection sel = pod.networks().get(i);
            String nadKey = nadKeys[i];
            int ordinal = ordinal(nadKeys, i);
            NadInfo info = infos[i];
            if (info == null) {
                if (!frozenNetworks.contains(nadKey)) {
                    out.warning(new Diagnostic(
                            object, Planner.NETWORKS_FIELD + "[" + i + "]", "network " + nadKey + " does not exist"));
                }
                continue;
            }
            if (!info.bound()) {
                continue;
            }
            NetworkAttachmentDefinition nad = info.nad();
            NetworkStatus status = statusFor(pod, nadKey, sel.interfaceName(), ordinal);
            NetworkStatus.Pci pci = status == null || status.deviceInfo() == null
                    ? null
                    : status.deviceInfo().pci();
            SriovNetworkNodeState state = ctx.states().get(node);
            if (pci != null) {
                PciAddress pfPci = pci.pfPciAddress();
                String pfName = null;
                PhysicalFunction pf = null;
                if (state != null) {
                    pf = pfPci != null ? pfByPci(state, pfPci) : pfOfVf(state, pci.pciAddress());
                    if (pf != null) {
                        pfPci = pf.pciAddress();
                        pfName = pf.name().isEmpty() ? null : pf.name();
                    }
                }
                if (pfPci == null && pfName == null) {
                    out.unmapped(
                            nadKey,
                            object,
                            Planner.STATUS_FIELD,
                            "VF " + pci.pciAddress() + " for " + nadKey
                                    + " has no pf-pci-address and the node state of " + node + " does not list it");
                    continue;
                }
                TopologyLink l = pf != null
                        ? ctx.linkIndex().link(topology, node, pf)
                        : topology.findLink(node, pfName, pfPci).orElse(null);
                if (l == null) {
                    out.unmapped(
                            nadKey,
                            object,
                            "spec.nodeName",
                            "no topology link for node " + node + " PF " + (pfName != null ? pfName + " " : "")
                                    + (pfPci != null ? pfPci : "") + " (attachment " + nadKey + ")");
                    continue;
                }
                out.bind(l, info, ctx.linkIndex());
            } else {
                // The VF is not known yet: every PF that can back the NAD's resource on this node.
                String resource = nad.resourceName();
                if (resource == null || state == null) {
                    out.unmapped(
                            nadKey,
                            object,
                            Planner.STATUS_FIELD,
                            "the VF for " + nadKey + " is not known yet and "
                                    + (resource == null
                                            ? "the NAD has no " + NetworkAttachmentDefinition.RESOURCE_ANNOTATION
                                                    + " annotation"
                                            : "node " + node + " has no SriovNetworkNodeState"));
                    continue;
                }
                List<PhysicalFunction> pfs = pfsFor(state, resource);
                if (pfs.isEmpty()) {
                    out.unmapped(
                            nadKey,
                            object,
                            Planner.STATUS_FIELD,
                            "the VF for " + nadKey + " is not known yet and no PF on node " + node + " backs "
                                    + resource);
                    continue;
                }
                List<TopologyLink> links = new ArrayList<>(pfs.size());
                for (PhysicalFunction pf : pfs) {
                    TopologyLink l = ctx.linkIndex().link(topology, node, pf);
                    if (l == null) {
                        out.unmapped(
                                nadKey,
                                object,
                                "spec.nodeName",
                                "no topology link for node " + node + " PF "
                                        + (pf.name().isEmpty() ? "" : pf.name() + " ") + pf.pciAddress()
                                        + " (attachment " + nadKey + ")");
                    } else {
                        links.add(l);
                    }
                }
                for (TopologyLink l : links) {
                    out.bind(l, info, ctx.linkIndex());
                }
            }
        }
    }

    /** The pod's attachments to fabricbinder-ipam pools (every pod but finished ones). */
    private static void attachments(Pod pod, String[] nadKeys, @Nullable NadInfo[] infos, PodContribution out) {
        boolean finished = "Succeeded".equals(pod.phase()) || "Failed".equals(pod.phase());
        if (finished) {
            return;
        }
        String[] interfaces = new String[nadKeys.length];
        for (int i = 0; i < nadKeys.length; i++) {
            Pod.NetworkSelection sel = pod.networks().get(i);
            String nadKey = nadKeys[i];
            PoolSpec spec = infos[i] == null ? null : infos[i].pool();
            String iface = interfaceName(pod, sel, nadKeys, i);
            if (contains(interfaces, iface)) {
                out.error(new Diagnostic(
                        out.pod.ref(),
                        Planner.NETWORKS_FIELD + "[" + i + "]",
                        "interface " + iface + " is requested twice"));
                continue;
            }
            interfaces[i] = iface;
            if (spec == null) {
                continue;
            }
            String uid = pod.uid() == null ? "no-uid" : pod.uid();
            Owner owner;
            try {
                owner = new Owner(pod.namespace(), pod.name(), uid, iface);
            } catch (IllegalArgumentException e) {
                out.error(new Diagnostic(
                        out.pod.ref(), Planner.NETWORKS_FIELD + "[" + i + "]", String.valueOf(e.getMessage())));
                continue;
            }
            List<@Nullable InetAddress> requested = List.of();
            boolean invalid = false;
            if (!sel.ips().isEmpty()) {
                try {
                    requested = spec.requestedPerRange(sel.ips());
                } catch (RequestedAddressException e) {
                    // Frozen, not dropped: the attachment keeps what it holds and gets nothing new.
                    invalid = true;
                    out.error(new Diagnostic(
                            out.pod.ref(),
                            Planner.NETWORKS_FIELD + "[" + i + "].ips",
                            String.valueOf(e.getMessage()) + "; the attachment gets no address until the request"
                                    + " or the network is fixed"));
                }
            }
            out.attach(new Attachment(out.podKey, owner, nadKey, pod.isTerminating(), i, spec, requested, invalid));
        }
    }

    private static @Nullable PhysicalFunction pfOfVf(SriovNetworkNodeState state, PciAddress vfPci) {
        for (PhysicalFunction pf : state.interfaces()) {
            for (VirtualFunction vf : pf.virtualFunctions()) {
                if (vf.pciAddress().equals(vfPci)) {
                    return pf;
                }
            }
        }
        return null;
    }

    /** The network-status entry of one attachment: by interface name, else the n-th entry of that network. */
    private static @Nullable NetworkStatus statusFor(
            Pod pod, String nadKey, @Nullable String interfaceName, int ordinal) {
        int seen = 0;
        for (NetworkStatus s : pod.networkStatus()) {
            if (s.isDefault() || !nameMatches(s.name(), nadKey, pod.namespace())) {
                continue;
            }
            if (interfaceName != null) {
                if (interfaceName.equals(s.interfaceName())) {
                    return s;
                }
            } else if (seen++ == ordinal) {
                return s;
            }
        }
        return null;
    }

    private static boolean nameMatches(String statusName, String nadKey, String podNamespace) {
        return statusName.equals(nadKey) || (podNamespace + "/" + statusName).equals(nadKey);
    }

    /** How many selections before {@code index} name the same NAD. */
    private static int ordinal(String[] nadKeys, int index) {
        int ordinal = 0;
        for (int i = 0; i < index; i++) {
            if (nadKeys[i].equals(nadKeys[index])) {
                ordinal++;
            }
        }
        return ordinal;
    }

    private static boolean contains(@Nullable String[] items, String item) {
        for (String s : items) {
            if (item.equals(s)) {
                return true;
            }
        }
        return false;
    }

    /** The PF with this PCI address (exact match, as {@code findPhysicalFunction}), without a stream. */
    private static @Nullable PhysicalFunction pfByPci(SriovNetworkNodeState state, PciAddress pci) {
        for (PhysicalFunction pf : state.interfaces()) {
            if (pf.pciAddress().equals(pci)) {
                return pf;
            }
        }
        return null;
    }

    /** The distinct PFs backing the resource, in VF-group order (as {@code physicalFunctionsFor}). */
    private static List<PhysicalFunction> pfsFor(SriovNetworkNodeState state, String resource) {
        String bare = resource.substring(resource.indexOf('/') + 1);
        List<PhysicalFunction> out = new ArrayList<>(2);
        for (SriovNetworkNodeState.VfGroup g : state.vfGroups()) {
            if (g.resourceName().equals(bare)) {
                PhysicalFunction pf = pfByPci(state, g.pfPciAddress());
                if (pf != null && !out.contains(pf)) {
                    out.add(pf);
                }
            }
        }
        return out;
    }

    /** The interface name: requested, else reported by Multus, else Multus' default {@code net<n>}. */
    private static String interfaceName(Pod pod, Pod.NetworkSelection sel, String[] nadKeys, int index) {
        if (sel.interfaceName() != null) {
            return sel.interfaceName();
        }
        String nadKey = nadKeys[index];
        NetworkStatus s = statusFor(pod, nadKey, null, ordinal(nadKeys, index));
        if (s != null && s.interfaceName() != null) {
            return s.interfaceName();
        }
        return "net" + (index + 1);
    }
}
