package io.fabricbinder.core;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.manifest.IpPrefix;
import io.fabricbinder.core.manifest.IpamConfig;
import io.fabricbinder.core.manifest.ManifestError;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The pure planner: desired fabric from a snapshot, diffed against the owned actual fabric and the
 * IPAM allocations. No side effects; deterministic (every iteration is over sorted inputs).
 *
 * <p>One instance per plan: it collects diagnostics as it goes. See docs/architecture.md for the
 * rules it implements.
 */
final class Planner {

    static final String NAD = NetworkAttachmentDefinition.KIND + " ";
    static final String POD = Pod.KIND + " ";
    static final String NETWORKS_FIELD = "metadata.annotations[" + Pod.NETWORKS_ANNOTATION + "]";
    static final String STATUS_FIELD = "metadata.annotations[" + Pod.NETWORK_STATUS_ANNOTATION + "]";

    private final ClusterSnapshot snapshot;
    private final FabricState actual;
    private final AddressBook addresses;
    private final long vniMin;
    private final long vniMax;

    private final List<Diagnostic> errors = new ArrayList<>();
    private final List<Diagnostic> warnings = new ArrayList<>();

    /** NAD keys present in the cluster but invalid or excluded: their networks are kept as they are. */
    private final Set<String> frozenNetworks = new TreeSet<>();
    /** Networks some running attachment of which could not be mapped: their ports are never untagged. */
    private final Set<String> untagFrozen = new TreeSet<>();
    /** Pod keys present but invalid: their addresses are kept. */
    private final Set<String> invalidPods = new HashSet<>();

    Planner(ClusterSnapshot snapshot, FabricState actual, AddressBook addresses, long vniMin, long vniMax) {
        this.snapshot = snapshot;
        this.actual = actual;
        this.addresses = addresses;
        this.vniMin = vniMin;
        this.vniMax = vniMax;
    }

