package io.fabricbinder.core;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.PortStage.PortVlan;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The planner for the event-fed mode: keeps what every pod contributes to the plan, so a pod upsert
 * or delete recomputes that pod alone and the (network, port) keys and pool it touches.
 *
 * <p>{@link #rebuild} plans the network level (networks, zones, VNIs, pools and their existing
 * allocations, the mapping context) exactly as {@link Planner} does, then adds every pod. Between
 * rebuilds, {@link #upsertPod} and {@link #deletePod} retract the pod's old contribution (its port
 * keys, allocation attachments, errors and warnings, unmapped attachments) and add the new one; the
 * touched port keys, VLAN-conflict groups, networks and pools are then re-evaluated. The plan lists
 * are {@link SortedChunkList}s updated by structural sharing, so {@link #plan()} hands out a complete
 * {@link Plan} (unchanged entries included) without copying the cluster.
 *
 * <p>Everything that is not a valid pod (NADs, VNRs, node states, topology, invalid objects, a new
 * fabric or IPAM state after an apply) needs a {@link #rebuild}. Not thread-safe: the owner ({@link
 * EventDrivenReconciler}) guards it with its lock.
 */
final class IncrementalPlanner {

    private final long vniMin;
    private final long vniMax;

    private boolean built;
    private boolean bulk;

    // Network level, fixed between rebuilds.
    private MappingContext ctx = MappingContext.EMPTY;
    private List<RoutingZoneChange> zones = List.of();
    private List<VirtualNetworkChange> nets = List.of();
    private Map<String, PoolSpec> pools = Map.of();
    private Map<String, VirtualNetworkSpec> netIndex = Map.of();
    private Set<String> invalidPods = Set.of();
    private Map<PortBinding.Key, PortBinding> actualPorts = Map.of();
    private final Map<String, List<PortBinding.Key>> actualKeysByNet = new HashMap<>();
    private final Map<String, PoolCandidates> poolsByName = new HashMap<>();
    private final Map<String, List<Existing>> existingByPod = new HashMap<>();

    // Per pod.
    private final Map<String, PodContribution> contributions = new HashMap<>();
    private final Map<String, List<IpAllocationEntry>> existingEntries = new HashMap<>();

    // Ports.
    private final Map<PortBinding.Key, TreeSet<String>> podsByKey = new HashMap<>();
    private final Map<PortBinding.Key, PortBindingChange> portChanges = new HashMap<>();
    private final Set<PortBinding.Key> desiredActualKeys = new HashSet<>();
    private final Map<PortVlan, TreeSet<PortBinding.Key>> groups = new HashMap<>();
    private final Map<PortVlan, List<Diagnostic>> groupErrors = new HashMap<>();
    private final Map<String, Integer> unmappedCount = new HashMap<>();
    private final Map<String, Integer> undesiredActual = new HashMap<>();
    private final Set<String> warnedNets = new HashSet<>();

    // Diagnostics (counted: the plan lists each distinct one once).
    private final Map<Diagnostic, Integer> errorCounts = new HashMap<>();
    private final Map<Diagnostic, Integer> warningCounts = new HashMap<>();

    // The plan's lists.
    private SortedChunkList<PortBindingChange> portList = SortedChunkList.of(List.of(), Plan.PORT_ORDER);
    private SortedChunkList<IpAllocationEntry> allocList =
            SortedChunkList.of(List.<IpAllocationEntry>of(), Comparator.<IpAllocationEntry>naturalOrder());
    private SortedChunkList<Diagnostic> errorList =
            SortedChunkList.of(List.<Diagnostic>of(), Comparator.<Diagnostic>naturalOrder());
    private SortedChunkList<Diagnostic> warningList =
            SortedChunkList.of(List.<Diagnostic>of(), Comparator.<Diagnostic>naturalOrder());

    // Touched by the current event.
    private final Set<PortBinding.Key> touchedKeys = new LinkedHashSet<>();
    private final Set<PortVlan> touchedGroups = new LinkedHashSet<>();
    private final Set<String> flippedNets = new LinkedHashSet<>();
    private final Set<String> touchedNets = new LinkedHashSet<>();
    private final Set<PoolCandidates> touchedPools = new LinkedHashSet<>();

    IncrementalPlanner(long vniMin, long vniMax) {
        this.vniMin = vniMin;
        this.vniMax = vniMax;
    }

