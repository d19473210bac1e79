package io.fabricbinder.core;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.manifest.IpPrefix;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.RequestedAddressException;
import io.fabricbinder.sriov.NetworkStatus;
import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PhysicalFunction;
import io.fabricbinder.sriov.VirtualFunction;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    static final String NETWORKS_FIELD = "metadata.annotations[" + Pod.NETWORKS_ANNOTATION + "]";
    static final String STATUS_FIELD = "metadata.annotations[" + Pod.NETWORK_STATUS_ANNOTATION + "]";

    private final ClusterSnapshot snapshot;
    private final FabricState actual;
    private final IpamState ipam;
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

    /**
     * A planner of one plan: a function of the snapshot (manifests and topology), the owned fabric
     * state and the IPAM state, all read before planning. Read the IPAM state for the pools {@link
     * #poolSpecs} names.
     */
    Planner(ClusterSnapshot snapshot, FabricState actual, IpamState ipam, long vniMin, long vniMax) {
        this.snapshot = snapshot;
        this.actual = actual;
        this.ipam = ipam;
        this.vniMin = vniMin;
        this.vniMax = vniMax;
    }

    /**
     * The network-level results: everything that does not depend on pods. Filled by {@link #prepare};
     * empty until then.
     */
    Context context = Context.EMPTY;

    Map<String, VirtualNetworkSpec> desiredNets = Map.of();
    List<VirtualNetworkChange> netChanges = List.of();
    List<RoutingZoneChange> zoneChanges = List.of();
    /** Pools by name, with the existing allocations and capacity of each (read once, in name order). */
    Map<String, PoolState> poolStates = Map.of();

    /** The networks ports are bound to (extended, not frozen), by name: index = {@link NadInfo#rank()}. */
    List<String> netNames = List.of();

    /** Pool specs of an earlier plan, reused when a NAD's key and IPAM block are unchanged. */
    private Map<PoolKey, PoolSpec> knownPoolSpecs = Map.of();

    /** The pool specs of this plan, for the next plan to reuse. */
    final Map<PoolKey, PoolSpec> usedPoolSpecs = new HashMap<>();

    /** What a pool spec is derived from: the CNI network name and the IPAM block (see {@link #poolSpec}). */
    record PoolKey(String cniNetworkName, IpamBlock ipam) {}

    /**
     * Reuse the pool specs of an earlier plan: building a spec parses and validates its ranges and
     * hashes them into the pool name, the same work for the same input on every plan.
     */
    Planner knownPoolSpecs(Map<PoolKey, PoolSpec> known) {
        this.knownPoolSpecs = known;
        return this;
    }

    /**
     * The pools a plan of these manifests may need, by what each is derived from: one per valid NAD
     * with a fabricbinder-ipam block whose ranges make a pool (a superset of the plan's pools, which
     * leave out excluded NADs). The caller reads the {@link IpamState} for these before planning.
     */
    static Map<PoolKey, PoolSpec> poolSpecs(ManifestSet m, Map<PoolKey, PoolSpec> known) {
        Map<PoolKey, PoolSpec> out = new HashMap<>();
        for (NetworkAttachmentDefinition nad : m.nads()) {
            IpamBlock ipam = nad.ipam();
            if (ipam == null || !ipam.isFabricBinder()) {
                continue;
            }
            PoolKey pk = new PoolKey(nad.cniNetworkName(), ipam);
            PoolSpec spec = known.get(pk);
            try {
                out.put(pk, spec != null ? spec : poolSpec(nad, ipam));
            } catch (IllegalArgumentException e) {
                // The plan reports it as an error on the NAD.
            }
        }
        return out;
    }

    /** The pool map of the plan (every pool of a valid fabricbinder-ipam NAD). */
    Map<String, PoolSpec> pools = Map.of();

    /** The errors and warnings that do not come from pods. */
    List<Diagnostic> baseErrors() {
        return errors;
    }

    List<Diagnostic> baseWarnings() {
        return warnings;
    }

    Set<String> invalidPods() {
        return invalidPods;
    }

    /**
     * Plans everything that does not depend on pods: networks, zones, VNIs, pools (with their existing
     * allocations read from the address book), and the context pods are mapped in.
     */
    void prepare() {
        ManifestSet m = snapshot.manifests();
        for (Diagnostic e : m.errors()) {
            errors.add(e);
            ObjectRef o = e.object();
            if (o.namespace() != null && o.is(NetworkAttachmentDefinition.KIND)) {
                frozenNetworks.add(o.key());
            } else if (o.namespace() != null && o.is(Pod.KIND)) {
                invalidPods.add(o.key());
            }
        }
        warnings.addAll(m.warnings());
        errors.addAll(snapshot.topology().errors());
        warnings.addAll(snapshot.topology().warnings());
        Freeze freeze = freeze(m);

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

        desiredNets = new TreeMap<>();
        for (NetDraft d : drafts.values()) {
            VirtualNetworkSpec want = d.toSpec();
            VirtualNetworkSpec have = actualNets.get(d.name);
            if (have != null && !have.placementZone().equals(want.placementZone()) && freeze.keepsZoneOf(d.namespace)) {
                // A VNR that could not be read may still select it: keep it where it is.
                warnings.add(new Diagnostic(
                        nadRef(d.name),
                        "",
                        "stays in routing zone " + have.placementZone() + " (not moved to " + want.placementZone()
                                + ") while a VirtualNetworkRouter or document that may select it cannot be read"));
                want = have;
            }
            desiredNets.put(d.name, want);
        }
        for (String frozen : frozenNetworks) {
            VirtualNetworkSpec existing = actualNets.get(frozen);
            if (existing != null) {
                desiredNets.put(frozen, existing);
                warnings.add(new Diagnostic(
                        nadRef(frozen),
                        "",
                        "the NAD has errors; its fabric network " + existing.label()
                                + " is kept as it is until they are fixed (only deleting the NAD removes it)"));
            }
        }

        if (freeze.all()) {
            for (VirtualNetworkSpec have : actualNets.values()) {
                if (!desiredNets.containsKey(have.name())) {
                    desiredNets.put(have.name(), have);
                    warnings.add(new Diagnostic(
                            nadRef(have.name()),
                            "",
                            "its fabric network " + have.label() + " is kept: not deleted while part of the input"
                                    + " cannot be read (the NAD may be in it)"));
                }
            }
        }
        netChanges = new ArrayList<>();
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
        netChanges.sort(Plan.NETWORK_ORDER);

        Map<String, List<String>> zoneMembers = new TreeMap<>();
        for (VirtualNetworkSpec n : desiredNets.values()) {
            zoneMembers
                    .computeIfAbsent(n.placementZone(), z -> new ArrayList<>())
                    .add(n.name());
        }
        Map<String, RoutingZoneSpec> actualZones = actual.zonesByName();
        zoneChanges = new ArrayList<>();
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
                zoneChanges.add(
                        freeze.all()
                                ? new RoutingZoneChange(ChangeAction.UNCHANGED, have, have)
                                : new RoutingZoneChange(ChangeAction.DELETE, have, have));
            }
        }
        zoneChanges.sort(Plan.ZONE_ORDER);

        // The context pods are mapped in.
        Map<String, SriovNetworkNodeState> states = new HashMap<>();
        for (SriovNetworkNodeState s : m.nodeStates()) {
            states.putIfAbsent(s.nodeName(), s);
        }
        Map<String, PoolSpec> specByNad = new HashMap<>();
        poolStates = new TreeMap<>();
        for (NetworkAttachmentDefinition nad : nads.values()) {
            IpamBlock ipam = nad.ipam();
            if (ipam == null || !ipam.isFabricBinder() || frozenNetworks.contains(nad.key())) {
                continue;
            }
            try {
                PoolKey pk = new PoolKey(nad.cniNetworkName(), ipam);
                PoolSpec spec = knownPoolSpecs.get(pk);
                if (spec == null) {
                    spec = poolSpec(nad, ipam);
                }
                usedPoolSpecs.put(pk, spec);
                specByNad.put(nad.key(), spec);
                // NADs whose CNI configs share a name and ranges share the pool, as the CNI plugin
                // sees it: the first NAD by key names it in diagnostics.
                poolStates.putIfAbsent(spec.name(), new PoolState(spec, nad.key()));
            } catch (IllegalArgumentException e) {
                errors.add(new Diagnostic(nad.ref(), "spec.config.ipam", String.valueOf(e.getMessage())));
            }
        }
        pools = new TreeMap<>();
        for (PoolState ps : poolStates.values()) {
            IpamState.Pool read = ipam.pool(ps.spec);
            ps.existing = read.existing();
            ps.capacity = read.capacity();
            pools.put(ps.spec.name(), ps.spec);
        }
        pools = Map.copyOf(pools);
        // Rank the networks ports can be bound to (extended, not frozen) by name, for the port sort.
        Set<String> frozen = Set.copyOf(frozenNetworks);
        Map<String, NadInfo> nadInfos = new HashMap<>();
        netNames = new ArrayList<>();
        for (NetworkAttachmentDefinition nad : nads.values()) {
            String key = nad.key();
            boolean bound = nad.extendToFabric() && drafts.containsKey(key);
            int rank = bound && !frozen.contains(key) ? netNames.size() : -1;
            if (rank >= 0) {
                netNames.add(key);
            }
            nadInfos.put(key, new NadInfo(nad, key, bound, specByNad.get(key), rank));
        }
        context = new Context(
                nadInfos,
                frozen,
                states,
                snapshot.topology(),
                LinkIndex.of(snapshot.topology(), states.values()),
                freeze);
    }

    /** The full plan, from scratch. */
    Plan plan() {
        prepare();
        List<Pod> podList = snapshot.manifests().pods();

        // 5. Port bindings and IP allocations from the pods. Bindings are collected as (port rank,
        // network rank, pod index) triples and put in order by counting: no map per binding, no string
        // comparisons, and each binding's pods stay in pod order (which is name order).
        String[] podKeys = new String[podList.size()];
        Triples triples = new Triples();
        // Allocations in pod order: each pool hands out addresses to its attachments in pod order
        // until it is full. Pods come sorted by key, so only the entries of one pod need comparing to
        // know whether the list is in the plan's order.
        List<IpAllocationEntry> allocations = new ArrayList<>();
        boolean allocationsSorted = true;
        Map<String, PoolRun> runs = new HashMap<>();
        for (PoolState ps : poolStates.values()) {
            runs.put(ps.spec.name(), new PoolRun(ps));
        }
        for (int p = 0; p < podKeys.length; p++) {
            PodContribution c = contribute(podList.get(p), context);
            podKeys[p] = c.podKey;
            for (int j = 0; j < c.rankedCount(); j++) {
                triples.add(c.portRank(j), c.netRank(j), p);
            }
            errors.addAll(c.errors());
            warnings.addAll(c.warnings());
            untagFrozen.addAll(c.unmapped());
            int first = allocations.size();
            for (Attachment a : c.attachments()) {
                // Every attachment's pool is a pool of the plan (NadInfo.pool comes from poolStates).
                PoolRun run = Objects.requireNonNull(runs.get(a.pool().name()), "attachment to a pool not planned");
                List<String> have = run.ps.existing.get(a.owner().key());
                if (have != null) {
                    run.wanted.put(have, Boolean.TRUE);
                    addExisting(a, have, allocations);
                } else if (!a.terminating()) {
                    Object blocked = requestBlock(a, run.ps);
                    if (blocked instanceof Diagnostic d) {
                        errors.add(d);
                    } else if (blocked != null) {
                        // an invalid request: its pod reported it, nothing is allocated
                    } else if (run.used >= run.ps.capacityLimit()) {
                        errors.add(run.ps.exhausted(a));
                    } else {
                        run.used++;
                        addAllocate(a, allocations);
                    }
                }
            }
            for (int e = first + 1; allocationsSorted && e < allocations.size(); e++) {
                allocationsSorted = allocations.get(e - 1).compareTo(allocations.get(e)) <= 0;
            }
        }
        List<IpAllocationEntry> releases = new ArrayList<>();
        for (PoolState ps : poolStates.values()) {
            IdentityHashMap<List<String>, Boolean> wanted =
                    Objects.requireNonNull(runs.get(ps.spec.name()), "pool run").wanted;
            if (wanted.size() == ps.existing.size()) {
                continue;
            }
            for (Map.Entry<String, List<String>> have : ps.existing.entrySet()) {
                if (wanted.containsKey(have.getValue())) {
                    continue;
                }
                Owner o = Owner.fromKey(have.getKey());
                if (!context.freeze().all() && !invalidPods.contains(o.namespace() + "/" + o.pod())) {
                    addRelease(ps, o, have.getValue(), releases);
                }
            }
        }
        if (!releases.isEmpty() || !allocationsSorted) {
            allocations.addAll(releases);
            allocations.sort(null);
        }

        // The desired bindings, in (leaf, port, network) order.
        int[] order = triples.order(context.linkIndex().size(), netNames.size());
        String[] leaves = context.linkIndex().leaves;
        String[] ports = context.linkIndex().ports;
        int[] vlans = new int[netNames.size()];
        for (int i = 0; i < vlans.length; i++) {
            // netNames are the networks with a draft, and every draft is a desired network.
            vlans[i] = Objects.requireNonNull(desiredNets.get(netNames.get(i)), "bound network not desired")
                    .vlan();
        }
        List<PortBinding.Key> desiredKeys = new ArrayList<>();
        List<List<String>> desiredPods = new ArrayList<>();
        List<Integer> desiredVlans = new ArrayList<>();
        for (int s = 0; s < order.length; ) {
            int port = triples.port(order[s]);
            int net = triples.net(order[s]);
            List<String> pods = new ArrayList<>();
            int e = s;
            for (; e < order.length && triples.port(order[e]) == port && triples.net(order[e]) == net; e++) {
                pods.add(podKeys[triples.pod(order[e])]);
            }
            desiredKeys.add(new PortBinding.Key(leaves[port], ports[port], netNames.get(net)));
            desiredPods.add(pods);
            desiredVlans.add(vlans[net]);
            s = e;
        }

        // 6. Port conflicts: two networks with the same VLAN on one port.
        Set<PortBinding.Key> conflicting = portConflicts(desiredKeys, desiredNets);

        // Diff: merge the desired bindings with the fabric's (sorted the same way).
        List<PortBinding> actualPorts = actual.portBindings();
        List<PortBindingChange> portChanges = new ArrayList<>(desiredKeys.size() + actualPorts.size());
        Set<String> untagWarned = new HashSet<>();
        int a = 0;
        for (int d = 0; d < desiredKeys.size(); d++) {
            PortBinding.Key k = desiredKeys.get(d);
            if (!conflicting.isEmpty() && conflicting.contains(k)) {
                continue; // a fabric binding with this key is kept below
            }
            int c = -1;
            while (a < actualPorts.size() && (c = compare(actualPorts.get(a), k)) < 0) {
                portChanges.add(notDesired(actualPorts.get(a++), conflicting, untagWarned));
            }
            boolean present = a < actualPorts.size() && c == 0;
            if (present) {
                a++;
            }
            PortBinding b =
                    new PortBinding(k.leaf(), k.port(), k.virtualNetwork(), desiredVlans.get(d), desiredPods.get(d));
            portChanges.add(new PortBindingChange(present ? PortAction.UNCHANGED : PortAction.TAG, b));
        }
        while (a < actualPorts.size()) {
            portChanges.add(notDesired(actualPorts.get(a++), conflicting, untagWarned));
        }
        // Every list is in the plan's order now: the plan takes them as they are.
        return new Plan(
                Collections.unmodifiableList(zoneChanges),
                Collections.unmodifiableList(netChanges),
                Collections.unmodifiableList(portChanges),
                Collections.unmodifiableList(allocations),
                errors.stream().sorted().distinct().toList(),
                warnings.stream().sorted().distinct().toList(),
                pools,
                true);
    }

    /** A fabric binding no pod needs: untagged, unless its network is frozen or it is in conflict. */
    private PortBindingChange notDesired(PortBinding have, Set<PortBinding.Key> conflicting, Set<String> untagWarned) {
        String net = have.virtualNetwork();
        boolean keep = desiredNets.containsKey(net)
                && (frozenNetworks.contains(net)
                        || untagFrozen.contains(net)
                        || context.freeze().keepsBindingOn(have.leaf(), have.port())
                        || (!conflicting.isEmpty() && conflicting.contains(have.key())));
        if (untagFrozen.contains(net) && untagWarned.add(net)) {
            warnings.add(untagFrozenWarning(net));
        }
        return new PortBindingChange(keep ? PortAction.UNCHANGED : PortAction.UNTAG, have);
    }

    /** Compares a binding with a key in the plan's port order (leaf, port, network). */
    private static int compare(PortBinding b, PortBinding.Key k) {
        int c = b.leaf().compareTo(k.leaf());
        if (c == 0) {
            c = b.port().compareTo(k.port());
        }
        return c != 0 ? c : b.virtualNetwork().compareTo(k.virtualNetwork());
    }

    /** (port rank, network rank, pod index) triples, put in order by two stable counting sorts. */
    static final class Triples {
        private int[] data = new int[3 * 1024];
        private int size;

        void add(int port, int net, int pod) {
            if (3 * size + 3 > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[3 * size] = port;
            data[3 * size + 1] = net;
            data[3 * size + 2] = pod;
            size++;
        }

        int port(int i) {
            return data[3 * i];
        }

        int net(int i) {
            return data[3 * i + 1];
        }

        int pod(int i) {
            return data[3 * i + 2];
        }

        /**
         * The triple indexes sorted by port rank, then network rank, then insertion order; ranks are
         * below {@code portCount} and {@code netCount}.
         */
        int[] order(int portCount, int netCount) {
            int[] byNet = new int[size];
            int[] start = new int[netCount + 1];
            for (int i = 0; i < size; i++) {
                start[net(i) + 1]++;
            }
            for (int r = 0; r < netCount; r++) {
                start[r + 1] += start[r];
            }
            for (int i = 0; i < size; i++) {
                byNet[start[net(i)]++] = i;
            }
            int[] out = new int[size];
            start = new int[portCount + 1];
            for (int i = 0; i < size; i++) {
                start[port(i) + 1]++;
            }
            for (int r = 0; r < portCount; r++) {
                start[r + 1] += start[r];
            }
            for (int i : byNet) {
                out[start[port(i)]++] = i;
            }
            return out;
        }
    }

    static Diagnostic untagFrozenWarning(String network) {
        return new Diagnostic(
                nadRef(network),
                "",
                "some attachments could not be mapped to a leaf port; no port of this network is untagged until they"
                        + " are");
    }

    // ------------------------------------------------------------------ networks

    private @Nullable NetDraft draft(NetworkAttachmentDefinition nad) {
        ObjectRef object = nad.ref();
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
        NetDraft d = new NetDraft(nad.key(), nad.namespace(), vlan);
        d.pinnedVni = nad.vni();
        IpamBlock ipam = nad.ipam();
        if (ipam != null && ipam.isFabricBinder()) {
            for (IpRange range : ipam.ranges()) {
                // The parser gives canonical text; IpPrefix is for the overlap checks.
                IpPrefix subnet = IpPrefix.parse(range.subnet());
                Subnet r = new Subnet(subnet, range.gateway());
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
                    ipam == null || ipam.type() == null
                            ? "no IPAM (" + (ipam == null ? "no ipam block" : "an empty ipam object")
                                    + "); the network is extended at layer 2 only (no subnet, no gateway)"
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
            // Drafts are made from these NADs, under their keys.
            NetworkAttachmentDefinition nad = Objects.requireNonNull(nads.get(d.name), "draft without its NAD");
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
                        nadRef(d.name),
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
                            nadRef(n),
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
                        nadRef(owner),
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
                        nadRef(d.name),
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
                    boolean v4 = overlap != null;
                    if (!v4) {
                        overlap = overlap(a.v6, b.v6);
                    }
                    if (overlap != null) {
                        for (NetDraft[] pair : new NetDraft[][] {{a, b}, {b, a}}) {
                            errors.add(new Diagnostic(
                                    nadRef(pair[0].name),
                                    "spec.config.ipam.subnet",
                                    "subnet overlaps " + pair[1].name + " ("
                                            + (v4 ? a.v4 + " / " + b.v4 : a.v6 + " / " + b.v6)
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

    /**
     * What one pod contributes, given the network context: the port bindings it needs, its
     * attachments to fabricbinder-ipam pools, and its own errors and warnings. Depends on nothing but
     * the pod and the context, which is what lets the incremental planner recompute one pod alone.
     */
    static PodContribution contribute(Pod pod, Context ctx) {
        PodContribution out = new PodContribution(pod);
        List<Pod.NetworkSelection> selections = pod.networks();
        String[] nadKeys = new String[selections.size()];
        NadInfo[] infos = new NadInfo[nadKeys.length];
        for (int i = 0; i < nadKeys.length; i++) {
            nadKeys[i] = selections.get(i).nadKey(pod.namespace());
            infos[i] = ctx.nads.get(nadKeys[i]);
        }
        String node = pod.nodeName();
        if (isActive(pod) && node != null) {
            bindPod(pod, node, nadKeys, infos, ctx, out);
        }
        attachments(pod, nadKeys, infos, out);
        return out;
    }

    private static void bindPod(
            Pod pod, String node, String[] nadKeys, @Nullable NadInfo[] infos, Context ctx, PodContribution out) {
        Topology topology = ctx.topology;
        Set<String> frozenNetworks = ctx.frozenNetworks;
        ObjectRef object = pod.ref();
        for (int i = 0; i < nadKeys.length; i++) {
            Pod.NetworkSelection sel = pod.networks().get(i);
            String nadKey = nadKeys[i];
            int ordinal = ordinal(nadKeys, i);
            NadInfo info = infos[i];
            if (info == null) {
                if (!frozenNetworks.contains(nadKey)) {
                    out.warning(new Diagnostic(
                            object, NETWORKS_FIELD + "[" + i + "]", "network " + nadKey + " does not exist"));
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
            SriovNetworkNodeState state = ctx.states.get(node);
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
                            STATUS_FIELD,
                            "VF " + pci.pciAddress() + " for " + nadKey
                                    + " has no pf-pci-address and the node state of " + node + " does not list it");
                    continue;
                }
                TopologyLink l = pf != null
                        ? ctx.linkIndex.link(topology, node, pf)
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
                out.bind(l, info, ctx.linkIndex);
            } else {
                // The VF is not known yet: every PF that can back the NAD's resource on this node.
                String resource = nad.resourceName();
                if (resource == null || state == null) {
                    out.unmapped(
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
                List<PhysicalFunction> pfs = pfsFor(state, resource);
                if (pfs.isEmpty()) {
                    out.unmapped(
                            nadKey,
                            object,
                            STATUS_FIELD,
                            "the VF for " + nadKey + " is not known yet and no PF on node " + node + " backs "
                                    + resource);
                    continue;
                }
                List<TopologyLink> links = new ArrayList<>(pfs.size());
                for (PhysicalFunction pf : pfs) {
                    TopologyLink l = ctx.linkIndex.link(topology, node, pf);
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
                    out.bind(l, info, ctx.linkIndex);
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
                        out.pod.ref(), NETWORKS_FIELD + "[" + i + "]", "interface " + iface + " is requested twice"));
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
                out.error(
                        new Diagnostic(out.pod.ref(), NETWORKS_FIELD + "[" + i + "]", String.valueOf(e.getMessage())));
                continue;
            }
            List<@Nullable String> requested = List.of();
            boolean invalid = false;
            if (!sel.ips().isEmpty()) {
                try {
                    requested = spec.requestedPerRange(sel.ips());
                } catch (RequestedAddressException e) {
                    // Frozen, not dropped: the attachment keeps what it holds and gets nothing new.
                    invalid = true;
                    out.error(new Diagnostic(
                            out.pod.ref(),
                            NETWORKS_FIELD + "[" + i + "].ips",
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

    /** A leaf port and VLAN: two networks wanting the same one conflict. */
    record PortVlan(String leaf, String port, int vlan) {}

    static final Comparator<PortBinding.Key> BY_NETWORK =
            (a, b) -> a.virtualNetwork().compareTo(b.virtualNetwork());

    /** The errors of keys (two or more, sorted by network) that want one VLAN on one port. */
    static List<Diagnostic> conflictErrors(List<PortBinding.Key> keys, Map<String, VirtualNetworkSpec> nets) {
        List<Diagnostic> out = new ArrayList<>();
        for (PortBinding.Key k : keys) {
            List<String> others = new ArrayList<>();
            for (PortBinding.Key o : keys) {
                if (!o.equals(k)) {
                    VirtualNetworkSpec on = nets.get(o.virtualNetwork());
                    others.add(o.virtualNetwork() + " (subnet " + (on == null ? "none" : on.primarySubnet()) + ")");
                }
            }
            VirtualNetworkSpec mine =
                    Objects.requireNonNull(nets.get(k.virtualNetwork()), "conflicting key of an unknown network");
            out.add(new Diagnostic(
                    nadRef(k.virtualNetwork()),
                    "spec.config.vlan",
                    "VLAN " + mine.vlan() + " on " + k.leaf() + " " + k.port() + " is also wanted by " + others
                            + " (this network's subnet " + mine.primarySubnet()
                            + "); one port carries a VLAN for one network only, so neither is tagged there"));
        }
        return out;
    }

    private Set<PortBinding.Key> portConflicts(List<PortBinding.Key> desired, Map<String, VirtualNetworkSpec> nets) {
        // Only networks sharing a VLAN with another can clash: look at their keys alone.
        Set<Integer> usedVlans = new HashSet<>();
        Set<Integer> sharedVlans = new HashSet<>();
        for (VirtualNetworkSpec n : nets.values()) {
            if (!frozenNetworks.contains(n.name()) && !usedVlans.add(n.vlan())) {
                sharedVlans.add(n.vlan());
            }
        }
        // The VLAN of each network that shares it.
        Map<String, Integer> sharing = new HashMap<>();
        for (VirtualNetworkSpec n : nets.values()) {
            if (!frozenNetworks.contains(n.name()) && sharedVlans.contains(n.vlan())) {
                sharing.put(n.name(), n.vlan());
            }
        }
        if (sharing.isEmpty()) {
            return Set.of();
        }
        Map<PortVlan, Object> byPortVlan = new HashMap<>();
        List<List<PortBinding.Key>> clashes = new ArrayList<>();
        for (PortBinding.Key k : desired) {
            Integer vlan = sharing.get(k.virtualNetwork());
            if (vlan == null) {
                continue;
            }
            PortVlan pv = new PortVlan(k.leaf(), k.port(), vlan);
            Object prev = byPortVlan.putIfAbsent(pv, k);
            if (prev instanceof PortBinding.Key first) {
                List<PortBinding.Key> list = new ArrayList<>();
                list.add(first);
                list.add(k);
                byPortVlan.put(pv, list);
                clashes.add(list);
            } else if (prev instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<PortBinding.Key> keys = (List<PortBinding.Key>) list;
                keys.add(k);
            }
        }
        Set<PortBinding.Key> bad = new HashSet<>();
        for (List<PortBinding.Key> keys : clashes) {
            keys.sort(BY_NETWORK);
            errors.addAll(conflictErrors(keys, nets));
            bad.addAll(keys);
        }
        return bad;
    }

    // ------------------------------------------------------------------ IP allocations

    /** A pool while the pods are planned: how many addresses it has handed out, which owners are wanted. */
    private static final class PoolRun {
        final PoolState ps;
        /** The existing allocations (by identity of their address lists) some attachment wants. */
        final IdentityHashMap<List<String>, Boolean> wanted;

        long used;

        PoolRun(PoolState ps) {
            this.ps = ps;
            this.wanted = new IdentityHashMap<>(ps.existing.size());
            this.used = ps.existing.size();
        }
    }

    /** The {@code unchanged} entries of an attachment that holds addresses. */
    static void addExisting(Attachment a, List<String> have, List<IpAllocationEntry> out) {
        for (int r = 0; r < a.pool().ranges().size() && r < have.size(); r++) {
            out.add(entry(a, r, have.get(r), AllocationAction.UNCHANGED));
        }
    }

    /** The {@code allocate} entries of an attachment that holds none yet; a requested address is planned as is. */
    static void addAllocate(Attachment a, List<IpAllocationEntry> out) {
        for (int r = 0; r < a.pool().ranges().size(); r++) {
            String requested = a.requested().isEmpty() ? null : a.requested().get(r);
            String cidr = requested == null
                    ? null
                    : requested + "/"
                            + a.pool()
                                    .ranges()
                                    .get(r)
                                    .subnet()
                                    .substring(a.pool().ranges().get(r).subnet().indexOf('/') + 1);
            out.add(entry(a, r, cidr, AllocationAction.ALLOCATE));
        }
    }

    /**
     * Why an attachment that holds no address gets none (the same rule for both planners): null if it
     * may allocate; an empty list if its request is invalid (its pod reports that error); a
     * diagnostic if a requested address is held by another owner. NPWG multi-net spec §4.1.2: a
     * request is honoured or the attachment fails, never answered with another address.
     */
    static @Nullable Object requestBlock(Attachment a, PoolState ps) {
        if (a.requestInvalid()) {
            return List.of();
        }
        for (String want : a.requested()) {
            if (want == null) {
                continue;
            }
            String holder = ps.holderOf(want);
            if (holder != null && !holder.equals(a.owner().key())) {
                return new Diagnostic(
                        a.podRef(),
                        NETWORKS_FIELD + "[" + a.index() + "].ips",
                        "requested address " + want + " for interface "
                                + a.owner().interfaceName() + " in "
                                + a.network() + " is held by " + holder + "; the attachment gets no address until it"
                                + " is released");
            }
        }
        return null;
    }

    /** The {@code release} entries of an owner no attachment wants any more. */
    static void addRelease(PoolState ps, Owner o, List<String> have, List<IpAllocationEntry> out) {
        for (int r = 0; r < have.size() && r < ps.spec.ranges().size(); r++) {
            out.add(new IpAllocationEntry(
                    o,
                    ps.network,
                    ps.spec.ranges().get(r).subnet(),
                    have.get(r),
                    ps.spec.name(),
                    AllocationAction.RELEASE));
        }
    }

    private static IpAllocationEntry entry(Attachment a, int range, @Nullable String address, AllocationAction action) {
        return new IpAllocationEntry(
                a.owner(),
                a.network(),
                a.pool().ranges().get(range).subnet(),
                address,
                a.pool().name(),
                action);
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

    /**
     * The ipam pool of a NAD's fabricbinder-ipam block: {@link IpamBlock#pool} of the NAD's CNI
     * network name, the same pool the CNI plugin computes from its stdin. The name changes when the
     * ranges do.
     */
    static PoolSpec poolSpec(NetworkAttachmentDefinition nad, IpamBlock ipam) {
        return ipam.pool(nad.cniNetworkName());
    }

    /** A subnet of a fabric network with its gateway (canonical text), or none. */
    private record Subnet(IpPrefix subnet, @Nullable String gateway) {}

    // ------------------------------------------------------------------ helpers

    /**
     * The NAD of a network name ({@code namespace/nad}, as plans and the fabric name networks). Only
     * for networks known by name alone (from the fabric, or a port binding key).
     */
    static ObjectRef nadRef(String network) {
        return ObjectRef.ofKey(NetworkAttachmentDefinition.KIND, network);
    }

    /** A pod of the plan by its {@code namespace/name} key. */
    static ObjectRef podRef(String podKey) {
        return ObjectRef.ofKey(Pod.KIND, podKey);
    }

    private void exclude(String network, ObjectRef object, String field, String message) {
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

    /**
     * One pod attachment to a fabricbinder-ipam pool.
     *
     * @param requested the addresses the pod requested ({@code ips}), canonical, one per range of the
     *     pool (null where none), or empty when it requested none
     * @param requestInvalid true if the request could not be placed in the pool's ranges (reported as
     *     the pod's error): the attachment keeps what it holds and is given nothing
     */
    record Attachment(
            String podKey,
            Owner owner,
            String network,
            boolean terminating,
            int index,
            PoolSpec pool,
            List<@Nullable String> requested,
            boolean requestInvalid) {

        /** The pod, as diagnostics name it. */
        ObjectRef podRef() {
            return ObjectRef.of(Pod.KIND, owner.namespace(), owner.pod());
        }
    }

    /**
     * What pods are mapped in: the network-level results of a plan. Read-only once built.
     *
     * @param nads every valid NAD by key, with what the plan decided about it
     * @param frozenNetworks networks kept as they are (invalid or excluded NADs)
     * @param states node SR-IOV states by node name
     * @param topology the topology
     * @param linkIndex the ranked leaf ports of the topology and the links of the node states' PFs
     */
    record Context(
            Map<String, NadInfo> nads,
            Set<String> frozenNetworks,
            Map<String, SriovNetworkNodeState> states,
            Topology topology,
            LinkIndex linkIndex,
            Freeze freeze) {
        /** No networks, no node states, no topology. */
        static final Context EMPTY =
                new Context(Map.of(), Set.of(), Map.of(), Topology.empty(), LinkIndex.EMPTY, Freeze.NONE);
    }

    /**
     * What input that could not be read (or read as valid) forbids removing. The rule is
     * conservative: what cannot be ruled out is kept.
     *
     * <ul>
     *   <li>A document that cannot be read as an identifiable object ({@link ManifestSet#unreadable()})
     *       could have held any NAD, pod or VNR: nothing is deleted, untagged or released ({@code all}),
     *       and no network leaves its routing zone.
     *   <li>An invalid pod may have VFs behind any port of its node: no binding on a leaf port cabled to
     *       that node is untagged ({@code leafPorts}); when its node cannot be read, no binding at all.
     *       Its addresses are kept (see {@code invalidPods}).
     *   <li>An invalid VirtualNetworkRouter may select any NAD of its namespace: no network of that
     *       namespace leaves its routing zone ({@code zoneNamespaces}).
     * </ul>
     *
     * @param all nothing is deleted, untagged or released
     * @param untagAll no port binding is untagged
     * @param leafPorts {@code leaf + "\u0000" + port} of leaf ports whose bindings are not untagged
     * @param zoneNamespaces namespaces whose networks keep their routing zone
     */
    record Freeze(boolean all, boolean untagAll, Set<String> leafPorts, Set<String> zoneNamespaces) {
        static final Freeze NONE = new Freeze(false, false, Set.of(), Set.of());

        boolean keepsBindingOn(String leaf, String port) {
            return all || untagAll || (!leafPorts.isEmpty() && leafPorts.contains(leaf + "\u0000" + port));
        }

        boolean keepsZoneOf(String namespace) {
            return all || zoneNamespaces.contains(namespace);
        }
    }

    /** The freeze that the snapshot's unreadable documents and invalid objects call for; warns once each. */
    private Freeze freeze(ManifestSet m) {
        boolean all = !m.unreadable().isEmpty();
        if (all) {
            warnings.add(new Diagnostic(
                    m.unreadable().get(0).object(),
                    "",
                    "part of the input cannot be read (" + m.unreadable().size() + " document(s)): nothing is deleted,"
                            + " untagged or released until it is fixed"));
        }
        boolean untagAll = false;
        Set<String> leafPorts = new HashSet<>();
        for (ManifestSet.InvalidPod p : m.invalidPods()) {
            String node = p.nodeName();
            if (node == null) {
                untagAll = true;
                warnings.add(new Diagnostic(
                        podRef(p.key()),
                        "",
                        "the pod has errors and its node cannot be read: no port is untagged until it is fixed"));
            } else if (!node.isEmpty()) {
                for (TopologyLink l : snapshot.topology().linksOf(node)) {
                    leafPorts.add(l.leaf() + "\u0000" + l.port());
                }
                warnings.add(new Diagnostic(
                        podRef(p.key()),
                        "",
                        "the pod has errors: it keeps its addresses, and no port of node " + node
                                + " is untagged until it is fixed"));
            }
        }
        Set<String> zoneNamespaces = new HashSet<>();
        for (Diagnostic e : m.errors()) {
            String namespace = e.object().namespace();
            if (namespace != null && e.object().is(VirtualNetworkRouter.KIND)) {
                zoneNamespaces.add(namespace);
            }
        }
        if (!all && !untagAll && leafPorts.isEmpty() && zoneNamespaces.isEmpty()) {
            return Freeze.NONE;
        }
        return new Freeze(all, untagAll, Set.copyOf(leafPorts), Set.copyOf(zoneNamespaces));
    }

    /**
     * A valid NAD as the pods see it: one lookup per network selection.
     *
     * @param nad the NAD
     * @param key its key (one instance, shared by every port binding key of the network)
     * @param bound true if ports are bound for it (extended to the fabric and planned)
     * @param pool its fabricbinder-ipam pool, or null
     * @param rank its place among the networks the full plan binds ports to, by name; -1 if none
     */
    record NadInfo(
            NetworkAttachmentDefinition nad,
            String key,
            boolean bound,
            @Nullable PoolSpec pool,
            int rank) {}

    /**
     * The topology as the pods are mapped in: the distinct leaf ports ranked by leaf, then port (lets
     * the full plan sort its port bindings by counting instead of comparing strings), and the link of
     * every PF of the node states (looked up once per plan instead of once per attachment).
     */
    static final class LinkIndex {
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
                if (prev == null
                        || !prev.leaf().equals(l.leaf())
                        || !prev.port().equals(l.port())) {
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

    /** A pool of the plan, with what the address book holds in it. */
    static final class PoolState {
        final PoolSpec spec;
        final String network;
        /** The allocations the address book holds, by {@link Owner#key()}. */
        Map<String, List<String>> existing = Map.of();

        BigInteger capacity = BigInteger.ZERO;

        /** Owner key by address (no prefix length), built from {@link #existing} when first asked. */
        private @Nullable Map<String, String> holders;

        PoolState(PoolSpec spec, String network) {
            this.spec = spec;
            this.network = network;
        }

        /** The owner key holding the address (canonical, no prefix length), or null. */
        @Nullable
        String holderOf(String address) {
            Map<String, String> h = holders;
            if (h == null) {
                h = new HashMap<>();
                for (Map.Entry<String, List<String>> e : existing.entrySet()) {
                    for (String cidr : e.getValue()) {
                        int slash = cidr.indexOf('/');
                        h.put(slash < 0 ? cidr : cidr.substring(0, slash), e.getKey());
                    }
                }
                holders = h;
            }
            return h.get(address);
        }

        long capacityLimit() {
            return capacity.bitLength() < 63 ? capacity.longValue() : Long.MAX_VALUE;
        }

        Diagnostic exhausted(Attachment a) {
            return new Diagnostic(
                    a.podRef(),
                    NETWORKS_FIELD + "[" + a.index() + "]",
                    "no address left for interface " + a.owner().interfaceName() + " in " + network + ": pool "
                            + spec.name() + " holds " + capacity + " addresses and all are allocated");
        }
    }

    /** What one pod contributes to a plan (see {@link #contribute}). */
    static final class PodContribution {
        final Pod pod;
        final String podKey;
        private @Nullable List<PortBinding.Key> keys;
        private @Nullable List<Diagnostic> errors;
        private @Nullable List<Diagnostic> warnings;
        private @Nullable List<String> unmapped;
        private @Nullable List<Attachment> attachments;
        /** None yet: shared, never written (a pod with no ranked binding allocates no array). */
        private static final int[] NO_RANKS = new int[0];

        /** (port rank, network rank) of each binding of a ranked network, flat. */
        private int[] ranked = NO_RANKS;

        private int rankedSize;

        PodContribution(Pod pod) {
            this.pod = pod;
            this.podKey = pod.key();
        }

        List<PortBinding.Key> keys() {
            return keys == null ? List.of() : keys;
        }

        List<Diagnostic> errors() {
            return errors == null ? List.of() : errors;
        }

        List<Diagnostic> warnings() {
            return warnings == null ? List.of() : warnings;
        }

        /** Networks an attachment of which could not be mapped to a port (one entry per attachment). */
        List<String> unmapped() {
            return unmapped == null ? List.of() : unmapped;
        }

        List<Attachment> attachments() {
            return attachments == null ? List.of() : attachments;
        }

        void bind(TopologyLink l, NadInfo net, LinkIndex ranks) {
            PortBinding.Key k = new PortBinding.Key(l.leaf(), l.port(), net.key());
            if (keys == null) {
                keys = new ArrayList<>(2);
            }
            if (keys.contains(k)) {
                return;
            }
            keys.add(k);
            if (net.rank() >= 0) {
                int port = ranks.rank(l);
                if (port < 0) {
                    // Links come from the topology the index was built from; anything else is a bug.
                    throw new IllegalStateException("link " + l + " is not in the plan's topology index");
                }
                if (rankedSize == ranked.length) {
                    ranked = ranked.length == 0 ? new int[4] : Arrays.copyOf(ranked, ranked.length * 2);
                }
                ranked[rankedSize++] = port;
                ranked[rankedSize++] = net.rank();
            }
        }

        /** How many bindings have a port rank and a network rank (see {@link #portRank}). */
        int rankedCount() {
            return rankedSize / 2;
        }

        /** The {@link LinkIndex port rank} of the i-th ranked binding. */
        int portRank(int i) {
            return ranked[2 * i];
        }

        /** The {@link NadInfo#rank() network rank} of the i-th ranked binding. */
        int netRank(int i) {
            return ranked[2 * i + 1];
        }

        void error(Diagnostic d) {
            if (errors == null) {
                errors = new ArrayList<>(1);
            }
            errors.add(d);
        }

        void warning(Diagnostic d) {
            if (warnings == null) {
                warnings = new ArrayList<>(1);
            }
            warnings.add(d);
        }

        void unmapped(String network, ObjectRef object, String field, String message) {
            error(new Diagnostic(object, field, message));
            if (unmapped == null) {
                unmapped = new ArrayList<>(1);
            }
            unmapped.add(network);
        }

        void attach(Attachment a) {
            if (attachments == null) {
                attachments = new ArrayList<>(2);
            }
            attachments.add(a);
        }
    }

    /** A network being planned. */
    private static final class NetDraft {
        final String name;
        final String namespace;
        final int vlan;

        @Nullable
        Integer pinnedVni;

        long vni;

        @Nullable
        IpPrefix v4;

        @Nullable
        String v4Gateway;

        @Nullable
        IpPrefix v6;

        @Nullable
        String v6Gateway;

        @Nullable
        String zone;

        NetDraft(String name, String namespace, int vlan) {
            this.name = name;
            this.namespace = namespace;
            this.vlan = vlan;
        }

        VirtualNetworkSpec toSpec() {
            boolean routed = zone != null;
            return new VirtualNetworkSpec(
                    name,
                    vlan,
                    vni,
                    v4 == null ? null : v4.toString(),
                    v6 == null ? null : v6.toString(),
                    routed ? v4Gateway : null,
                    routed ? v6Gateway : null,
                    zone);
        }
    }
}