    Plan plan() {
        ManifestSet m = snapshot.manifests();
        for (ManifestError e : m.errors()) {
            errors.add(new Diagnostic(e.object(), e.field(), e.message()));
            if (e.object().startsWith(NAD)) {
                frozenNetworks.add(e.object().substring(NAD.length()));
            } else if (e.object().startsWith(POD)) {
                invalidPods.add(e.object().substring(POD.length()));
            }
        }
        for (ManifestError w : m.warnings()) {
            warnings.add(new Diagnostic(w.object(), w.field(), w.message()));
        }
        errors.addAll(snapshot.topology().errors());
        warnings.addAll(snapshot.topology().warnings());

        Map<String, NetworkAttachmentDefinition> nads = new TreeMap<>();
        for (NetworkAttachmentDefinition nad : m.nads()) {
            nads.put(nad.key(), nad);
        }
        Map<String, VirtualNetworkSpec> actualNets = actual.networksByName();

        // 1. Networks (without zone and VNI yet): validate what the fabric needs.
        Map<String, NetDraft> drafts = new TreeMap<>();
        for (NetworkAttachmentDefinition nad : nads.values()) {
            if (!nad.extendToFabric()) {
                continue;
            }
            NetDraft d = draft(nad);
            if (d != null) {
                drafts.put(nad.key(), d);
            }
        }
        // 2. Routing zones from mesh VNRs (same namespace as the NAD).
        assignZones(drafts, nads, m.virtualNetworkRouters());
        // 3. VNIs: pinned first, then the ones already on the fabric, then new ones.
        assignVnis(drafts, actualNets);
        // 4. Overlapping subnets inside one routing zone.
        checkOverlaps(drafts);

        Map<String, VirtualNetworkSpec> desiredNets = new TreeMap<>();
        for (NetDraft d : drafts.values()) {
            desiredNets.put(d.name, d.toSpec());
        }
        for (String frozen : frozenNetworks) {
            VirtualNetworkSpec existing = actualNets.get(frozen);
            if (existing != null) {
                desiredNets.put(frozen, existing);
                warnings.add(new Diagnostic(
                        NAD + frozen,
                        "",
                        "the NAD has errors; its fabric network " + existing.label()
                                + " is kept as it is until they are fixed (only deleting the NAD removes it)"));
            }
        }

        // 5. Port bindings and IP allocations from the pods.
        Map<PortBinding.Key, Set<String>> podsByBinding = new HashMap<>();
        List<IpAllocationEntry> allocations = new ArrayList<>();
        Map<String, PoolSpec> pools = new TreeMap<>();
        bindPods(m, nads, drafts, podsByBinding);
        allocate(m, nads, allocations, pools);

        // 6. Port conflicts: two networks with the same VLAN on one port.
        Set<PortBinding.Key> conflicting = portConflicts(podsByBinding, new HashMap<>(desiredNets));

        // Diff.
        List<VirtualNetworkChange> netChanges = new ArrayList<>();
        for (VirtualNetworkSpec want : desiredNets.values()) {
            VirtualNetworkSpec have = actualNets.get(want.name());
            if (have == null) {
                netChanges.add(new VirtualNetworkChange(ChangeAction.CREATE, want, null));
            } else if (have.equals(want)) {
                netChanges.add(new VirtualNetworkChange(ChangeAction.UNCHANGED, want, have));
            } else {
                netChanges.add(new VirtualNetworkChange(ChangeAction.UPDATE, want, have));
            }
        }
        for (VirtualNetworkSpec have : actualNets.values()) {
            if (!desiredNets.containsKey(have.name())) {
                netChanges.add(new VirtualNetworkChange(ChangeAction.DELETE, have, have));
            }
        }

        Map<String, List<String>> zoneMembers = new TreeMap<>();
        for (VirtualNetworkSpec n : desiredNets.values()) {
            zoneMembers
                    .computeIfAbsent(n.placementZone(), z -> new ArrayList<>())
                    .add(n.name());
        }
        Map<String, RoutingZoneSpec> actualZones = actual.zonesByName();
        List<RoutingZoneChange> zoneChanges = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : zoneMembers.entrySet()) {
            RoutingZoneSpec want = new RoutingZoneSpec(e.getKey(), e.getValue());
            RoutingZoneSpec have = actualZones.get(e.getKey());
            zoneChanges.add(
                    have == null
                            ? new RoutingZoneChange(ChangeAction.CREATE, want, null)
                            : new RoutingZoneChange(ChangeAction.UNCHANGED, want, have));
        }
        for (RoutingZoneSpec have : actualZones.values()) {
            if (!zoneMembers.containsKey(have.name())) {
                zoneChanges.add(new RoutingZoneChange(ChangeAction.DELETE, have, have));
            }
        }

