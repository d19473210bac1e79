package io.fabricbinder.core;

import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.manifest.SriovNetworkNodeState;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.core.topology.Topology;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller mode of {@link FabricBinder}: watch events in, one reconcile per burst out.
 *
 * <p>Each event updates an in-memory model of the cluster (pods, NADs, VirtualNetworkRouters, SR-IOV
 * node states, topology). The first event after a quiet period schedules one reconcile on the
 * caller's scheduler {@code window} later; every event until then joins that reconcile. So a burst
 * of 1,000 pod creations within the window gives one plan, one fabric apply and one commit. Events
 * that arrive while a reconcile runs are picked up by the next one. Example:
 *
 * <pre>{@code
 * EventDrivenReconciler events = binder.eventDriven(scheduler, Duration.ofSeconds(2), result ->
 *         result.errors().forEach(e -> recordWarningEvent(e.object(), e.message())));
 * podInformer.addEventHandler(...  events.upsert(genericPod) ... events.delete("Pod", ns, name) ...);
 * events.topology(Topology.merge(sources));
 * }</pre>
 *
 * <p>An object that fails validation is kept as "present but invalid": its errors are reported each
 * reconcile under its name, and — for a NAD — its fabric network is kept, never deleted, until the
 * NAD is fixed or deleted. Thread-safe: events may come from any thread. It starts no threads; the
 * reconcile runs on the scheduler given, one at a time.
 */