    /** True once {@link #rebuild} ran. */
    boolean isBuilt() {
        return built;
    }

    /** True if the pod key was invalid at the last rebuild (its events need a rebuild). */
    boolean isInvalidPod(String podKey) {
        return invalidPods.contains(podKey);
    }

    /** Plans from scratch: the network level from the snapshot, fabric and IPAM state, then every pod. */
    void rebuild(ClusterSnapshot snapshot, FabricState actual, IpamState ipam) {
        clear();
        Planner p = new Planner(snapshot, actual, ipam, vniMin, vniMax);
        Planner.NetworkLevel level = p.prepare();
        ctx = level.context();
        zones = List.copyOf(level.zoneChanges());
        nets = List.copyOf(level.netChanges());
        pools = level.pools();
        netIndex = new HashMap<>(level.desiredNets());
        invalidPods = level.invalidPods();
        actualPorts = new HashMap<>(actual.bindingsByKey());
        for (PortBinding.Key k : actualPorts.keySet()) {
            actualKeysByNet
                    .computeIfAbsent(k.virtualNetwork(), n -> new ArrayList<>())
                    .add(k);
            undesiredActual.merge(k.virtualNetwork(), 1, Integer::sum);
            touchedKeys.add(k);
            touchedNets.add(k.virtualNetwork());
        }
        for (PoolState ps : level.poolStates().values()) {
            poolsByName.put(ps.spec.name(), new PoolCandidates(ps));
            for (Map.Entry<String, List<InetAddress>> e : ps.existing.entrySet()) {
                // The address book's keys are Owner keys (it validated them when it stored them).
                Owner owner = Owner.fromKey(e.getKey());
                existingByPod
                        .computeIfAbsent(podKey(owner), k -> new ArrayList<>())
                        .add(new Existing(ps, owner, e.getValue()));
            }
        }
        bulk = true;
        level.errors().forEach(d -> count(errorCounts, d, 1));
        level.warnings().forEach(d -> count(warningCounts, d, 1));
        for (Pod pod : snapshot.manifests().pods()) {
            add(PodStage.contribute(pod, ctx));
        }
        for (String podKey : existingByPod.keySet()) {
            refreshExisting(podKey);
        }
        touchedPools.addAll(poolsByName.values());
        settle();
        bulk = false;
        portList = SortedChunkList.of(new ArrayList<>(portChanges.values()), Plan.PORT_ORDER);
        List<IpAllocationEntry> entries = new ArrayList<>();
        existingEntries.values().forEach(entries::addAll);
        for (PoolCandidates pc : poolsByName.values()) {
            for (Object decision : pc.decided.values()) {
                if (decision instanceof List<?> list) {
                    for (Object e : list) {
                        entries.add((IpAllocationEntry) e);
                    }
                }
            }
        }
        allocList = SortedChunkList.of(entries, Comparator.naturalOrder());
        errorList = SortedChunkList.of(new ArrayList<>(errorCounts.keySet()), Comparator.naturalOrder());
        warningList = SortedChunkList.of(new ArrayList<>(warningCounts.keySet()), Comparator.naturalOrder());
        built = true;
    }

    /** Adds or replaces a valid pod. */
    void upsertPod(Pod pod) {
        requireBuilt();
        String key = pod.key();
        PodContribution old = contributions.remove(key);
        if (old != null) {
            retract(old);
        }
        add(PodStage.contribute(pod, ctx));
        refreshExisting(key);
        settle();
    }

    /** Removes a pod. */
    void deletePod(String podKey) {
        requireBuilt();
        PodContribution old = contributions.remove(podKey);
        if (old != null) {
            retract(old);
        }
        refreshExisting(podKey);
        settle();
    }

    /** The current plan; shares its lists with the planner's state (they are immutable). */
    Plan plan() {
        requireBuilt();
        return new Plan(zones, nets, portList, allocList, errorList, warningList, pools, true);
    }

    // ------------------------------------------------------------------ contributions

