package io.fabricbinder.examples.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.EventDrivenReconciler;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FabricBinder controller in one file, to copy into your own operator.
 *
 * <p>What it does:
 *
 * <ul>
 *   <li>watches NetworkAttachmentDefinitions, Pods, VirtualNetworkRouters and
 *       SriovNetworkNodeStates with fabric8 informers (generic resources, so no CRD classes are
 *       needed) and checks each object with {@link Manifests#convert(Map)};
 *   <li>hands each change to a {@link Listener} (where FabricBinder's event mode plugs in, see
 *       {@code fabricbinder controller}) <em>only while this replica holds the Lease and every
 *       informer has synced and is watching</em> ("active"), so two replicas never both apply and
 *       nothing is planned against a partial cache. On becoming active it replays its whole cache
 *       (and the deletions it saw while inactive), then sends {@link Change.Type#RESYNC}; on becoming
 *       inactive (Lease lost, a watch broken, the API server gone) it sends {@link
 *       Change.Type#PAUSED}. {@link #feeding} holds the event mode's reconciles from creation until
 *       the first RESYNC and while paused, so a standby replica never reconciles;
 *   <li>reports an invalid object as a Kubernetes Event of type {@code Warning} on that object,
 *       naming the field, once per distinct problem. An invalid object is left out of the
 *       snapshot's valid objects but its last valid version stays, so it tears nothing down.
 * </ul>
 *
 * <pre>{@code
 * try (KubernetesClient client = new KubernetesClientBuilder().build();
 *      FabricBinderController controller = FabricBinderController.builder(client)
 *              .identity(System.getenv("POD_NAME"))
 *              .leaseNamespace("fabricbinder-system")
 *              .listener(change -> feed(events, change))            // the core event mode
 *              .build()) {
 *     controller.start();
 *     controller.awaitStop();
 * }
 * }</pre>
 *
 * <p>Thread-safety: informer callbacks arrive on fabric8's threads and are serialised here; all
 * public methods are thread-safe. {@link #close()} stops the informers and gives up the Lease; the
 * client is the caller's and is not closed.
 */
public final class FabricBinderController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FabricBinderController.class);

    /** The Event reason for an object FabricBinder cannot use. */
    public static final String REASON_INVALID = "FabricBinderInvalid";

    /** The kinds watched, as (apiVersion, kind). */
    public static final List<WatchedKind> KINDS = List.of(
            new WatchedKind("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition", "network-attachment-definitions"),
            new WatchedKind("v1", "Pod", "pods"),
            new WatchedKind("fabricbinder.io/v1alpha1", "VirtualNetworkRouter", "virtualnetworkrouters"),
            new WatchedKind("sriovnetwork.openshift.io/v1", "SriovNetworkNodeState", "sriovnetworknodestates"));

    private final KubernetesClient client;
    private final @Nullable String namespace;
    private final String leaseNamespace;
    private final String leaseName;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration retryPeriod;
    private final Listener listener;
    private final InstantSource clock;
    private final Duration eventInterval;

    private final Object lock = new Object();
    private final Map<String, ManifestSet> lastValid = new TreeMap<>();
    private final Map<String, List<Diagnostic>> invalid = new TreeMap<>();
    private final Map<String, GenericKubernetesResource> resources = new TreeMap<>();
    /** The UID of every pod in {@link #resources}, by key (for {@link #podUids()}). */
    private final Map<String, String> podUidByKey = new HashMap<>();

    private final Map<String, Map<String, Instant>> reported = new HashMap<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private final AtomicBoolean leading = new AtomicBoolean();
    /** Leading, synced and watching: changes reach the listener. Guarded by {@link #lock}. */
    private boolean active;
    /** Set by {@link #close()}: nothing becomes active again, whatever the election does meanwhile. */
    private boolean closed;
    /** What the listener was last told exists, by key, so a re-activation can replay deletions. */
    private final Map<String, Change> handed = new TreeMap<>();

    private final Duration syncCheckPeriod;
    private @Nullable ScheduledExecutorService syncWatch;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile @Nullable String leader;
    private @Nullable CompletableFuture<?> election;

    private FabricBinderController(Builder b) {
        this.client = b.client;
        this.namespace = b.namespace;
        this.leaseNamespace = b.leaseNamespace;
        this.leaseName = b.leaseName;
        this.identity = b.identity;
        this.leaseDuration = b.leaseDuration;
        this.renewDeadline = b.renewDeadline;
        this.retryPeriod = b.retryPeriod;
        this.listener = b.listener;
        this.clock = b.clock;
        this.eventInterval = b.eventInterval;
        this.syncCheckPeriod = b.syncCheckPeriod;
    }

    /**
     * Starts configuring a controller on the caller's client.
     *
     * @param client the Kubernetes client; never closed by the controller
     * @return a new builder
     */
    public static Builder builder(KubernetesClient client) {
        return new Builder(client);
    }

    /** One watched kind. */
    public record WatchedKind(String apiVersion, String kind, String plural) {

        /**
         * The resource as fabric8 addresses it, plural included: an informer built from it needs no
         * API discovery, so starting the controller does not block (retrying, silently) while the API
         * server cannot be reached; the informers report "not synced" instead.
         */
        public ResourceDefinitionContext context() {
            int slash = apiVersion.indexOf('/');
            return new ResourceDefinitionContext.Builder()
                    .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
                    .withVersion(apiVersion.substring(slash + 1))
                    .withKind(kind)
                    .withPlural(plural)
                    .withNamespaced(true)
                    .build();
        }
    }

    /**
     * One watch event, as FabricBinder's event mode takes it.
     *
     * @param type what happened
     * @param kind the object's kind ({@code Pod}, ...), empty for {@link Type#RESYNC}
     * @param namespace the object's namespace, empty for {@link Type#RESYNC}
     * @param name the object's name, empty for {@link Type#RESYNC}
     * @param resource the whole object as a JSON-like map (for {@link Type#UPSERTED}), else empty
     * @param errors why the object is invalid (empty when valid); invalid objects are passed on too,
     *     so the planner keeps what they created instead of deleting it
     */
    public record Change(
            Type type,
            String kind,
            String namespace,
            String name,
            Map<String, Object> resource,
            List<Diagnostic> errors) {
        /** Copies. */
        public Change {
            resource = Collections.unmodifiableMap(new LinkedHashMap<>(resource));
            errors = List.copyOf(errors);
        }

        /** How the object changed. */
        public enum Type {
            /** Created or modified. */
            UPSERTED,
            /** Deleted. */
            DELETED,
            /**
             * Every current object has just been passed on (UPSERTED, and DELETED for what went while
             * inactive): this replica leads with a complete cache. Reconciling may start.
             */
            RESYNC,
            /**
             * The cache may be incomplete (a watch broke, the API server is gone) or the Lease was
             * lost: reconciling must stop until the next RESYNC.
             */
            PAUSED
        }
    }

    /**
     * The listener that feeds FabricBinder's event mode: upserts (valid or not: the event mode
     * keeps what an invalid object created), deletions, and a resync after a leadership change.
     *
     * @param events the core's event-fed reconciler
     * @return a listener to pass to {@link Builder#listener(Listener)}
     */
    public static Listener feeding(EventDrivenReconciler events) {
        Objects.requireNonNull(events, "events");
        // Nothing is reconciled before the first RESYNC: the cache is not known to be complete.
        events.hold();
        return change -> {
            switch (change.type()) {
                case UPSERTED -> events.upsert(change.resource());
                case DELETED -> events.delete(change.kind(), change.namespace(), change.name());
                case RESYNC -> {
                    events.resync();
                    events.release();
                }
                case PAUSED -> events.hold();
            }
        };
    }

    /** Receives cluster changes while this replica is the leader. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called on an informer thread, one call at a time.
         *
         * @param change the change and the snapshot after it
         */
        void onChange(Change change);
    }

    /**
     * Starts the informers (every replica keeps a warm cache) and joins the leader election.
     * Returns at once: informers that cannot reach the API server keep retrying, and nothing reaches
     * the listener until they have synced ({@link #isSynced()}).
     */
    public void start() {
        synchronized (lock) {
            if (election != null) {
                throw new IllegalStateException("already started");
            }
            for (WatchedKind k : KINDS) {
                MixedOperation<
                                GenericKubernetesResource,
                                GenericKubernetesResourceList,
                                Resource<GenericKubernetesResource>>
                        op = client.genericKubernetesResources(k.context());
                ResourceEventHandler<GenericKubernetesResource> handler = new Handler();
                SharedIndexInformer<GenericKubernetesResource> informer = namespace == null
                        ? op.inAnyNamespace().runnableInformer(0)
                        : op.inNamespace(namespace).runnableInformer(0);
                informer.addEventHandler(handler);
                // Keep retrying the initial list and the watch whatever fails: an unreachable API
                // server means "not synced", never "no objects".
                informer.exceptionHandler((started, t) -> {
                    LOG.warn("{} informer: {}; retrying", k.kind(), t.toString());
                    return true;
                });
                informers.add(informer);
            }
            for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
                // Not waited for: the sync check below notices when every informer has synced.
                CompletionStage<Void> unused = informer.start();
            }
            ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fabricbinder-sync-check");
                t.setDaemon(true);
                return t;
            });
            syncWatch = watch;
            long period = Math.max(1, syncCheckPeriod.toMillis());
            ScheduledFuture<?> unusedCheck =
                    watch.scheduleWithFixedDelay(this::evaluate, 0, period, TimeUnit.MILLISECONDS);
            election = client.leaderElector()
                    .withConfig(new LeaderElectionConfigBuilder()
                            .withName(leaseName)
                            .withLock(new LeaseLock(leaseNamespace, leaseName, identity))
                            .withLeaseDuration(leaseDuration)
                            .withRenewDeadline(renewDeadline)
                            .withRetryPeriod(retryPeriod)
                            .withReleaseOnCancel(true)
                            .withLeaderCallbacks(
                                    new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
                            .build())
                    .build()
                    .start();
        }
    }

    /**
     * Whether every informer has listed its kind and is watching: the cache is complete. For a
     * readiness probe ({@code /readyz}); a standby replica is ready when synced, so it can take over.
     */
    public boolean isSynced() {
        synchronized (lock) {
            return synced();
        }
    }

    /** Whether changes reach the listener: leading, synced and watching. */
    public boolean isActive() {
        synchronized (lock) {
            return active;
        }
    }

    /**
     * Like {@link #isActive()}, but checked now rather than at the last sync check: the Lease is
     * held and every informer has synced and is watching at this moment.
     */
    public boolean isActiveNow() {
        synchronized (lock) {
            return active && leading.get() && synced();
        }
    }

    /**
     * The UIDs of every pod in the cache, valid or not, in any state (pending, running,
     * terminating, finished), or null unless this replica is {@linkplain #isActive() active}: an
     * incomplete cache must never be read as "these pods are gone" (IPAM leak reclaim).
     */
    public @Nullable Set<String> podUids() {
        synchronized (lock) {
            if (!isActiveNow()) {
                return null;
            }
            return new HashSet<>(podUidByKey.values());
        }
    }

    private boolean synced() {
        if (informers.size() != KINDS.size()) {
            return false;
        }
        for (SharedIndexInformer<GenericKubernetesResource> i : informers) {
            if (!i.hasSynced() || !i.isWatching()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Becomes active when leading and synced (replaying the cache, then RESYNC), inactive otherwise
     * (PAUSED). Runs on the sync-check thread and on leadership changes.
     */
    private void evaluate() {
        try {
            synchronized (lock) {
                boolean now = !closed && leading.get() && synced();
                if (now == active) {
                    return;
                }
                active = now;
                if (!now) {
                    LOG.warn(
                            "{}: not reconciling (leading: {}, informers synced and watching: {})",
                            identity,
                            leading.get(),
                            synced());
                    deliver(new Change(Change.Type.PAUSED, "", "", "", Map.of(), List.of()));
                    return;
                }
                LOG.info("{}: leading with a synced cache of {} objects; reconciling", identity, resources.size());
                for (Map.Entry<String, Change> gone : new ArrayList<>(handed.entrySet())) {
                    if (!resources.containsKey(gone.getKey())) {
                        Change c = gone.getValue();
                        notifyListener(
                                key(c),
                                new Change(
                                        Change.Type.DELETED, c.kind(), c.namespace(), c.name(), Map.of(), List.of()));
                    }
                }
                for (Map.Entry<String, GenericKubernetesResource> e : resources.entrySet()) {
                    List<Diagnostic> errors = invalid.getOrDefault(e.getKey(), List.of());
                    errors.forEach(err -> report(e.getKey(), err.field(), err.message()));
                    notifyListener(e.getKey(), upserted(e.getValue(), errors));
                }
                deliver(new Change(Change.Type.RESYNC, "", "", "", Map.of(), List.of()));
            }
        } catch (RuntimeException e) {
            LOG.warn("sync check failed", e);
        }
    }

    private static String key(Change c) {
        return c.kind() + " " + (c.namespace().isEmpty() ? "" : c.namespace() + "/") + c.name();
    }

    /**
     * Whether the leader-election loop is still running (started and neither stopped nor failed):
     * what {@code /healthz} reports. A replica whose loop ended can never lead again.
     */
    public boolean electionRunning() {
        synchronized (lock) {
            return election != null && !election.isDone();
        }
    }

    /**
     * The watched objects of one kind as the informers last saw them (valid or not).
     *
     * @param kind e.g. {@code VirtualNetworkRouter}
     * @return copies, by {@code Kind namespace/name}
     */
    public List<GenericKubernetesResource> objects(String kind) {
        synchronized (lock) {
            List<GenericKubernetesResource> out = new ArrayList<>();
            for (GenericKubernetesResource r : resources.values()) {
                if (kind.equals(r.getKind())) {
                    out.add(client.getKubernetesSerialization().clone(r));
                }
            }
            return out;
        }
    }

    /** Whether this replica currently holds the Lease. */
    public boolean isLeader() {
        return leading.get();
    }

    /** The identity of the current leader as last observed, or {@code null}. */
    public @Nullable String leader() {
        return leader;
    }

    /** This replica's identity in the election. */
    public String identity() {
        return identity;
    }

    /** The latest valid version of every watched object, as one manifest set. */
    public ManifestSet snapshot() {
        synchronized (lock) {
            ManifestSet.Builder b = ManifestSet.builder();
            for (ManifestSet one : lastValid.values()) {
                one.nads().forEach(b::add);
                one.pods().forEach(b::add);
                one.virtualNetworkRouters().forEach(b::add);
                one.nodeStates().forEach(b::add);
            }
            invalid.values().forEach(errors -> errors.forEach(b::error));
            return b.build();
        }
    }

    /**
     * Blocks until {@link #close()}.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public void awaitStop() throws InterruptedException {
        try {
            stopped.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Stops handing changes on, stops the informers and gives up the Lease (if held); idempotent.
     * Returns within about {@link #LEASE_RELEASE_WAIT} even when the API server cannot be reached.
     */
    @Override
    public void close() {
        @Nullable CompletableFuture<?> running;
        synchronized (lock) {
            closed = true;
            running = election;
            if (syncWatch != null) {
                syncWatch.shutdownNow();
            }
            leading.set(false);
            if (active) {
                active = false;
                deliver(new Change(Change.Type.PAUSED, "", "", "", Map.of(), List.of()));
            }
            informers.forEach(SharedIndexInformer::close);
            informers.clear();
        }
        if (running != null) {
            releaseLease(running);
        }
        stopped.complete(null);
    }

    /**
     * How long {@link #close()} waits for the Lease to be given up. fabric8 runs the cancellation
     * (stop leading, release the Lease) on the cancelling thread, after a renewal in flight, and a
     * renewal against an API server that does not answer retries with back-off for 15-20 s (measured:
     * SIGTERM took 16-18 s to stop the controller). A Lease that is not released expires by itself
     * after its duration and a standby takes over; this replica is already passive by then.
     */
    static final Duration LEASE_RELEASE_WAIT = Duration.ofSeconds(2);

    private static void releaseLease(CompletableFuture<?> running) {
        Thread release = new Thread(() -> running.cancel(true), "fabricbinder-lease-release");
        release.setDaemon(true);
        release.start();
        try {
            release.join(LEASE_RELEASE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (release.isAlive()) {
            LOG.warn(
                    "the Lease was not given up within {} (API server unreachable?); it expires by itself",
                    LEASE_RELEASE_WAIT);
        }
    }

    private void startedLeading() {
        LOG.info("{} is now the FabricBinder leader", identity);
        // A follower writes nothing and hands nothing on; the new leader catches up with everything
        // its cache holds once every informer has synced (evaluate), then says so (RESYNC).
        leading.set(true);
        evaluate();
    }

    private void stoppedLeading() {
        LOG.info("{} stopped leading", identity);
        leading.set(false);
        evaluate();
    }

    private void newLeader(String id) {
        leader = id;
    }

    /**
     * Reports a problem FabricBinder found with a watched object (for example a plan error from the
     * event mode's reconcile result) as a Warning Event on that object, once per distinct problem.
     * Ignored on a follower, and for objects not in the cache.
     *
     * @param object the object, as FabricBinder's diagnostics name it
     * @param field the field, or empty
     * @param message what is wrong
     */
    public void reportProblem(ObjectRef object, String field, String message) {
        synchronized (lock) {
            if (leading.get()) {
                report(object.toString(), field, message);
            }
        }
    }

    private void upsert(GenericKubernetesResource resource) {
        String key = key(resource);
        Change change;
        synchronized (lock) {
            resources.put(key, resource);
            String uid = resource.getMetadata().getUid();
            if ("Pod".equals(resource.getKind()) && uid != null) {
                podUidByKey.put(key, uid);
            } else {
                podUidByKey.remove(key);
            }
            ManifestSet one = Manifests.convert(map(resource));
            if (one.errors().isEmpty()) {
                lastValid.put(key, one);
                invalid.remove(key);
                reported.remove(key);
            } else {
                // The last valid version stays in the snapshot: a bad edit tears nothing down.
                invalid.put(key, one.errors());
                if (leading.get()) {
                    one.errors().forEach(e -> report(key, e.field(), e.message()));
                }
            }
            change = upserted(resource, one.errors());
            notifyListener(key, change);
        }
    }

    private void delete(GenericKubernetesResource resource) {
        String key = key(resource);
        synchronized (lock) {
            resources.remove(key);
            podUidByKey.remove(key);
            lastValid.remove(key);
            invalid.remove(key);
            reported.remove(key);
            notifyListener(
                    key,
                    new Change(
                            Change.Type.DELETED,
                            resource.getKind(),
                            namespaceOf(resource),
                            resource.getMetadata().getName(),
                            Map.of(),
                            List.of()));
        }
    }

    private Change upserted(GenericKubernetesResource resource, List<Diagnostic> errors) {
        return new Change(
                Change.Type.UPSERTED,
                resource.getKind(),
                namespaceOf(resource),
                resource.getMetadata().getName(),
                map(resource),
                errors);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(GenericKubernetesResource resource) {
        return client.getKubernetesSerialization().convertValue(resource, Map.class);
    }

    /** Hands an object change to the listener while active, and remembers what the listener knows. */
    private void notifyListener(String key, Change change) {
        if (!active) {
            return;
        }
        if (change.type() == Change.Type.DELETED) {
            handed.remove(key);
        } else {
            handed.put(key, change);
        }
        deliver(change);
    }

    private void deliver(Change change) {
        try {
            listener.onChange(change);
        } catch (RuntimeException e) {
            LOG.warn(
                    "listener failed on {} {} {}/{}",
                    change.type(),
                    change.kind(),
                    change.namespace(),
                    change.name(),
                    e);
        }
    }

    /** One Warning Event per distinct problem, on the object itself, so `kubectl describe` shows it. */
    private void report(String key, String field, String message) {
        GenericKubernetesResource resource = resources.get(key);
        if (resource == null) {
            return;
        }
        // Rate-limited: a problem that persists is reported again after eventInterval, not on every
        // reconcile or resync.
        Map<String, Instant> sent = reported.computeIfAbsent(key, k -> new HashMap<>());
        Instant last = sent.get(field + "\u0000" + message);
        if (last != null && last.plus(eventInterval).isAfter(clock.instant())) {
            return;
        }
        sent.put(field + "\u0000" + message, clock.instant());
        String ns = namespaceOf(resource).isEmpty() ? "default" : namespaceOf(resource);
        String now = clock.instant().toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withGenerateName(resource.getMetadata().getName() + ".")
                .withNamespace(ns)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(resource.getApiVersion())
                        .withKind(resource.getKind())
                        .withName(resource.getMetadata().getName())
                        .withNamespace(resource.getMetadata().getNamespace())
                        .withUid(resource.getMetadata().getUid())
                        .withResourceVersion(resource.getMetadata().getResourceVersion())
                        .withFieldPath(field.isEmpty() ? null : field)
                        .build())
                .withType("Warning")
                .withReason(REASON_INVALID)
                .withMessage((field.isEmpty() ? "" : field + ": ") + message)
                .withNewSource()
                .withComponent("fabricbinder")
                .withHost(identity)
                .endSource()
                .withReportingComponent("fabricbinder.io/controller")
                .withReportingInstance(identity)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(ns).resource(event).create();
        } catch (KubernetesClientException ex) {
            // An Event is advice; failing to write one must not stop the controller.
            LOG.warn("cannot write Event for {}: {}", key, ex.getMessage());
        }
    }

    private static String namespaceOf(GenericKubernetesResource r) {
        return r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace();
    }

    private static String key(GenericKubernetesResource r) {
        return r.getKind() + " "
                + (r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace() + "/")
                + r.getMetadata().getName();
    }

    private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
        @Override
        public void onAdd(GenericKubernetesResource obj) {
            upsert(obj);
        }

        @Override
        public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            upsert(newObj);
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
            delete(obj);
        }
    }

    /** Configures a {@link FabricBinderController}; not thread-safe, use once. */
    public static final class Builder {
        private final KubernetesClient client;
        private @Nullable String namespace;
        private String leaseNamespace = "default";
        private String leaseName = "fabricbinder-controller";
        private String identity =
                "fabricbinder-" + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT);
        private Duration leaseDuration = Duration.ofSeconds(15);
        private Duration renewDeadline = Duration.ofSeconds(10);
        private Duration retryPeriod = Duration.ofSeconds(2);
        private Listener listener = change -> {};
        private InstantSource clock = InstantSource.system();
        private Duration eventInterval = Duration.ofMinutes(10);
        private Duration syncCheckPeriod = Duration.ofMillis(500);

        private Builder(KubernetesClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** Watch one namespace only (default: all namespaces). */
        public Builder namespace(@Nullable String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** Namespace of the coordination Lease (default {@code default}). */
        public Builder leaseNamespace(String leaseNamespace) {
            this.leaseNamespace = Objects.requireNonNull(leaseNamespace, "leaseNamespace");
            return this;
        }

        /** Name of the Lease all replicas compete for (default {@code fabricbinder-controller}). */
        public Builder leaseName(String leaseName) {
            this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
            return this;
        }

        /** This replica's identity, normally the pod name; must differ between replicas. */
        public Builder identity(String identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /**
         * Lease timing: how long a lease is valid, how long the leader keeps trying to renew before
         * giving up, and how often candidates retry. Shorter means faster fail-over and more API
         * traffic; defaults 15 s / 10 s / 2 s (client-go's defaults).
         */
        public Builder leaseTiming(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
            if (leaseDuration.compareTo(renewDeadline) <= 0 || renewDeadline.compareTo(retryPeriod) <= 0) {
                throw new IllegalArgumentException("need leaseDuration > renewDeadline > retryPeriod, got "
                        + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
            }
            this.leaseDuration = leaseDuration;
            this.renewDeadline = renewDeadline;
            this.retryPeriod = retryPeriod;
            return this;
        }

        /** Where changes go while leading (FabricBinder's event mode). */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How often the controller checks that every informer has synced and is watching (default
         * 500 ms); a broken watch pauses reconciling within this period.
         */
        public Builder syncCheckPeriod(Duration period) {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("syncCheckPeriod must be positive, got " + period);
            }
            this.syncCheckPeriod = period;
            return this;
        }

        /** Time source for Event timestamps. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How soon the same problem on the same object is reported again as an Event while it
         * persists (default 10 minutes); once per distinct problem in between.
         */
        public Builder eventInterval(Duration eventInterval) {
            if (eventInterval.isNegative()) {
                throw new IllegalArgumentException("eventInterval must not be negative: " + eventInterval);
            }
            this.eventInterval = eventInterval;
            return this;
        }

        /** Builds the controller; call {@link FabricBinderController#start()} to run it. */
        public FabricBinderController build() {
            return new FabricBinderController(this);
        }
    }
}