        Map<PortBinding.Key, PortBinding> actualPorts = new HashMap<>(actual.bindingsByKey());
        Map<String, VirtualNetworkSpec> netIndex = new HashMap<>(desiredNets);
        List<PortBindingChange> portChanges = new ArrayList<>();
        Set<PortBinding.Key> desiredKeys = new HashSet<>();
        for (Map.Entry<PortBinding.Key, Set<String>> e : podsByBinding.entrySet()) {
            PortBinding.Key k = e.getKey();
            VirtualNetworkSpec net = netIndex.get(k.virtualNetwork());
            if (net == null || conflicting.contains(k) || frozenNetworks.contains(k.virtualNetwork())) {
                continue;
            }
            desiredKeys.add(k);
            PortBinding b =
                    new PortBinding(k.leaf(), k.port(), k.virtualNetwork(), net.vlan(), List.copyOf(e.getValue()));
            portChanges.add(
                    new PortBindingChange(actualPorts.containsKey(k) ? PortAction.UNCHANGED : PortAction.TAG, b));
        }
        for (PortBinding have : actualPorts.values()) {
            PortBinding.Key k = have.key();
            if (desiredKeys.contains(k)) {
                continue;
            }
            boolean networkStays = netIndex.containsKey(k.virtualNetwork());
            boolean keep = networkStays
                    && (frozenNetworks.contains(k.virtualNetwork())
                            || untagFrozen.contains(k.virtualNetwork())
                            || conflicting.contains(k));
            portChanges.add(new PortBindingChange(keep ? PortAction.UNCHANGED : PortAction.UNTAG, have));
        }
        for (String n : untagFrozen) {
            if (actualPorts.keySet().stream().anyMatch(k -> k.virtualNetwork().equals(n) && !desiredKeys.contains(k))) {
                warnings.add(new Diagnostic(
                        NAD + n,
                        "",
                        "some attachments could not be mapped to a leaf port; no port of this network is untagged"
                                + " until they are"));
            }
        }
        return new Plan(zoneChanges, netChanges, portChanges, allocations, errors, warnings, pools);
    }

    // ------------------------------------------------------------------ networks

    private @Nullable NetDraft draft(NetworkAttachmentDefinition nad) {
        String object = NAD + nad.key();
        Integer vlan = nad.vlan();
        if (vlan == null || vlan == 0) {
            exclude(
                    nad.key(),
                    object,
                    "spec.config.vlan",
                    "extending a network to the fabric needs a VLAN 1..4094 on the sriov plugin, got "
                            + (vlan == null ? "none" : "0"));
            return null;
        }
        NetDraft d = new NetDraft(nad.key(), vlan);
        d.pinnedVni = nad.vni();
        IpamConfig ipam = nad.ipam();
        if (ipam != null && ipam.isFabricBinder()) {
            for (IpamConfig.Range r : ipam.ranges()) {
                if (r.subnet().isIpv4()) {
                    if (d.v4 != null) {
                        exclude(
                                nad.key(),
                                object,
                                "spec.config.ipam.ipRanges",
                                "a fabric network takes one IPv4 and one IPv6 subnet, got " + d.v4 + " and "
                                        + r.subnet());
                        return null;
                    }
                    d.v4 = r.subnet();
                    d.v4Gateway = r.gateway();
                } else {
                    if (d.v6 != null) {
                        exclude(
                                nad.key(),
                                object,
                                "spec.config.ipam.ipRanges",
                                "a fabric network takes one IPv4 and one IPv6 subnet, got " + d.v6 + " and "
                                        + r.subnet());
                        return null;
                    }
                    d.v6 = r.subnet();
                    d.v6Gateway = r.gateway();
                }
            }
        } else {
            warnings.add(new Diagnostic(
                    object,
                    "spec.config.ipam",
                    ipam == null
                            ? "no IPAM block; the network is extended at layer 2 only (no subnet, no gateway)"
                            : "IPAM type '" + ipam.type() + "' is not fabricbinder-ipam; the network is extended at"
                                    + " layer 2 only (no subnet, no gateway)"));
        }
        return d;
    }

    private void assignZones(
            Map<String, NetDraft> drafts,
            Map<String, NetworkAttachmentDefinition> nads,
            List<VirtualNetworkRouter> vnrs) {
        for (NetDraft d : drafts.values()) {
            NetworkAttachmentDefinition nad = nads.get(d.name);
            List<String> selecting = new ArrayList<>();
            for (VirtualNetworkRouter vnr : vnrs) {
                if (vnr.type() == VirtualNetworkRouter.Type.MESH
                        && vnr.namespace().equals(nad.namespace())
                        && vnr.virtualNetworkSelector().matches(nad.labels())) {
                    selecting.add(vnr.key());
                }
            }
            if (selecting.isEmpty()) {
                continue;
            }
            d.zone = selecting.get(0);
            if (selecting.size() > 1) {
                warnings.add(new Diagnostic(
                        NAD + d.name,
                        "metadata.labels",
                        "selected by several VirtualNetworkRouters " + selecting + "; a network can be in one routing"
                                + " zone only, so it joins " + d.zone + " (the first by namespace/name) and is not"
                                + " routed to the networks of the others"));
            }
        }
    }

    private void assignVnis(Map<String, NetDraft> drafts, Map<String, VirtualNetworkSpec> actualNets) {
        Map<Long, List<String>> pinned = new TreeMap<>();
        for (NetDraft d : drafts.values()) {
            if (d.pinnedVni != null) {
                pinned.computeIfAbsent(d.pinnedVni.longValue(), v -> new ArrayList<>())
                        .add(d.name);
            }
        }
        Map<Long, String> used = new HashMap<>();
        for (Map.Entry<Long, List<String>> e : pinned.entrySet()) {
            if (e.getValue().size() > 1) {
                for (String n : e.getValue()) {
                    exclude(
                            n,
                            NAD + n,
                            "metadata.annotations[" + NetworkAttachmentDefinition.VNI_ANNOTATION + "]",
                            "VNI " + e.getKey() + " is used by several networks: " + e.getValue());
                    drafts.remove(n);
                }
            } else {
                used.put(e.getKey(), e.getValue().get(0));
            }
        }
        // Networks already on the fabric keep their VNI (stable), unless it is now pinned elsewhere.
        // Kept networks of invalid NADs hold their VNI too.
        Map<Long, String> held = new TreeMap<>();
        for (VirtualNetworkSpec have : actualNets.values()) {
            if (frozenNetworks.contains(have.name())) {
                held.put(have.vni(), have.name());
            }
        }
        for (Map.Entry<Long, String> h : held.entrySet()) {
            String owner = used.get(h.getKey());
            if (owner != null && !owner.equals(h.getValue())) {
                exclude(
                        owner,
                        NAD + owner,
                        "metadata.annotations[" + NetworkAttachmentDefinition.VNI_ANNOTATION + "]",
                        "VNI " + h.getKey() + " is used by the fabric network of " + h.getValue());
                drafts.remove(owner);
                used.remove(h.getKey());
            }
            used.put(h.getKey(), h.getValue());
        }
        for (NetDraft d : drafts.values()) {
            if (d.pinnedVni != null) {
                d.vni = d.pinnedVni;
                continue;
            }
            VirtualNetworkSpec have = actualNets.get(d.name);
            if (have != null && !used.containsKey(have.vni())) {
                d.vni = have.vni();
                used.put(have.vni(), d.name);
            }
        }
        for (NetDraft d : drafts.values()) {
            if (d.vni != 0) {
                continue;
            }
            long size = vniMax - vniMin + 1;
            long start = Math.floorMod(hash64(d.name), size);
            for (long i = 0; i < size; i++) {
                long candidate = vniMin + (start + i) % size;
                if (!used.containsKey(candidate)) {
                    d.vni = candidate;
                    used.put(candidate, d.name);
                    break;
                }
            }
        }
        drafts.values().removeIf(d -> {
            if (d.vni == 0) {
                exclude(
                        d.name,
                        NAD + d.name,
                        "metadata.annotations[" + NetworkAttachmentDefinition.VNI_ANNOTATION + "]",
                        "the VNI range " + vniMin + ".." + vniMax + " is exhausted; pin a VNI with the annotation");
                return true;
            }
            return false;
        });
    }

    private void checkOverlaps(Map<String, NetDraft> drafts) {
        Map<String, List<NetDraft>> byZone = new TreeMap<>();
        for (NetDraft d : drafts.values()) {
            if (d.zone != null) {
                byZone.computeIfAbsent(d.zone, z -> new ArrayList<>()).add(d);
            }
        }
        Set<String> bad = new TreeSet<>();
        for (Map.Entry<String, List<NetDraft>> e : byZone.entrySet()) {
            List<NetDraft> members = e.getValue();
            for (int i = 0; i < members.size(); i++) {
                for (int j = i + 1; j < members.size(); j++) {
                    NetDraft a = members.get(i);
                    NetDraft b = members.get(j);
                    IpPrefix overlap = overlap(a.v4, b.v4);
                    if (overlap == null) {
                        overlap = overlap(a.v6, b.v6);
                    }
                    if (overlap != null) {
                        for (NetDraft[] pair : new NetDraft[][] {{a, b}, {b, a}}) {
                            errors.add(new Diagnostic(
                                    NAD + pair[0].name,
                                    "spec.config.ipam.subnet",
                                    "subnet overlaps " + pair[1].name + " ("
                                            + (overlap == a.v4 || overlap == b.v4
                                                    ? a.v4 + " / " + b.v4
                                                    : a.v6 + " / " + b.v6)
                                            + ") in routing zone " + e.getKey()));
                            bad.add(pair[0].name);
                        }
                    }
                }
            }
        }
        for (String n : bad) {
            drafts.remove(n);
            frozenNetworks.add(n);
        }
    }

    private static @Nullable IpPrefix overlap(@Nullable IpPrefix a, @Nullable IpPrefix b) {
        if (a == null || b == null) {
            return null;
        }
        return a.contains(b) || b.contains(a) ? a : null;
    }

    // ------------------------------------------------------------------ pods and ports

    private static boolean isActive(Pod pod) {
        return !pod.isTerminating() && !"Succeeded".equals(pod.phase()) && !"Failed".equals(pod.phase());
    }

    private void bindPods(
            ManifestSet m,
            Map<String, NetworkAttachmentDefinition> nads,
            Map<String, NetDraft> drafts,
            Map<PortBinding.Key, Set<String>> podsByBinding) {
        Topology topology = snapshot.topology();
        Map<String, NetworkAttachmentDefinition> nadIndex = new HashMap<>(nads);
        Set<String> extended = new HashSet<>(drafts.keySet());
        Map<String, SriovNetworkNodeState> states = new HashMap<>();
        for (SriovNetworkNodeState s : m.nodeStates()) {
            states.putIfAbsent(s.nodeName(), s);
        }
        for (Pod pod : m.pods()) {
            if (!isActive(pod) || pod.nodeName() == null) {
                continue;
            }
            String node = pod.nodeName();
            String podKey = pod.key();
            String object = POD + podKey;
            Map<String, Integer> seenPerNad = new HashMap<>();
            for (int i = 0; i < pod.networks().size(); i++) {
                Pod.NetworkSelection sel = pod.networks().get(i);
                String nadKey = sel.nadKey(pod.namespace());
                int ordinal = seenPerNad.merge(nadKey, 1, Integer::sum) - 1;
                NetworkAttachmentDefinition nad = nadIndex.get(nadKey);
                if (nad == null) {
                    if (!frozenNetworks.contains(nadKey)) {
                        warnings.add(new Diagnostic(
                                object, NETWORKS_FIELD + "[" + i + "]", "network " + nadKey + " does not exist"));
                    }
                    continue;
                }
                if (!nad.extendToFabric() || !extended.contains(nadKey)) {
                    continue;
                }
                Pod.NetworkStatus status = statusFor(pod, nadKey, sel.interfaceName(), ordinal);
                Pod.Pci pci = status == null || status.deviceInfo() == null
                        ? null
                        : status.deviceInfo().pci();
                SriovNetworkNodeState state = states.get(node);
                List<TopologyLink> links = new ArrayList<>();
                if (pci != null) {
                    String pfPci = pci.pfPciAddress();
                    String pfName = null;
                    if (state != null) {
                        SriovNetworkNodeState.PhysicalFunction pf = pfPci != null
                                ? state.findPhysicalFunction(pfPci).orElse(null)
                                : pfOfVf(state, pci.pciAddress());
                        if (pf != null) {
                            pfPci = pf.pciAddress();
                            pfName = pf.name();
                        }
                    }
                    if (pfPci == null && pfName == null) {
                        unmapped(
                                nadKey,
                                object,
                                STATUS_FIELD,
                                "VF " + pci.pciAddress() + " for " + nadKey
                                        + " has no pf-pci-address and the node state of " + node + " does not list it");
                        continue;
                    }
                    TopologyLink l = topology.findLink(node, pfName, pfPci).orElse(null);
                    if (l == null) {
                        unmapped(
                                nadKey,
                                object,
                                "spec.nodeName",
                                "no topology link for node " + node + " PF " + (pfName != null ? pfName + " " : "")
                                        + (pfPci != null ? pfPci : "") + " (attachment " + nadKey + ")");
                        continue;
                    }
                    links.add(l);
                } else {
                    // The VF is not known yet: every PF that can back the NAD's resource on this node.
                    String resource = nad.resourceName();
                    if (resource == null || state == null) {
                        unmapped(
                                nadKey,
                                object,
                                STATUS_FIELD,
                                "the VF for " + nadKey + " is not known yet and "
                                        + (resource == null
                                                ? "the NAD has no " + NetworkAttachmentDefinition.RESOURCE_ANNOTATION
                                                        + " annotation"
                                                : "node " + node + " has no SriovNetworkNodeState"));
                        continue;
                    }
                    List<SriovNetworkNodeState.PhysicalFunction> pfs = state.physicalFunctionsFor(resource);
                    if (pfs.isEmpty()) {
                        unmapped(
                                nadKey,
                                object,
                                STATUS_FIELD,
                                "the VF for " + nadKey + " is not known yet and no PF on node " + node + " backs "
                                        + resource);
                        continue;
                    }
                    boolean missing = false;
                    for (SriovNetworkNodeState.PhysicalFunction pf : pfs) {
                        TopologyLink l = topology.findLink(node, pf.name(), pf.pciAddress())
                                .orElse(null);
                        if (l == null) {
                            missing = true;
                            unmapped(
                                    nadKey,
                                    object,
                                    "spec.nodeName",
                                    "no topology link for node " + node + " PF "
                                            + (pf.name() != null ? pf.name() + " " : "") + pf.pciAddress()
                                            + " (attachment " + nadKey + ")");
                        } else {
                            links.add(l);
                        }
                    }
                    if (missing && links.isEmpty()) {
                        continue;
                    }
                }
                for (TopologyLink l : links) {
                    podsByBinding
                            .computeIfAbsent(new PortBinding.Key(l.leaf(), l.port(), nadKey), k -> new TreeSet<>())
                            .add(podKey);
                }
            }
        }
    }

    private void unmapped(String network, String object, String field, String message) {
        errors.add(new Diagnostic(object, field, message));
        untagFrozen.add(network);
    }

    private static SriovNetworkNodeState.@Nullable PhysicalFunction pfOfVf(SriovNetworkNodeState state, String vfPci) {
        for (SriovNetworkNodeState.PhysicalFunction pf : state.interfaces()) {
            for (SriovNetworkNodeState.VirtualFunction vf : pf.vfs()) {
                if (vf.pciAddress().equalsIgnoreCase(vfPci)) {
                    return pf;
                }
            }
        }
        return null;
    }

    /** The network-status entry of one attachment: by interface name, else the n-th entry of that network. */
    private static Pod.@Nullable NetworkStatus statusFor(
            Pod pod, String nadKey, @Nullable String interfaceName, int ordinal) {
        int seen = 0;
        for (Pod.NetworkStatus s : pod.networkStatus()) {
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

    private record PortVlan(String leaf, String port, int vlan) {}

    private Set<PortBinding.Key> portConflicts(
            Map<PortBinding.Key, Set<String>> podsByBinding, Map<String, VirtualNetworkSpec> nets) {
        Map<PortVlan, Object> byPortVlan = new HashMap<>();
        List<PortVlan> clashes = new ArrayList<>();
        for (PortBinding.Key k : podsByBinding.keySet()) {
            VirtualNetworkSpec n = nets.get(k.virtualNetwork());
            if (n == null || frozenNetworks.contains(n.name())) {
                continue;
            }
            PortVlan pv = new PortVlan(k.leaf(), k.port(), n.vlan());
            Object prev = byPortVlan.putIfAbsent(pv, k);
            if (prev instanceof PortBinding.Key first) {
                List<PortBinding.Key> list = new ArrayList<>();
                list.add(first);
                list.add(k);
                byPortVlan.put(pv, list);
                clashes.add(pv);
            } else if (prev instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<PortBinding.Key> keys = (List<PortBinding.Key>) list;
                keys.add(k);
            }
        }
        Set<PortBinding.Key> bad = new HashSet<>();
        for (PortVlan pv : clashes) {
            @SuppressWarnings("unchecked")
            List<PortBinding.Key> keys = (List<PortBinding.Key>) byPortVlan.get(pv);
            keys.sort((a, b) -> a.virtualNetwork().compareTo(b.virtualNetwork()));
            for (PortBinding.Key k : keys) {
                List<String> others = new ArrayList<>();
                for (PortBinding.Key o : keys) {
                    if (!o.equals(k)) {
                        VirtualNetworkSpec on = nets.get(o.virtualNetwork());
                        others.add(o.virtualNetwork() + " (subnet " + (on == null ? "none" : on.primarySubnet()) + ")");
                    }
                }
                VirtualNetworkSpec mine = nets.get(k.virtualNetwork());
                errors.add(new Diagnostic(
                        NAD + k.virtualNetwork(),
                        "spec.config.vlan",
                        "VLAN " + mine.vlan() + " on " + k.leaf() + " " + k.port() + " is also wanted by " + others
                                + " (this network's subnet " + mine.primarySubnet()
                                + "); one port carries a VLAN for one network only, so neither is tagged there"));
                bad.add(k);
            }
        }
        return bad;
    }

    // ------------------------------------------------------------------ IP allocations

    private void allocate(
            ManifestSet m,
            Map<String, NetworkAttachmentDefinition> nads,
            List<IpAllocationEntry> out,
            Map<String, PoolSpec> pools) {
        // Attachments per pool, in pod order.
        Map<String, List<Attachment>> byPool = new HashMap<>();
        Map<String, NetworkAttachmentDefinition> poolNad = new HashMap<>();
        Map<String, PoolSpec> specByNad = new HashMap<>();
        for (NetworkAttachmentDefinition nad : nads.values()) {
            IpamConfig ipam = nad.ipam();
            if (ipam == null || !ipam.isFabricBinder() || frozenNetworks.contains(nad.key())) {
                continue;
            }
            try {
                PoolSpec spec = poolSpec(nad, ipam);
                specByNad.put(nad.key(), spec);
                poolNad.put(spec.name(), nad);
                byPool.put(spec.name(), new ArrayList<>());
            } catch (IllegalArgumentException e) {
                errors.add(new Diagnostic(NAD + nad.key(), "spec.config.ipam", e.getMessage()));
            }
        }
        for (Pod pod : m.pods()) {
            boolean finished = "Succeeded".equals(pod.phase()) || "Failed".equals(pod.phase());
            if (finished) {
                continue;
            }
            Set<String> interfaces = new HashSet<>();
            for (int i = 0; i < pod.networks().size(); i++) {
                Pod.NetworkSelection sel = pod.networks().get(i);
                String nadKey = sel.nadKey(pod.namespace());
                PoolSpec spec = specByNad.get(nadKey);
                String iface = interfaceName(pod, sel, nadKey, i);
                if (!interfaces.add(iface)) {
                    errors.add(new Diagnostic(
                            POD + pod.key(),
                            NETWORKS_FIELD + "[" + i + "]",
                            "interface " + iface + " is requested twice"));
                    continue;
                }
                if (spec == null) {
                    continue;
                }
                String uid = pod.uid() == null ? "no-uid" : pod.uid();
                Owner owner;
                try {
                    owner = new Owner(pod.namespace(), pod.name(), uid, iface);
                } catch (IllegalArgumentException e) {
                    errors.add(new Diagnostic(POD + pod.key(), NETWORKS_FIELD + "[" + i + "]", e.getMessage()));
                    continue;
                }
                byPool.get(spec.name()).add(new Attachment(pod, owner, nadKey, pod.isTerminating(), i));
            }
        }
        for (Map.Entry<String, List<Attachment>> e : new TreeMap<>(byPool).entrySet()) {
            PoolSpec spec = specByNad.get(poolNad.get(e.getKey()).key());
            String network = poolNad.get(e.getKey()).key();
            Map<Owner, List<String>> existing = addresses.allocations(spec);
            BigInteger capacity = addresses.capacity(spec);
            pools.put(spec.name(), spec);
            Set<Owner> wanted = new HashSet<>();
            long used = existing.size();
            for (Attachment a : e.getValue()) {
                wanted.add(a.owner);
                List<String> have = existing.get(a.owner);
                if (have != null) {
                    for (int r = 0; r < spec.ranges().size() && r < have.size(); r++) {
                        out.add(entry(a, network, spec, r, have.get(r), AllocationAction.UNCHANGED));
                    }
                    continue;
                }
                if (a.terminating) {
                    continue;
                }
                if (BigInteger.valueOf(used).compareTo(capacity) >= 0) {
                    errors.add(new Diagnostic(
                            POD + a.pod.key(),
                            NETWORKS_FIELD + "[" + a.index + "]",
                            "no address left for interface " + a.owner.interfaceName() + " in " + network + ": pool "
                                    + spec.name() + " holds " + capacity + " addresses and all are allocated"));
                    continue;
                }
                used++;
                for (int r = 0; r < spec.ranges().size(); r++) {
                    out.add(entry(a, network, spec, r, null, AllocationAction.ALLOCATE));
                }
            }
            for (Map.Entry<Owner, List<String>> have : existing.entrySet()) {
                Owner o = have.getKey();
                String podKey = o.namespace() + "/" + o.pod();
                if (wanted.contains(o) || invalidPods.contains(podKey)) {
                    continue;
                }
                for (int r = 0; r < have.getValue().size() && r < spec.ranges().size(); r++) {
                    out.add(new IpAllocationEntry(
                            podKey,
                            o.podUid(),
                            o.interfaceName(),
                            network,
                            spec.ranges().get(r).subnet(),
                            have.getValue().get(r),
                            spec.name(),
                            AllocationAction.RELEASE));
                }
            }
        }
    }

    private static IpAllocationEntry entry(
            Attachment a, String network, PoolSpec spec, int range, @Nullable String address, AllocationAction action) {
        return new IpAllocationEntry(
                a.pod.key(),
                a.owner.podUid(),
                a.owner.interfaceName(),
                network,
                spec.ranges().get(range).subnet(),
                address,
                spec.name(),
                action);
    }

    /** The interface name: requested, else reported by Multus, else Multus' default {@code net<n>}. */
    private static String interfaceName(Pod pod, Pod.NetworkSelection sel, String nadKey, int index) {
        if (sel.interfaceName() != null) {
            return sel.interfaceName();
        }
        int ordinal = 0;
        for (int i = 0; i < index; i++) {
            if (pod.networks().get(i).nadKey(pod.namespace()).equals(nadKey)) {
                ordinal++;
            }
        }
        Pod.NetworkStatus s = statusFor(pod, nadKey, null, ordinal);
        if (s != null && s.interfaceName() != null) {
            return s.interfaceName();
        }
        return "net" + (index + 1);
    }

    /** The ipam pool of a NAD's fabricbinder-ipam block; the name changes when the ranges do. */
    static PoolSpec poolSpec(NetworkAttachmentDefinition nad, IpamConfig ipam) {
        List<IpRange> ranges = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (IpamConfig.Range r : ipam.ranges()) {
            List<String> exclude = r.exclude().stream().map(AddressText::of).toList();
            IpRange range = new IpRange(
                    AddressText.of(r.subnet()), text(r.rangeStart()), text(r.rangeEnd()), exclude, text(r.gateway()));
            ranges.add(range);
            text.append(range).append('\n');
        }
        return new PoolSpec(FabricNames.poolName(nad.key(), text.toString()), ranges);
    }

    private static @Nullable String text(@Nullable InetAddress a) {
        return a == null ? null : AddressText.of(a);
    }

    // ------------------------------------------------------------------ helpers

    private void exclude(String network, String object, String field, String message) {
        errors.add(new Diagnostic(object, field, message));
        frozenNetworks.add(network);
    }

    private static long hash64(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 29);
    }

    private record Attachment(Pod pod, Owner owner, String network, boolean terminating, int index) {}

    /** A network being planned. */
    private static final class NetDraft {
        final String name;
        final int vlan;

        @Nullable
        Integer pinnedVni;

        long vni;

        @Nullable
        IpPrefix v4;

        @Nullable
        InetAddress v4Gateway;

        @Nullable
        IpPrefix v6;

        @Nullable
        InetAddress v6Gateway;

        @Nullable
        String zone;

        NetDraft(String name, int vlan) {
            this.name = name;
            this.vlan = vlan;
        }

        VirtualNetworkSpec toSpec() {
            boolean routed = zone != null;
            return new VirtualNetworkSpec(
                    name,
                    vlan,
                    vni,
                    v4 == null ? null : AddressText.of(v4),
                    v6 == null ? null : AddressText.of(v6),
                    routed && v4Gateway != null ? AddressText.of(v4Gateway) : null,
                    routed && v6Gateway != null ? AddressText.of(v6Gateway) : null,
                    zone);
        }
    }
}