    private void add(PodContribution c) {
        contributions.put(c.podKey, c);
        for (Diagnostic d : c.errors()) {
            error(d, 1);
        }
        for (Diagnostic d : c.warnings()) {
            warning(d, 1);
        }
        for (String n : c.unmapped()) {
            if (unmappedCount.merge(n, 1, Integer::sum) == 1) {
                flippedNets.add(n);
            }
        }
        for (PortBinding.Key k : c.keys()) {
            TreeSet<String> pods = podsByKey.computeIfAbsent(k, x -> new TreeSet<>());
            boolean first = pods.isEmpty();
            pods.add(c.podKey);
            touchedKeys.add(k);
            if (first && eligible(k)) {
                PortVlan pv = portVlan(k);
                groups.computeIfAbsent(pv, x -> new TreeSet<>(PortStage.BY_NETWORK))
                        .add(k);
                touchedGroups.add(pv);
            }
        }
        for (Attachment a : c.attachments()) {
            PoolCandidates pc = pool(a);
            if (a.terminating() || pc.ps.existing.containsKey(a.owner().key())) {
                continue;
            }
            AttKey ak = new AttKey(a.podKey(), a.index());
            pc.waiting.put(ak, a);
            pc.changed.add(ak);
            touchedPools.add(pc);
        }
    }

    private void retract(PodContribution c) {
        for (Diagnostic d : c.errors()) {
            error(d, -1);
        }
        for (Diagnostic d : c.warnings()) {
            warning(d, -1);
        }
        for (String n : c.unmapped()) {
            if (unmappedCount.merge(n, -1, Integer::sum) == 0) {
                unmappedCount.remove(n);
                flippedNets.add(n);
            }
        }
        for (PortBinding.Key k : c.keys()) {
            // A contribution is retracted only after it was applied: its keys have their pods.
            TreeSet<String> pods = Objects.requireNonNull(podsByKey.get(k), "retracted key never applied");
            pods.remove(c.podKey);
            touchedKeys.add(k);
            if (pods.isEmpty()) {
                podsByKey.remove(k);
                if (eligible(k)) {
                    PortVlan pv = portVlan(k);
                    TreeSet<PortBinding.Key> g = Objects.requireNonNull(groups.get(pv), "retracted key never grouped");
                    g.remove(k);
                    if (g.isEmpty()) {
                        groups.remove(pv);
                    }
                    touchedGroups.add(pv);
                }
            }
        }
        for (Attachment a : c.attachments()) {
            PoolCandidates pc = pool(a);
            AttKey ak = new AttKey(a.podKey(), a.index());
            if (pc.waiting.remove(ak) != null) {
                pc.changed.add(ak);
                touchedPools.add(pc);
            }
        }
    }

    /** The unchanged and release entries of the addresses a pod key holds. */
    private void refreshExisting(String podKey) {
        List<Existing> held = existingByPod.get(podKey);
        if (held == null) {
            return;
        }
        PodContribution c = contributions.get(podKey);
        List<IpAllocationEntry> now = new ArrayList<>();
        for (Existing e : held) {
            Attachment a = c == null ? null : find(c, e.pool.spec.name(), e.owner);
            if (a != null) {
                AddressStage.addExisting(a, e.have, now);
            } else if (!ctx.freeze().all() && !invalidPods.contains(podKey)) {
                AddressStage.addRelease(e.pool, e.owner, e.have, now);
            }
        }
        List<IpAllocationEntry> before = existingEntries.put(podKey, now);
        if (before != null && before.equals(now)) {
            return;
        }
        if (before != null) {
            before.forEach(this::removeEntry);
        }
        now.forEach(this::addEntry);
    }

    /** The key of the pod an owner is an interface of, as {@link Pod#key()} and the contributions use it. */
    private static String podKey(Owner owner) {
        return ObjectRef.of(Pod.KIND, owner.namespace(), owner.pod()).key();
    }

