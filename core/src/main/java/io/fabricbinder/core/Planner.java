package io.fabricbinder.core;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

    // The network level, set by prepare() (its output is the NetworkLevel value it returns).
    private MappingContext context = MappingContext.EMPTY;
    private Map<String, VirtualNetworkSpec> desiredNets = Map.of();
    private List<VirtualNetworkChange> netChanges = List.of();
    private List<RoutingZoneChange> zoneChanges = List.of();
    /** Pools by name, with the existing allocations and capacity of each (read once, in name order). */
    private Map<String, PoolState> poolStates = Map.of();
    /** The networks ports are bound to (extended, not frozen), by name: index = {@link NadInfo#rank()}. */
    private List<String> netNames = List.of();

    /**
     * What the network-level stage decides: everything that does not depend on pods. The input the
     * pod-level stages (port bindings, address allocations) and the incremental planner work from.
     *
     * @param context what pods are mapped in
     * @param desiredNets the desired networks by name
     * @param netChanges the network changes, in plan order
     * @param zoneChanges the routing zone changes, in plan order
     * @param poolStates the plan's pools by name, with their existing allocations and capacity
     * @param pools the plan's pool specs by name
     * @param invalidPods keys of pods present but invalid (they keep their addresses)
     * @param errors the errors that do not come from pods
     * @param warnings the warnings that do not come from pods
     */
    record NetworkLevel(
            MappingContext context,
            Map<String, VirtualNetworkSpec> desiredNets,
            List<VirtualNetworkChange> netChanges,
            List<RoutingZoneChange> zoneChanges,
            Map<String, PoolState> poolStates,
            Map<String, PoolSpec> pools,
            Set<String> invalidPods,
            List<Diagnostic> errors,
            List<Diagnostic> warnings) {}

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
    private Map<String, PoolSpec> pools = Map.of();

    /**
     * Plans everything that does not depend on pods: networks, zones, VNIs, pools (with their existing
     * allocations read from the address book), and the context pods are mapped in.
     */
    NetworkLevel prepare() {
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
        Exclusions exclusions = new Exclusions(frozenNetworks, errors);
        NetworkStage networkStage = new NetworkStage(exclusions, warnings);
        Map<String, NetDraft> drafts = new TreeMap<>();
        for (NetworkAttachmentDefinition nad : nads.values()) {
            if (!nad.extendToFabric()) {
                continue;
            }
            NetDraft d = networkStage.draft(nad);
            if (d != null) {
                drafts.put(nad.key(), d);
            }
        }
        // 2. Routing zones from mesh VNRs (same namespace as the NAD).
        networkStage.assignZones(drafts, nads, m.virtualNetworkRouters());
        // 3. VNIs: pinned first, then the ones already on the fabric, then new ones.
        new VniStage(exclusions, vniMin, vniMax).assignVnis(drafts, actualNets);
        // 4. Overlapping subnets inside one routing zone.
        networkStage.checkOverlaps(drafts);

        desiredNets = new TreeMap<>();
        for (NetDraft d : drafts.values()) {
            VirtualNetworkSpec want = d.toSpec();
            VirtualNetworkSpec have = actualNets.get(d.name);
            if (have != null && !have.placementZone().equals(want.placementZone()) && freeze.keepsZoneOf(d.namespace)) {
                // A VNR that could not be read may still select it: keep it where it is.
                warnings.add(new Diagnostic(
                        d.ref,
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
        context = new MappingContext(
                nadInfos,
                frozen,
                states,
                snapshot.topology(),
                LinkIndex.of(snapshot.topology(), states.values()),
                freeze);
        return new NetworkLevel(
                context,
                Collections.unmodifiableMap(desiredNets),
                Collections.unmodifiableList(netChanges),
                Collections.unmodifiableList(zoneChanges),
                Collections.unmodifiableMap(poolStates),
                pools,
                Set.copyOf(invalidPods),
                List.copyOf(errors),
                List.copyOf(warnings));
    }

    /** The full plan, from scratch. */
    Plan plan() {
        prepare();
        List<Pod> podList = snapshot.manifests().pods();

        // 5. Port bindings and IP allocations from the pods. Bindings are collected as (port rank,
        // network rank, pod index) triples and put in order by counting: no map per binding, no string
        // comparisons, and each binding's pods stay in pod order (which is name order).
        String[] podKeys = new String[podList.size()];
        PortStage.Triples triples = new PortStage.Triples();
        // Allocations in pod order: each pool hands out addresses to its attachments in pod order
        // until it is full. Pods come sorted by key, so only the entries of one pod need comparing to
        // know whether the list is in the plan's order.
        List<IpAllocationEntry> allocations = new ArrayList<>();
        boolean allocationsSorted = true;
        Map<String, AddressStage.PoolRun> runs = new HashMap<>();
        for (PoolState ps : poolStates.values()) {
            runs.put(ps.spec.name(), new AddressStage.PoolRun(ps));
        }
        for (int p = 0; p < podKeys.length; p++) {
            PodContribution c = PodStage.contribute(podList.get(p), context);
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
                AddressStage.PoolRun run =
                        Objects.requireNonNull(runs.get(a.pool().name()), "attachment to a pool not planned");
                List<InetAddress> have = run.ps.existing.get(a.owner().key());
                if (have != null) {
                    run.wanted.put(have, Boolean.TRUE);
                    AddressStage.addExisting(a, have, allocations);
                } else if (!a.terminating()) {
                    Object blocked = AddressStage.requestBlock(a, run.ps);
                    if (blocked instanceof Diagnostic d) {
                        errors.add(d);
                    } else if (blocked != null) {
                        // an invalid request: its pod reported it, nothing is allocated
                    } else if (run.used >= run.ps.capacityLimit()) {
                        errors.add(run.ps.exhausted(a));
                    } else {
                        run.used++;
                        AddressStage.addAllocate(a, allocations);
                    }
                }
            }
            for (int e = first + 1; allocationsSorted && e < allocations.size(); e++) {
                allocationsSorted = allocations.get(e - 1).compareTo(allocations.get(e)) <= 0;
            }
        }
        List<IpAllocationEntry> releases = new ArrayList<>();
        for (PoolState ps : poolStates.values()) {
            IdentityHashMap<List<InetAddress>, Boolean> wanted =
                    Objects.requireNonNull(runs.get(ps.spec.name()), "pool run").wanted;
            if (wanted.size() == ps.existing.size()) {
                continue;
            }
            for (Map.Entry<String, List<InetAddress>> have : ps.existing.entrySet()) {
                if (wanted.containsKey(have.getValue())) {
                    continue;
                }
                Owner o = Owner.fromKey(have.getKey());
                if (!context.freeze().all() && !invalidPods.contains(o.namespace() + "/" + o.pod())) {
                    AddressStage.addRelease(ps, o, have.getValue(), releases);
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
            while (a < actualPorts.size() && (c = PortStage.compare(actualPorts.get(a), k)) < 0) {
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

    static Diagnostic untagFrozenWarning(String network) {
        return new Diagnostic(
                nadRef(network),
                "",
                "some attachments could not be mapped to a leaf port; no port of this network is untagged until they"
                        + " are");
    }

    // ------------------------------------------------------------------ networks

    // ------------------------------------------------------------------ pods and ports

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
        Map<PortStage.PortVlan, Object> byPortVlan = new HashMap<>();
        List<List<PortBinding.Key>> clashes = new ArrayList<>();
        for (PortBinding.Key k : desired) {
            Integer vlan = sharing.get(k.virtualNetwork());
            if (vlan == null) {
                continue;
            }
            PortStage.PortVlan pv = new PortStage.PortVlan(k.leaf(), k.port(), vlan);
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
            keys.sort(PortStage.BY_NETWORK);
            errors.addAll(PortStage.conflictErrors(keys, nets));
            bad.addAll(keys);
        }
        return bad;
    }

    // ------------------------------------------------------------------ IP allocations

    /**
     * The ipam pool of a NAD's fabricbinder-ipam block: {@link IpamBlock#pool} of the NAD's CNI
     * network name, the same pool the CNI plugin computes from its stdin. The name changes when the
     * ranges do.
     */
    static PoolSpec poolSpec(NetworkAttachmentDefinition nad, IpamBlock ipam) {
        return ipam.pool(nad.cniNetworkName());
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The NAD of a network name ({@code namespace/nad}, as plans and the fabric name networks). Only
     * for networks known by name alone (from the fabric, or a port binding key).
     */
    static ObjectRef nadRef(String network) {
        return ObjectRef.ofKey(NetworkAttachmentDefinition.KIND, network);
    }

    /** A leaf port. */
    record LeafPort(String leaf, String port) {}

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
     * @param leafPorts leaf ports whose bindings are not untagged
     * @param zoneNamespaces namespaces whose networks keep their routing zone
     */
    record Freeze(boolean all, boolean untagAll, Set<LeafPort> leafPorts, Set<String> zoneNamespaces) {
        static final Freeze NONE = new Freeze(false, false, Set.of(), Set.of());

        boolean keepsBindingOn(String leaf, String port) {
            return all || untagAll || (!leafPorts.isEmpty() && leafPorts.contains(new LeafPort(leaf, port)));
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
        Set<LeafPort> leafPorts = new HashSet<>();
        for (ManifestSet.InvalidPod p : m.invalidPods()) {
            String node = p.nodeName();
            if (node == null) {
                untagAll = true;
                warnings.add(new Diagnostic(
                        p.ref(),
                        "",
                        "the pod has errors and its node cannot be read: no port is untagged until it is fixed"));
            } else if (!node.isEmpty()) {
                for (TopologyLink l : snapshot.topology().linksOf(node)) {
                    leafPorts.add(new LeafPort(l.leaf(), l.port()));
                }
                warnings.add(new Diagnostic(
                        p.ref(),
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
}