public final class EventDrivenReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(EventDrivenReconciler.class);

    private final FabricBinder binder;
    private final ScheduledExecutorService scheduler;
    private final long windowNanos;
    private final Consumer<ReconcileResult> listener;

    private final Object lock = new Object();
    private final Map<String, NetworkAttachmentDefinition> nads = new HashMap<>();
    private final Map<String, Pod> pods = new HashMap<>();
    private final Map<String, VirtualNetworkRouter> routers = new HashMap<>();
    private final Map<String, SriovNetworkNodeState> nodeStates = new HashMap<>();
    private final Map<ObjectRef, ManifestSet> invalid = new TreeMap<>();
    private Topology topology = Topology.empty();
    private final IncrementalPlanner incremental;
    /** True when the incremental planner must be rebuilt (anything but a valid pod changed). */
    private boolean stale = true;
    /** Pods upserted or deleted since the incremental planner last caught up. */
    private final Set<String> pendingPods = new LinkedHashSet<>();

    private boolean scheduled;
    private long reconciles;
    /** While held, events update the model but no reconcile runs (see {@link #hold()}). */
    private boolean held;
    /** Something changed while held: release() schedules a reconcile. */
    private boolean changedWhileHeld;

    EventDrivenReconciler(
            FabricBinder binder,
            ScheduledExecutorService scheduler,
            Duration window,
            Consumer<ReconcileResult> listener) {
        this.binder = Objects.requireNonNull(binder, "binder");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative: " + window);
        }
        this.windowNanos = window.toNanos();
        this.listener = Objects.requireNonNull(listener, "listener");
        this.incremental = binder.incrementalPlanner();
    }

    /**
     * Adds or replaces an object given as a generic Kubernetes map (as fabric8's {@code
     * GenericKubernetesResource} gives). It is validated exactly as manifest files are; an invalid
     * object replaces the valid one and is reported until fixed. Kinds FabricBinder does not read
     * are ignored.
     */
    public void upsert(Map<String, ?> resource) {
        ManifestSet one = Manifests.convert(resource);
        synchronized (lock) {
            if (!one.errors().isEmpty()) {
                ObjectRef object = one.errors().get(0).object();
                removeValid(object);
                invalid.put(object, one);
                stale = true;
            } else {
                one.nads().forEach(this::putNad);
                one.pods().forEach(this::putPod);
                one.virtualNetworkRouters().forEach(this::putRouter);
                one.nodeStates().forEach(this::putNodeState);
            }
            changed();
        }
    }

    /** Adds or replaces a NAD. */
    public void upsert(NetworkAttachmentDefinition nad) {
        synchronized (lock) {
            putNad(nad);
            changed();
        }
    }

    /** Adds or replaces a pod. */
    public void upsert(Pod pod) {
        synchronized (lock) {
            putPod(pod);
            changed();
        }
    }

    /** Adds or replaces a VirtualNetworkRouter. */
    public void upsert(VirtualNetworkRouter router) {
        synchronized (lock) {
            putRouter(router);
            changed();
        }
    }

    /** Adds or replaces a node's SR-IOV state. */
    public void upsert(SriovNetworkNodeState state) {
        synchronized (lock) {
            putNodeState(state);
            changed();
        }
    }

    /**
     * Removes an object (valid or invalid) by kind ({@code Pod}, {@code NetworkAttachmentDefinition},
     * {@code VirtualNetworkRouter}, {@code SriovNetworkNodeState}), namespace and name. Deleting a NAD
     * is what removes its fabric network.
     */
    public void delete(String kind, String namespace, String name) {
        String key = namespace + "/" + name;
        synchronized (lock) {
            switch (kind) {
                case NetworkAttachmentDefinition.KIND -> nads.remove(key);
                case Pod.KIND -> {
                    pods.remove(key);
                    pendingPods.add(key);
                }
                case VirtualNetworkRouter.KIND -> routers.remove(key);
                case SriovNetworkNodeState.KIND -> nodeStates.remove(key);
                default -> throw new IllegalArgumentException("unknown kind '" + kind + "'");
            }
            if (!kind.equals(Pod.KIND) || invalid.remove(ObjectRef.of(kind, namespace, name)) != null) {
                stale = true;
            }
            changed();
        }
    }

    /** Replaces the topology. */
    public void topology(Topology newTopology) {
        Objects.requireNonNull(newTopology, "newTopology");
        synchronized (lock) {
            topology = newTopology;
            stale = true;
            changed();
        }
    }

    /** Schedules a reconcile even without a change (periodic resync, drift repair). */
    public void resync() {
        synchronized (lock) {
            stale = true;
            changed();
        }
    }

    /** The cluster as currently known: valid objects plus the errors of invalid ones. */
    public ClusterSnapshot snapshot() {
        synchronized (lock) {
            ManifestSet.Builder b = ManifestSet.builder();
            nads.values().forEach(b::add);
            pods.values().forEach(b::add);
            routers.values().forEach(b::add);
            nodeStates.values().forEach(b::add);
            invalid.values().forEach(b::addProblemsOf);
            return new ClusterSnapshot(b.build(), topology);
        }
    }

    /**
     * The plan for the cluster as currently known, against the fabric and IP allocations as read at
     * the last rebuild; no side effects. Kept incrementally: after pod upserts and deletes it
     * recomputes only those pods' contributions (their port bindings, addresses, errors) and the
     * (network, port) keys and pools they touch, so the next plan after one pod event costs well
     * under a millisecond on a 20,000-pod cluster. Any other change — a NAD, VirtualNetworkRouter,
     * node state, topology, an invalid object, {@link #resync()}, or a reconcile (which changes the
     * fabric and the allocations) — makes the next call rebuild: read the fabric through the gateway
     * and plan from scratch. Equal to {@code binder.plan(snapshot())} while the fabric and the IPAM
     * are not changed behind this reconciler's back. A rebuild runs under the reconciler's lock, so
     * events arriving meanwhile wait for it. Example:
     *
     * <pre>{@code
     * events.upsert(pod);
     * Plan next = events.plan();
     * if (next.hasFabricChanges()) log.info(next.summary());
     * }</pre>
     */
    public Plan plan() {
        synchronized (lock) {
            if (stale || !incremental.isBuilt()) {
                FabricState actual = binder.gateway().readOwnedState();
                ClusterSnapshot checked = binder.checkedAgainstFabric(snapshot());
                incremental.rebuild(checked, actual, binder.readIpam(checked));
                stale = false;
                pendingPods.clear();
            } else {
                for (String key : pendingPods) {
                    Pod pod = pods.get(key);
                    if (pod == null) {
                        incremental.deletePod(key);
                    } else {
                        incremental.upsertPod(pod);
                    }
                }
                pendingPods.clear();
            }
            return incremental.plan();
        }
    }

    /**
     * Reconciles now on the calling thread (plan from a fresh read of the fabric, apply), besides
     * the scheduled reconciles; returns the result without passing it to the listener. Useful at
     * start-up and in tests.
     *
     * @throws IllegalStateException while reconciles are held ({@link #hold()})
     */
    public ReconcileResult reconcileNow() {
        ClusterSnapshot snap;
        synchronized (lock) {
            if (held) {
                throw new IllegalStateException("reconciles are held: the cluster is not completely known yet");
            }
            snap = snapshot();
        }
        ReconcileResult result;
        try {
            result = binder.reconcile(snap);
        } finally {
            synchronized (lock) {
                reconciles++;
                stale = true;
            }
        }
        return result;
    }

    /**
     * Holds reconciles: events keep updating the model, but no reconcile is scheduled, a scheduled
     * one is skipped, and {@link #reconcileNow()} refuses, until {@link #release()}. A controller
     * holds while its cache is not complete — before its informers have synced, while a watch is
     * broken, and while it is not the leader — so that it never plans against a partial cluster (that
     * would delete what the missing objects created). Idempotent.
     */
    public void hold() {
        synchronized (lock) {
            held = true;
        }
    }

    /** Ends {@link #hold()}; if anything changed meanwhile, a reconcile is scheduled. Idempotent. */
    public void release() {
        synchronized (lock) {
            if (!held) {
                return;
            }
            held = false;
            if (changedWhileHeld) {
                changedWhileHeld = false;
                changed();
            }
        }
    }

    /** Whether reconciles are held ({@link #hold()}). */
    public boolean isHeld() {
        synchronized (lock) {
            return held;
        }
    }

    /** How many reconciles ran. */
    public long reconcileCount() {
        synchronized (lock) {
            return reconciles;
        }
    }

    private void changed() {
        if (held) {
            changedWhileHeld = true;
            return;
        }
        if (!scheduled) {
            scheduled = true;
            // Nobody waits on this future: flush() logs whatever it throws and schedules its own retry.
            ScheduledFuture<?> unused = scheduler.schedule(this::flush, windowNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs one scheduled reconcile. Nothing reads the future of this task, so what it throws is
     * logged here or lost. A failed reconcile (RuntimeException or Error) is retried after another
     * window, since dropping the burst would leave the fabric behind until the next event; an Error
     * is logged with its stack trace and rethrown, so that an executor that inspects its tasks'
     * futures still sees it. A listener that throws is logged, and nothing is retried: the reconcile
     * itself went through.
     */
    private void flush() {
        ClusterSnapshot snap;
        synchronized (lock) {
            scheduled = false;
            if (held) {
                // The cache became incomplete after this reconcile was scheduled: wait for release().
                changedWhileHeld = true;
                return;
            }
            snap = snapshot();
        }
        ReconcileResult result;
        try {
            result = binder.reconcile(snap);
        } catch (RuntimeException e) {
            // The fabric could not be read or reached: try again after another window.
            LOG.warn("reconcile failed, retrying after the next window: {}", e.toString());
            reconciled(true);
            return;
        } catch (Error e) {
            LOG.error("reconcile failed with an Error, retrying after the next window", e);
            reconciled(true);
            throw e;
        }
        reconciled(false);
        try {
            listener.accept(result);
        } catch (RuntimeException e) {
            LOG.warn("reconcile listener failed; the reconcile itself succeeded", e);
        } catch (Error e) {
            LOG.error("reconcile listener failed with an Error; the reconcile itself succeeded", e);
            throw e;
        }
    }

    /** Counts a reconcile, and schedules a retry after a failed one. */
    private void reconciled(boolean failed) {
        synchronized (lock) {
            // The fabric and the allocations (may have) changed: the incremental plan starts over.
            stale = true;
            reconciles++;
            if (failed) {
                changed();
            }
        }
    }

    private void removeValid(ObjectRef object) {
        if (object.namespace() == null) {
            return; // not a namespaced object of a kind the model holds
        }
        String key = object.key();
        switch (object.kind()) {
            case NetworkAttachmentDefinition.KIND -> nads.remove(key);
            case Pod.KIND -> pods.remove(key);
            case VirtualNetworkRouter.KIND -> routers.remove(key);
            case SriovNetworkNodeState.KIND -> nodeStates.remove(key);
            default -> {}
        }
    }

    private void putNad(NetworkAttachmentDefinition nad) {
        nads.put(nad.key(), nad);
        invalid.remove(nad.ref());
        stale = true;
    }

    private void putPod(Pod pod) {
        String key = pod.key();
        pods.put(key, pod);
        if (invalid.remove(pod.ref()) != null || incremental.isInvalidPod(key)) {
            stale = true;
        }
        pendingPods.add(key);
    }

    private void putRouter(VirtualNetworkRouter r) {
        routers.put(r.key(), r);
        invalid.remove(r.ref());
        stale = true;
    }

    private void putNodeState(SriovNetworkNodeState s) {
        nodeStates.put(s.key(), s);
        invalid.remove(s.ref());
        stale = true;
    }
}