    private static @Nullable Attachment find(PodContribution c, String pool, Owner owner) {
        for (Attachment a : c.attachments()) {
            if (a.pool().name().equals(pool) && a.owner().equals(owner)) {
                return a;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ settling what an event touched

    private void settle() {
        for (PortVlan pv : touchedGroups) {
            List<Diagnostic> before = groupErrors.remove(pv);
            if (before != null) {
                before.forEach(d -> error(d, -1));
            }
            TreeSet<PortBinding.Key> g = groups.get(pv);
            if (g != null) {
                touchedKeys.addAll(g);
                if (g.size() > 1) {
                    List<Diagnostic> now = PortStage.conflictErrors(new ArrayList<>(g), netIndex);
                    now.forEach(d -> error(d, 1));
                    groupErrors.put(pv, now);
                }
            }
        }
        for (String n : flippedNets) {
            touchedKeys.addAll(actualKeysByNet.getOrDefault(n, List.of()));
            touchedNets.add(n);
        }
        for (PortBinding.Key k : touchedKeys) {
            evaluate(k);
        }
        for (String n : touchedNets) {
            boolean warn = unmappedCount.containsKey(n) && undesiredActual.getOrDefault(n, 0) > 0;
            if (warn ? warnedNets.add(n) : warnedNets.remove(n)) {
                warning(Planner.untagFrozenWarning(n), warn ? 1 : -1);
            }
        }
        for (PoolCandidates pc : touchedPools) {
            decide(pc);
        }
        touchedGroups.clear();
        flippedNets.clear();
        touchedKeys.clear();
        touchedNets.clear();
        touchedPools.clear();
    }

    private boolean conflicting(PortBinding.Key k) {
        if (!podsByKey.containsKey(k) || !eligible(k)) {
            return false;
        }
        TreeSet<PortBinding.Key> g = groups.get(portVlan(k));
        return g != null && g.size() > 1;
    }

    private void evaluate(PortBinding.Key k) {
        TreeSet<String> pods = podsByKey.get(k);
        String network = k.virtualNetwork();
        VirtualNetworkSpec net = netIndex.get(network);
        boolean conflicting = conflicting(k);
        boolean frozen = ctx.frozenNetworks().contains(network);
        PortBinding have = actualPorts.get(k);
        boolean desired = false;
        PortBindingChange now = null;
        if (pods != null && net != null && !conflicting && !frozen) {
            desired = true;
            now = new PortBindingChange(
                    have != null ? PortAction.UNCHANGED : PortAction.TAG,
                    new PortBinding(k.leaf(), k.port(), network, net.vlan(), List.copyOf(pods)));
        } else if (have != null) {
            boolean keep = net != null
                    && (frozen
                            || unmappedCount.containsKey(network)
                            || conflicting
                            || ctx.freeze().keepsBindingOn(k.leaf(), k.port()));
            now = new PortBindingChange(keep ? PortAction.UNCHANGED : PortAction.UNTAG, have);
        }
        PortBindingChange before = now == null ? portChanges.remove(k) : portChanges.put(k, now);
        if (!bulk && !Objects.equals(before, now)) {
            if (before != null) {
                portList = portList.without(before);
            }
            if (now != null) {
                portList = portList.with(now);
            }
        }
        if (have != null) {
            boolean wasDesired = desiredActualKeys.contains(k);
            if (wasDesired != desired) {
                if (desired) {
                    desiredActualKeys.add(k);
                } else {
                    desiredActualKeys.remove(k);
                }
                undesiredActual.merge(network, desired ? -1 : 1, Integer::sum);
                touchedNets.add(network);
            }
        }
    }

    /**
     * Which waiting attachments of a pool get addresses: in pod order, as many as the pool has room
     * for; the rest get an error. Under capacity only the changed attachments are looked at; at or
     * over it the whole pool is decided again (the ranks matter then).
     */
    private void decide(PoolCandidates pc) {
        long room = Math.max(0, pc.ps.capacityLimit() - pc.ps.existing.size());
        boolean over = pc.waiting.size() > room;
        if (over || pc.over) {
            for (Object d : pc.decided.values()) {
                undo(d);
            }
            pc.decided.clear();
            long rank = 0;
            for (Map.Entry<AttKey, Attachment> e : pc.waiting.entrySet()) {
                // As the full planner: a blocked request takes no room.
                Object blocked = AddressStage.requestBlock(e.getValue(), pc.ps);
                Object d = blocked != null
                        ? blocked
                        : rank++ < room ? allocateEntries(e.getValue()) : pc.ps.exhausted(e.getValue());
                pc.decided.put(e.getKey(), d);
                redo(d);
            }
        } else {
            for (AttKey ak : pc.changed) {
                Object before = pc.decided.remove(ak);
                if (before != null) {
                    undo(before);
                }
                Attachment a = pc.waiting.get(ak);
                if (a != null) {
                    Object blocked = AddressStage.requestBlock(a, pc.ps);
                    Object d = blocked != null ? blocked : allocateEntries(a);
                    pc.decided.put(ak, d);
                    redo(d);
                }
            }
        }
        pc.changed.clear();
        pc.over = over;
    }

    private static List<IpAllocationEntry> allocateEntries(Attachment a) {
        List<IpAllocationEntry> out = new ArrayList<>(a.pool().ranges().size());
        AddressStage.addAllocate(a, out);
        return out;
    }

    private void undo(Object decision) {
        if (decision instanceof Diagnostic d) {
            error(d, -1);
        } else {
            for (Object e : (List<?>) decision) {
                removeEntry((IpAllocationEntry) e);
            }
        }
    }

    private void redo(Object decision) {
        if (decision instanceof Diagnostic d) {
            error(d, 1);
        } else {
            for (Object e : (List<?>) decision) {
                addEntry((IpAllocationEntry) e);
            }
        }
    }

    // ------------------------------------------------------------------ list upkeep

    private void addEntry(IpAllocationEntry e) {
        if (!bulk) {
            allocList = allocList.with(e);
        }
    }

    private void removeEntry(IpAllocationEntry e) {
        if (!bulk) {
            allocList = allocList.without(e);
        }
    }

    private void error(Diagnostic d, int delta) {
        int change = count(errorCounts, d, delta);
        if (!bulk && change > 0) {
            errorList = errorList.with(d);
        } else if (!bulk && change < 0) {
            errorList = errorList.without(d);
        }
    }

    private void warning(Diagnostic d, int delta) {
        int change = count(warningCounts, d, delta);
        if (!bulk && change > 0) {
            warningList = warningList.with(d);
        } else if (!bulk && change < 0) {
            warningList = warningList.without(d);
        }
    }

    /** Adjusts a count; returns 1 when the diagnostic appeared, -1 when it disappeared, else 0. */
    private static int count(Map<Diagnostic, Integer> counts, Diagnostic d, int delta) {
        int now = counts.merge(d, delta, Integer::sum);
        if (now == 0) {
            counts.remove(d);
            return -1;
        }
        if (now < 0) {
            throw new IllegalStateException("diagnostic retracted more often than added: " + d);
        }
        return now == delta ? 1 : 0;
    }

    // ------------------------------------------------------------------ helpers

    private boolean eligible(PortBinding.Key k) {
        return netIndex.containsKey(k.virtualNetwork()) && !ctx.frozenNetworks().contains(k.virtualNetwork());
    }

    /** The port and VLAN of an {@link #eligible} key. */
    private PortVlan portVlan(PortBinding.Key k) {
        VirtualNetworkSpec net = Objects.requireNonNull(netIndex.get(k.virtualNetwork()), "key not eligible");
        return new PortVlan(k.leaf(), k.port(), net.vlan());
    }

    /** The pool of an attachment: every attachment is to a pool of the last rebuild. */
    private PoolCandidates pool(Attachment a) {
        return Objects.requireNonNull(poolsByName.get(a.pool().name()), "attachment to a pool not rebuilt");
    }

    private void requireBuilt() {
        if (!built) {
            throw new IllegalStateException("the incremental planner has not been built yet");
        }
    }

    private void clear() {
        built = false;
        actualKeysByNet.clear();
        poolsByName.clear();
        existingByPod.clear();
        contributions.clear();
        existingEntries.clear();
        podsByKey.clear();
        portChanges.clear();
        desiredActualKeys.clear();
        groups.clear();
        groupErrors.clear();
        unmappedCount.clear();
        undesiredActual.clear();
        warnedNets.clear();
        errorCounts.clear();
        warningCounts.clear();
        touchedKeys.clear();
        touchedGroups.clear();
        flippedNets.clear();
        touchedNets.clear();
        touchedPools.clear();
    }

    /** An attachment's place in pod order. */
    private record AttKey(String podKey, int index) implements Comparable<AttKey> {
        @Override
        public int compareTo(AttKey o) {
            int c = podKey.compareTo(o.podKey);
            return c != 0 ? c : Integer.compare(index, o.index);
        }
    }

    /** Addresses an owner holds in a pool (read at the last rebuild). */
    private record Existing(PoolState pool, Owner owner, List<InetAddress> have) {}

    /** A pool's attachments waiting for addresses, in pod order, and what each gets. */
    private static final class PoolCandidates {
        final PoolState ps;
        final TreeMap<AttKey, Attachment> waiting = new TreeMap<>();
        /** Per waiting attachment: its allocate entries (a list) or its exhaustion error. */
        final Map<AttKey, Object> decided = new HashMap<>();

        final Set<AttKey> changed = new HashSet<>();
        boolean over;

        PoolCandidates(PoolState ps) {
            this.ps = ps;
        }
    }
}
