package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApplicationPointError;
import io.fabricbinder.apstra.ApstraAssignmentException;
import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraDeployException;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.apstra.ApstraNotFoundException;
import io.fabricbinder.apstra.ApstraTimeoutException;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.BuildErrors;
import io.fabricbinder.apstra.ConnectivityTemplate;
import io.fabricbinder.apstra.CtAssignment;
import io.fabricbinder.apstra.DeployResult;
import io.fabricbinder.apstra.DiffStatus;
import io.fabricbinder.apstra.LockStatus;
import io.fabricbinder.apstra.MutexLock;
import io.fabricbinder.apstra.MutexTag;
import io.fabricbinder.apstra.RoutingZone;
import io.fabricbinder.apstra.SviIp;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.apstra.VnBinding;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.ChangeAction;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.FabricGateway;
import io.fabricbinder.core.FabricNames;
import io.fabricbinder.core.FabricState;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.PortAction;
import io.fabricbinder.core.PortBinding;
import io.fabricbinder.core.RoutingZoneSpec;
import io.fabricbinder.core.VirtualNetworkSpec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FabricGateway} for one Juniper Apstra datacenter blueprint, through apstra-client.
 *
 * <p>{@link #readOwnedState()} reads the staging blueprint and returns only the objects FabricBinder
 * owns (see {@link FabricNames}; the exact marks are described in {@code docs/apply.md}): owned
 * virtual networks, the owned routing zones they are placed in, and the leaf ports their owned
 * connectivity templates are assigned to. Foreign networks, zones and assignments are invisible,
 * so no plan can name them and {@link #apply(Plan)} never touches them.
 *
 * <p>{@link #apply(Plan)} takes the cooperative blueprint mutex (catalog tag {@code blueprint <id>
 * locked}, shared with Terraform and Ansible), refuses when someone else holds uncommitted staging
 * changes, then applies in a safe order — routing zones, virtual networks (bound to the leafs that
 * get tagged ports), one tagged-VLAN connectivity template per network, every port assignment and
 * unassignment in ONE {@code obj-policy-batch-apply} call, then removals in reverse (templates,
 * networks, zones) — checks build errors, deploys once with the staging version its own writes
 * produced, and releases the mutex on every path. Every step is idempotent (find by label before
 * create, absolute assignment states), so a failure or a crash at any point leaves a state the next
 * plan and apply converge from. Per-object failures are reported in the {@link ApplyResult}; it
 * does not throw for Apstra errors.
 *
 * <pre>{@code
 * ApstraClient apstra = ApstraClient.builder().baseUrl(url).credentials(creds).build(); // yours
 * FabricGateway gateway = ApstraFabricGateway.builder()
 *         .client(apstra)
 *         .blueprintId("a1b2c3d4")
 *         .lockWait(Duration.ofSeconds(30))
 *         .build();
 * ApplyResult result = gateway.apply(plan);
 * if (result.status() == ApplyResult.Status.REFUSED) requeueLater();
 * }</pre>
 *
 * <p>Use a dedicated Apstra account for FabricBinder: uncommitted staging changes made by the same
 * user are taken to be FabricBinder's own (left by an earlier, interrupted apply) and are deployed
 * with the next apply.
 *
 * <p>Thread-safety: safe to share, but {@link #apply} is meant to be called by one reconciling
 * thread at a time (the blueprint mutex serialises applies across processes anyway). The {@link
 * ApstraClient} stays the caller's: it is never closed here.
 */
public final class ApstraFabricGateway implements FabricGateway, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApstraFabricGateway.class);
    /** The zone name given to an owned network found in a zone whose name cannot be resolved. */
    static final String UNRESOLVED_ZONE = "fabricbinder:unresolved-zone";

    private final ApstraClient client;
    private final BlueprintClient blueprint;
    private final Duration lockWait;
    private final Duration deployTimeout;
    private final String descriptionPrefix;
    private final InstantSource clock;
    private final String holder;
    private final Duration lockLease;
    /** The lock of the apply in progress, so {@link #close()} can release it from another thread. */
    private volatile @Nullable Held held;

    private volatile boolean closed;
    /** The leaf ports of the blueprint as of the last read. */
    private volatile @Nullable Map<String, Set<String>> leafPorts;
    /** Zone names seen in applied plans, to name owned zones that no owned network uses yet. */
    private final Set<String> knownZoneNames = ConcurrentHashMap.newKeySet();

    private ApstraFabricGateway(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.blueprint = client.blueprint(Objects.requireNonNull(b.blueprintId, "blueprintId"));
        this.lockWait = b.lockWait;
        this.deployTimeout = b.deployTimeout;
        this.descriptionPrefix = b.descriptionPrefix;
        this.clock = b.clock;
        this.holder = b.holder != null ? b.holder : defaultHolder();
        this.lockLease = b.lockLease;
    }

    /** {@code fabricbinder pid <pid> on <host>}: enough for a person to find the process. */
    static String defaultHolder() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "unknown host");
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host;
    }

    /** A held blueprint lock and the lease renewal that keeps it. */
    private static final class Held {
        final MutexLock lock;
        final ScheduledExecutorService renewer;
        volatile boolean lost;

        Held(MutexLock lock, ScheduledExecutorService renewer) {
            this.lock = lock;
            this.renewer = renewer;
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The blueprint this gateway applies to. */
    public String blueprintId() {
        return blueprint.id();
    }

    /**
     * The name of a marker routing zone that {@link #readOwnedState()} adds when staging holds
     * uncommitted changes of FabricBinder's own user (an apply whose deploy failed or was
     * interrupted). No plan desires it, so the next plan deletes it, which makes that plan non-empty
     * and its apply deploy the pending changes; deleting it touches nothing on Apstra.
     */
    public static final String UNDEPLOYED_MARKER_ZONE = "fabricbinder:undeployed-staging";

    /**
     * {@inheritDoc}
     *
     * <p>Reads staging: zones, networks, templates, two graph queries for the leaf ports, and the
     * assignments of each owned template. When staging holds uncommitted changes of this client's
     * own user, the state also holds the routing zone {@link #UNDEPLOYED_MARKER_ZONE} so that the
     * next apply deploys them.
     */
    @Override
    public FabricState readOwnedState() {
        Observed obs = observe();
        FabricState state = obs.ownedState(true);
        if (!hasOwnUncommittedChanges()) {
            return state;
        }
        List<RoutingZoneSpec> zones = new ArrayList<>(state.routingZones());
        zones.add(new RoutingZoneSpec(UNDEPLOYED_MARKER_ZONE, List.of()));
        return new FabricState(state.virtualNetworks(), zones, state.portBindings());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The leafs of the blueprint (by label) and their ethernet interfaces, as of the last {@link
     * #readOwnedState()} (read now if there was none).
     */
    @Override
    public Optional<Map<String, Set<String>>> leafPorts() {
        Map<String, Set<String>> known = leafPorts;
        if (known == null) {
            known = PortIndex.load(blueprint.graph()).portsByLeaf();
            leafPorts = known;
        }
        return Optional.of(known);
    }

    private boolean hasOwnUncommittedChanges() {
        DiffStatus diff = blueprint.diffStatus();
        boolean uncommitted = diff.status() == null ? diff.hasUndeployedChanges() : "undeployed".equals(diff.status());
        if (!uncommitted) {
            return false;
        }
        LockStatus ls = blueprint.lockStatus();
        return !ls.isUnlocked() && client.userId().equals(ls.userId());
    }

    @Override
    public ApplyResult apply(Plan plan) {
        return apply(plan, () -> {});
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code beforeChanges} runs once the blueprint lock is held and the checks of {@code
     * lock-status} and {@code diff-status} let the apply through, right before the first write; a
     * refused apply never runs it.
     */
    @Override
    public ApplyResult apply(Plan plan, Runnable beforeChanges) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(beforeChanges, "beforeChanges");
        if (!plan.hasFabricChanges()) {
            beforeChanges.run();
            return ApplyResult.noChanges();
        }
        if (closed) {
            return refused("the gateway is closed (the process is shutting down); nothing was changed");
        }
        MutexLock lock;
        try {
            lock = acquire().orElse(null);
            if (lock == null) {
                return refused(explainLockRefusal());
            }
        } catch (ApstraException e) {
            return failed(List.of(blueprintDiag("mutex", "cannot take the blueprint lock: " + e.getMessage())), 0);
        }
        Held h = hold(lock);
        try {
            if (closed) {
                return refused("the gateway was closed while taking the blueprint lock; nothing was changed");
            }
            ApplyResult result = applyLocked(plan, beforeChanges, h);
            return lock.takenOverFrom()
                    .map(old -> new ApplyResult(
                            result.status(),
                            result.changesApplied(),
                            result.failures(),
                            result.message() + " (took the blueprint lock over from an expired holder: "
                                    + holderName(old) + ")"))
                    .orElse(result);
        } catch (ApstraException e) {
            LOG.warn("apply to blueprint {} failed: {}", blueprint.id(), e.getMessage());
            return failed(List.of(blueprintDiag("", String.valueOf(e.getMessage()))), 0);
        } finally {
            unhold(h);
        }
    }

    /**
     * Releases the blueprint lock of an apply in progress, if any, and refuses every later apply.
     * For a shutdown hook (SIGINT, SIGTERM) or an embedder stopping: the lock is gone at once, not
     * after its lease. An apply still running on another thread may make one more write before its
     * process ends; every write is idempotent, so the next apply converges. The {@link
     * ApstraClient} stays open (it is the caller's). Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        Held h = held;
        if (h != null) {
            unhold(h);
        }
    }

    // ------------------------------------------------------------------ lock

    private Optional<MutexLock> acquire() {
        try {
            return Optional.of(blueprint
                    .mutex()
                    .lock(
                            () -> new LockLease(holder, clock.instant().plus(lockLease)).describe(descriptionPrefix),
                            lockWait,
                            this::isExpiredFabricBinderLock));
        } catch (ApstraTimeoutException e) {
            return Optional.empty();
        }
    }

    private boolean isExpiredFabricBinderLock(MutexTag tag) {
        Optional<LockLease> lease = LockLease.parse(tag.description(), descriptionPrefix);
        boolean expired = lease.isPresent() && lease.get().isExpiredAt(clock.instant());
        if (expired) {
            LOG.warn(
                    "blueprint {}: the lock of {} ran out at {}; taking it over",
                    blueprint.id(),
                    lease.get().holder(),
                    lease.get().until());
        }
        return expired;
    }

    private String holderName(MutexTag tag) {
        return LockLease.parse(tag.description(), descriptionPrefix)
                .map(l -> "FabricBinder " + l.holder() + ", lease until " + l.until())
                .orElse("\"" + tag.description() + "\"");
    }

    /** Starts renewing the lease every third of its length while the lock is held. */
    private Held hold(MutexLock lock) {
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fabricbinder-lock-renewal-" + blueprint.id());
            t.setDaemon(true);
            return t;
        });
        Held h = new Held(lock, renewer);
        long period = Math.max(1, lockLease.toMillis() / 3);
        // renew() catches everything it can fail with; the future only ever ends by cancellation.
        var unused = renewer.scheduleAtFixedRate(() -> renew(h), period, period, TimeUnit.MILLISECONDS);
        held = h;
        return h;
    }

    private void renew(Held h) {
        if (h.lock.isReleased() || h.lost) {
            return;
        }
        try {
            h.lock.renew(new LockLease(holder, clock.instant().plus(lockLease)).describe(descriptionPrefix));
        } catch (ApstraNotFoundException e) {
            h.lost = true;
            LOG.error(
                    "blueprint {}: the lock tag {} is gone (removed by hand, or taken over after its lease ran out);"
                            + " this apply will not deploy",
                    blueprint.id(),
                    h.lock.tagId());
        } catch (RuntimeException e) {
            LOG.warn("blueprint {}: renewing the lock lease failed (retried): {}", blueprint.id(), e.getMessage());
        }
    }

    private void unhold(Held h) {
        h.renewer.shutdownNow();
        if (held == h) {
            held = null;
        }
        release(h.lock);
    }

    private String explainLockRefusal() {
        try {
            LockStatus ls = blueprint.lockStatus();
            if (ls.isLockedByOtherThan(client.userId())) {
                return "staging holds uncommitted changes of user " + ls.username() + " (" + ls.lockStatus()
                        + "); nothing was changed";
            }
        } catch (ApstraException e) {
            LOG.debug("cannot read lock-status of {}: {}", blueprint.id(), e.getMessage());
        }
        String label = blueprint.mutex().label();
        Optional<MutexTag> tag;
        try {
            tag = blueprint.mutex().holder();
        } catch (ApstraException e) {
            LOG.debug("cannot read the lock tag of {}: {}", blueprint.id(), e.getMessage());
            tag = Optional.empty();
        }
        if (tag.isEmpty()) {
            return "the blueprint mutex '" + label + "' was held by another party for " + lockWait
                    + " and is free now; retry; nothing was changed";
        }
        MutexTag t = tag.get();
        Optional<LockLease> lease = LockLease.parse(t.description(), descriptionPrefix);
        if (lease.isPresent()) {
            return "the blueprint lock '" + label + "' is held by FabricBinder "
                    + lease.get().holder()
                    + " with a lease until " + lease.get().until() + "; it is renewed while that apply runs and"
                    + " taken over automatically once it runs out: retry then; nothing was changed";
        }
        return "the blueprint lock (mutex tag '" + label + "') is held by another tool or a person (tag " + t.id()
                + ", description \"" + t.description() + "\"); FabricBinder never breaks a lock it did not"
                + " write. Wait until that party finishes; if it is gone for good, delete the tag in Apstra"
                + " (Design > Tags, label '" + label + "', or DELETE /api/design/tags/" + t.id()
                + "); nothing was changed";
    }

    private void release(MutexLock lock) {
        for (int attempt = 1; ; attempt++) {
            try {
                lock.close();
                return;
            } catch (RuntimeException e) {
                if (attempt >= 2) {
                    LOG.error(
                            "could not release blueprint mutex {} of {}; its lease runs out after {} and the next"
                                    + " FabricBinder apply takes it over (or remove catalog tag '{}' by hand): {}",
                            lock.tagId(),
                            blueprint.id(),
                            lockLease,
                            blueprint.mutex().label(),
                            e.getMessage());
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ apply

    private ApplyResult applyLocked(Plan plan, Runnable beforeChanges, Held h) {
        String me = client.userId();
        LockStatus ls = blueprint.lockStatus();
        if (ls.isLockedByOtherThan(me)) {
            return refused("staging holds uncommitted changes of user " + ls.username() + "; nothing was changed");
        }
        DiffStatus diff = blueprint.diffStatus();
        String st = diff.status();
        if ("deploying".equals(st) || "in_progress".equals(st) || "initializing".equals(st)) {
            return refused(
                    "a deploy of blueprint " + blueprint.id() + " is in progress (" + st + "); nothing was changed");
        }
        boolean uncommitted = st == null ? diff.hasUndeployedChanges() : "undeployed".equals(st);
        if (uncommitted && !ls.isUnlocked() && !me.equals(ls.userId())) {
            return refused("staging (version " + diff.stagingVersion() + ", deployed " + diff.deployedVersion()
                    + ") holds uncommitted changes of someone else; nothing was changed");
        }
        if (uncommitted && ls.isUnlocked()) {
            return refused("staging (version " + diff.stagingVersion() + ", deployed " + diff.deployedVersion()
                    + ") holds uncommitted changes of an unknown user; nothing was changed");
        }
        if (uncommitted) {
            LOG.info(
                    "blueprint {} holds uncommitted changes of our own user (an interrupted apply?); they are"
                            + " deployed with this apply",
                    blueprint.id());
        }
        beforeChanges.run();
        Run run = new Run(plan, observe());
        run.execute();
        if (!run.wrote && !uncommitted) {
            return run.result(
                    0,
                    run.failures.isEmpty()
                            ? "nothing needed writing; the fabric already matched"
                            : "nothing was written");
        }
        if (h.lost || closed) {
            run.failures.add(blueprintDiag(
                    "mutex",
                    closed
                            ? "the process is shutting down; not deploying (the next apply deploys these changes)"
                            : "the blueprint lock was lost during this apply (removed, or taken over after its"
                                    + " lease ran out); not deploying (the next apply deploys these changes)"));
            return run.result(0, "not deployed");
        }
        BuildErrors errors = blueprint.errors();
        if (!errors.isClean()) {
            run.failures.add(blueprintDiag(
                    "errors", errors.count() + " build errors in staging; not deploying: " + errors.nodes()));
            return run.result(0, "staging does not build; not deployed");
        }
        LockStatus before = blueprint.lockStatus();
        if (before.isLockedByOtherThan(me)) {
            run.failures.add(blueprintDiag(
                    "version",
                    "user " + before.username() + " changed staging during this apply; not deploying over"
                            + " their changes"));
            return run.result(0, "staging changed by someone else; not deployed");
        }
        long verified = run.wrote
                ? blueprint.lastConfigBlueprintVersion().orElse(diff.stagingVersion())
                : diff.stagingVersion();
        try {
            DeployResult d = blueprint.deploy(
                    verified, descriptionPrefix + ": " + run.applied + " fabric changes", deployTimeout);
            LOG.info(
                    "blueprint {}: {} fabric changes, deployed={} version {}",
                    blueprint.id(),
                    run.applied,
                    d.deployed(),
                    d.version());
        } catch (ApstraDeployException e) {
            run.failures.add(blueprintDiag("deploy", e.reason() + ": " + e.getMessage()));
            return run.result(0, "deploy of version " + verified + " rejected: " + e.reason());
        } catch (ApstraTimeoutException e) {
            run.failures.add(blueprintDiag("deploy", String.valueOf(e.getMessage())));
            return run.result(0, "deploy of version " + verified + " did not finish in time");
        }
        return run.result(run.applied, run.applied + " fabric changes applied and deployed");
    }

    private ApplyResult refused(String message) {
        return new ApplyResult(ApplyResult.Status.REFUSED, 0, List.of(blueprintDiag("", message)), message);
    }

    private ApplyResult failed(List<Diagnostic> failures, int applied) {
        return new ApplyResult(
                ApplyResult.Status.FAILED,
                applied,
                failures,
                failures.isEmpty() ? "failed" : failures.get(0).message());
    }

    private Diagnostic blueprintDiag(String field, String message) {
        return new Diagnostic(ObjectRef.clusterScoped("Blueprint", blueprint.id()), field, message);
    }

    // ------------------------------------------------------------------ reading

    private Observed observe() {
        Map<String, RoutingZone> zones = blueprint.routingZones().list();
        Map<String, VirtualNetwork> vns = blueprint.virtualNetworks().list();
        List<ConnectivityTemplate> cts = blueprint.connectivityTemplates().list();
        PortIndex ports = PortIndex.load(blueprint.graph());
        leafPorts = ports.portsByLeaf();
        boolean tagsInBody = client.version().atLeast("6.2");
        return new Observed(zones, vns, cts, ports, tagsInBody);
    }

    /** One read of the staging blueprint. */
    private final class Observed {
        final Map<String, RoutingZone> zonesById;
        final Map<String, RoutingZone> zonesByLabel = new HashMap<>();
        final Map<String, VirtualNetwork> vnsByLabel = new HashMap<>();
        final Map<String, VirtualNetwork> ownedVnsByName = new TreeMap<>();
        final List<ConnectivityTemplate> cts;
        final PortIndex ports;

        Observed(
                Map<String, RoutingZone> zones,
                Map<String, VirtualNetwork> vns,
                List<ConnectivityTemplate> cts,
                PortIndex ports,
                boolean tagsInBody) {
            this.zonesById = zones;
            this.cts = cts;
            this.ports = ports;
            zones.forEach((id, z) -> zonesByLabel.put(z.label(), z.id() == null ? z.withId(id) : z));
            vns.forEach((id, v) -> {
                VirtualNetwork withId = v.id() == null ? v.toBuilder().id(id).build() : v;
                vnsByLabel.put(v.label(), withId);
                OwnedMarks.networkName(withId, tagsInBody).ifPresent(n -> ownedVnsByName.put(n, withId));
            });
        }

        /** The owned templates of an owned network, lowest id first. */
        List<ConnectivityTemplate> ownedCts(VirtualNetwork vn) {
            String id = Objects.requireNonNull(vn.id());
            return cts.stream()
                    .filter(c -> OwnedMarks.isOwnedCt(c, vn.label(), id))
                    .sorted(Comparator.comparing(ConnectivityTemplate::id))
                    .toList();
        }

        @Nullable
        String zoneNameOf(VirtualNetwork vn) {
            RoutingZone z = vn.securityZoneId() == null ? null : zonesById.get(vn.securityZoneId());
            String recorded = OwnedMarks.recordedZone(vn);
            if (z != null
                    && OwnedMarks.isOwnedZone(z)
                    && recorded != null
                    && FabricNames.routingZoneLabel(recorded).equals(z.label())) {
                return recorded;
            }
            return null;
        }

        FabricState ownedState(boolean withBindings) {
            List<VirtualNetworkSpec> nets = new ArrayList<>();
            Map<String, String> zoneNameByLabel = new HashMap<>();
            zoneNameByLabel.put(FabricNames.routingZoneLabel(FabricNames.ISOLATED_ZONE), FabricNames.ISOLATED_ZONE);
            for (String known : knownZoneNames) {
                zoneNameByLabel.put(FabricNames.routingZoneLabel(known), known);
            }
            Map<PortBinding.Key, PortBinding> bindings = new TreeMap<>(Comparator.comparing(PortBinding.Key::leaf)
                    .thenComparing(PortBinding.Key::port)
                    .thenComparing(PortBinding.Key::virtualNetwork));
            for (Map.Entry<String, VirtualNetwork> e : ownedVnsByName.entrySet()) {
                String name = e.getKey();
                VirtualNetwork vn = e.getValue();
                String zoneName = zoneNameOf(vn);
                if (zoneName != null) {
                    zoneNameByLabel.put(FabricNames.routingZoneLabel(zoneName), zoneName);
                }
                VirtualNetworkSpec spec = toSpec(name, vn, zoneName == null ? UNRESOLVED_ZONE : zoneName);
                nets.add(spec);
                if (withBindings) {
                    for (ConnectivityTemplate ct : ownedCts(vn)) {
                        for (String point : blueprint.connectivityTemplates().assignments(ct.id())) {
                            for (PortIndex.Port p : ports.portsOf(point)) {
                                PortBinding b = new PortBinding(p.leaf(), p.port(), name, spec.vlan(), List.of());
                                bindings.putIfAbsent(b.key(), b);
                            }
                        }
                    }
                }
            }
            List<RoutingZoneSpec> zones = new ArrayList<>();
            for (RoutingZone z : zonesById.values()) {
                if (!OwnedMarks.isOwnedZone(z)) {
                    continue;
                }
                String described = z.vrfDescription();
                String name = zoneNameByLabel.get(z.label());
                if (name == null && described != null) {
                    name = FabricNames.zoneFromDescription(z.label(), described).orElse(null);
                }
                if (name == null) {
                    LOG.debug("owned-looking routing zone {} has no resolvable name; ignored", z.label());
                    continue;
                }
                String zoneName = name;
                List<String> members = nets.stream()
                        .filter(n -> n.placementZone().equals(zoneName))
                        .map(VirtualNetworkSpec::name)
                        .toList();
                zones.add(new RoutingZoneSpec(name, members));
            }
            return new FabricState(nets, zones, List.copyOf(bindings.values()));
        }
    }

    private static VirtualNetworkSpec toSpec(String name, VirtualNetwork vn, String zoneName) {
        Integer vlan = vn.reservedVlanId();
        if (vlan == null) {
            vlan = vn.boundTo().stream()
                    .map(VnBinding::vlanId)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(null);
        }
        // Unknown values read as 1: never what the planner wants, so it plans an update that rewrites them.
        int v = vlan == null ? 1 : vlan;
        long vni = vn.vnId() == null ? 1L : vn.vnId();
        boolean v4 = Boolean.TRUE.equals(vn.ipv4Enabled());
        boolean v6 = Boolean.TRUE.equals(vn.ipv6Enabled());
        String gw4 = v4 && Boolean.TRUE.equals(vn.virtualGatewayIpv4Enabled()) ? vn.virtualGatewayIpv4() : null;
        String gw6 = v6 && Boolean.TRUE.equals(vn.virtualGatewayIpv6Enabled()) ? vn.virtualGatewayIpv6() : null;
        String zone = FabricNames.ISOLATED_ZONE.equals(zoneName) ? null : zoneName;
        return new VirtualNetworkSpec(
                name, v, vni, v4 ? vn.ipv4Subnet() : null, v6 ? vn.ipv6Subnet() : null, gw4, gw6, zone);
    }

    // ------------------------------------------------------------------ one apply

    /** Signals that one object could not be applied; the message is reported. */
    private static final class StepFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** The state of one apply: what was ensured, what failed. */
    private final class Run {
        final Plan plan;
        final Observed obs;
        final List<Diagnostic> failures = new ArrayList<>();
        int applied;
        boolean wrote;
        final Map<String, String> zoneIds = new HashMap<>();
        final Map<String, String> zoneFailures = new HashMap<>();
        final Map<String, VirtualNetwork> networks = new HashMap<>();
        final Map<String, String> networkFailures = new HashMap<>();
        final Map<String, String> ctIds = new HashMap<>();
        final Map<String, VirtualNetworkSpec> specs = new HashMap<>();
        /** Desired leaf labels per network: the leafs of every tagged or unchanged binding. */
        final Map<String, Set<String>> desiredLeafs = new HashMap<>();

        @Nullable
        Map<String, String> bindingSystems;

        Run(Plan plan, Observed obs) {
            this.plan = plan;
            this.obs = obs;
            for (VirtualNetworkChange c : plan.virtualNetworks()) {
                if (c.action() != ChangeAction.DELETE) {
                    specs.put(c.network().name(), c.network());
                }
            }
            for (PortBindingChange c : plan.portBindings()) {
                if (c.action() != PortAction.UNTAG) {
                    desiredLeafs
                            .computeIfAbsent(c.binding().virtualNetwork(), k -> new TreeSet<>())
                            .add(c.binding().leaf());
                }
            }
            for (RoutingZoneChange c : plan.routingZones()) {
                if (c.action() != ChangeAction.DELETE) {
                    knownZoneNames.add(c.zone().name());
                }
            }
            for (VirtualNetworkSpec s : specs.values()) {
                knownZoneNames.add(s.placementZone());
            }
        }

        void execute() {
            // 1. Routing zones created or updated (membership is the networks' business in Apstra).
            for (RoutingZoneChange c : plan.routingZones()) {
                if (c.action() == ChangeAction.CREATE || c.action() == ChangeAction.UPDATE) {
                    if (attempt(
                            ObjectRef.clusterScoped("RoutingZone", c.zone().name()),
                            () -> ensureZone(c.zone().name()))) {
                        applied++;
                    }
                }
            }
            // 2. Virtual networks created or updated, bound to the leafs that get tagged ports.
            for (VirtualNetworkChange c : plan.virtualNetworks()) {
                if (c.action() == ChangeAction.CREATE || c.action() == ChangeAction.UPDATE) {
                    if (attempt(
                            ObjectRef.clusterScoped(
                                    "VirtualNetwork", c.network().name()),
                            () -> ensureNetwork(c.network()))) {
                        applied++;
                    }
                }
            }
            // 3. Connectivity templates of networks that get tagged ports; their networks must exist
            //    and be bound to the leafs of the new ports (also for networks the plan keeps).
            Set<String> tagging = new TreeSet<>();
            for (PortBindingChange c : plan.portBindings()) {
                if (c.action() == PortAction.TAG) {
                    tagging.add(c.binding().virtualNetwork());
                }
            }
            for (String name : tagging) {
                if (!networkFailures.containsKey(name)) {
                    attempt(ObjectRef.clusterScoped("VirtualNetwork", name), () -> ensureCt(name));
                }
            }
            // 4. Every port change in one batch call.
            applyPorts();
            // 5. Leaf bindings no tagged port needs any more.
            Set<String> untagging = new TreeSet<>();
            for (PortBindingChange c : plan.portBindings()) {
                if (c.action() == PortAction.UNTAG
                        && specs.containsKey(c.binding().virtualNetwork())) {
                    untagging.add(c.binding().virtualNetwork());
                }
            }
            for (String name : untagging) {
                attempt(ObjectRef.clusterScoped("VirtualNetwork", name), () -> shrinkBindings(name));
            }
            // 6. Removals in reverse: templates and networks, then zones.
            for (VirtualNetworkChange c : plan.virtualNetworks()) {
                if (c.action() == ChangeAction.DELETE) {
                    if (attempt(
                            ObjectRef.clusterScoped(
                                    "VirtualNetwork", c.network().name()),
                            () -> deleteNetwork(c.network()))) {
                        applied++;
                    }
                }
            }
            for (RoutingZoneChange c : plan.routingZones()) {
                if (c.action() == ChangeAction.DELETE) {
                    if (attempt(ObjectRef.clusterScoped("RoutingZone", c.zone().name()), () -> deleteZone(c.zone()))) {
                        applied++;
                    }
                }
            }
        }

        ApplyResult result(int committed, String message) {
            if (failures.isEmpty()) {
                return new ApplyResult(ApplyResult.Status.APPLIED, committed, List.of(), message);
            }
            return new ApplyResult(
                    ApplyResult.Status.FAILED,
                    committed,
                    failures,
                    failures.size() + " failures; " + message + "; the next apply continues from here");
        }

        private boolean attempt(ObjectRef object, Runnable step) {
            try {
                step.run();
                return true;
            } catch (StepFailure | ApstraException | IllegalArgumentException e) {
                failures.add(new Diagnostic(object, "", String.valueOf(e.getMessage())));
            }
            return false;
        }

        // -------------------------------------------------------------- zones

        String ensureZone(String name) {
            String done = zoneIds.get(name);
            if (done != null) {
                return done;
            }
            String failed = zoneFailures.get(name);
            if (failed != null) {
                throw new StepFailure("routing zone " + name + " was not applied: " + failed);
            }
            try {
                String label = FabricNames.routingZoneLabel(name);
                RoutingZone existing = obs.zonesByLabel.get(label);
                String id;
                if (existing != null) {
                    if (!OwnedMarks.isOwnedZone(existing)) {
                        throw new StepFailure("label " + label + " is taken by routing zone " + existing.id()
                                + " that FabricBinder does not own (vrf " + existing.vrfName() + ")");
                    }
                    id = Objects.requireNonNull(existing.id());
                } else {
                    RoutingZone zone = RoutingZone.evpn(label, label);
                    if (client.version().atLeast("5.0")) {
                        // The label is only a hash of the name; the VRF description keeps the name, so
                        // a restarted gateway can still name (and delete) a zone no network sits in.
                        zone = zone.withVrfDescription(FabricNames.zoneDescription(name));
                    }
                    id = blueprint.routingZones().create(zone);
                    wrote = true;
                }
                zoneIds.put(name, id);
                return id;
            } catch (StepFailure | ApstraException | IllegalArgumentException e) {
                zoneFailures.put(name, String.valueOf(e.getMessage()));
                throw e;
            }
        }

        void deleteZone(RoutingZoneSpec zone) {
            if (UNDEPLOYED_MARKER_ZONE.equals(zone.name())) {
                return; // only a marker: the deploy at the end of this apply is what it asks for
            }
            RoutingZone existing = obs.zonesByLabel.get(zone.label());
            if (existing == null || !OwnedMarks.isOwnedZone(existing)) {
                return; // already gone; a foreign zone with the label is never touched
            }
            blueprint.routingZones().delete(Objects.requireNonNull(existing.id()));
            wrote = true;
        }

        // -------------------------------------------------------------- networks

        Map<String, String> bindingSystems() {
            if (bindingSystems == null) {
                bindingSystems =
                        PortIndex.bindingSystemByLeafLabel(blueprint.graph().leafs());
            }
            return bindingSystems;
        }

        /** The systems (leaf or redundancy group ids) a network must be bound to. */
        Set<String> desiredSystems(String name) {
            Set<String> out = new TreeSet<>();
            for (String leaf : desiredLeafs.getOrDefault(name, Set.of())) {
                String sys = bindingSystems().get(leaf);
                if (sys != null) {
                    out.add(sys);
                }
            }
            return out;
        }

        VirtualNetwork ensureNetwork(VirtualNetworkSpec spec) {
            String name = spec.name();
            VirtualNetwork done = networks.get(name);
            if (done != null) {
                return done;
            }
            String failed = networkFailures.get(name);
            if (failed != null) {
                throw new StepFailure("virtual network " + name + " was not applied: " + failed);
            }
            try {
                VirtualNetwork vn = writeNetwork(spec);
                networks.put(name, vn);
                return vn;
            } catch (StepFailure | ApstraException | IllegalArgumentException e) {
                networkFailures.put(name, String.valueOf(e.getMessage()));
                throw e;
            }
        }

        private VirtualNetwork writeNetwork(VirtualNetworkSpec spec) {
            String zoneId = ensureZone(spec.placementZone());
            VirtualNetwork existing = obs.vnsByLabel.get(spec.label());
            if (existing != null && !spec.name().equals(ownerOf(existing))) {
                throw new StepFailure("label " + spec.label() + " is taken by virtual network " + existing.id()
                        + " that FabricBinder does not own");
            }
            Map<String, VnBinding> bound = new TreeMap<>();
            if (existing != null) {
                existing.boundTo()
                        .forEach(b -> bound.put(
                                b.systemId(), new VnBinding(b.systemId(), b.accessSwitchNodeIds(), spec.vlan())));
            }
            for (String sys : desiredSystems(spec.name())) {
                bound.putIfAbsent(sys, VnBinding.of(sys, spec.vlan()));
            }
            if (bound.isEmpty() && !client.version().atLeast("5.0")) {
                // Apstra before 5.0 needs at least one binding (apstra-api.md §3): bind every leaf.
                new TreeSet<>(bindingSystems().values()).forEach(s -> bound.put(s, VnBinding.of(s, spec.vlan())));
            }
            List<VnBinding> boundTo = List.copyOf(bound.values());
            String description = OwnedMarks.networkDescription(spec.name(), spec.placementZone());
            if (existing != null && matches(existing, spec, zoneId, description, boundTo)) {
                return existing;
            }
            VirtualNetwork.Builder b = existing == null
                    ? VirtualNetwork.builder(spec.label(), "vxlan").dhcpService("dhcpServiceDisabled")
                    : existing.toBuilder().vnType("vxlan");
            List<String> tags = new ArrayList<>(existing == null ? List.of() : existing.tags());
            if (client.version().atLeast("5.0") && !tags.contains(FabricNames.OWNER_TAG)) {
                tags.add(FabricNames.OWNER_TAG);
            }
            b.description(description)
                    .vnId(spec.vni())
                    .securityZoneId(zoneId)
                    .reservedVlanId(spec.vlan())
                    .ipv4Enabled(spec.ipv4Subnet() != null)
                    .ipv4Subnet(spec.ipv4Subnet())
                    .virtualGatewayIpv4Enabled(spec.ipv4Gateway() != null)
                    .virtualGatewayIpv4(spec.ipv4Gateway())
                    .ipv6Enabled(spec.ipv6Subnet() != null)
                    .ipv6Subnet(spec.ipv6Subnet())
                    .virtualGatewayIpv6Enabled(spec.ipv6Gateway() != null)
                    .virtualGatewayIpv6(spec.ipv6Gateway())
                    .boundTo(boundTo)
                    .tags(tags)
                    .createPolicyTagged(null);
            VirtualNetwork vn;
            if (existing == null) {
                String id = blueprint.virtualNetworks().create(b.build());
                vn = b.id(id).build();
            } else {
                vn = b.build();
                blueprint.virtualNetworks().update(vn);
            }
            wrote = true;
            return vn;
        }

        @Nullable
        String ownerOf(VirtualNetwork vn) {
            for (Map.Entry<String, VirtualNetwork> e : obs.ownedVnsByName.entrySet()) {
                if (Objects.equals(e.getValue().id(), vn.id())) {
                    return e.getKey();
                }
            }
            return null;
        }

        private boolean matches(
                VirtualNetwork vn,
                VirtualNetworkSpec spec,
                String zoneId,
                String description,
                List<VnBinding> boundTo) {
            boolean v4 = spec.ipv4Subnet() != null;
            boolean v6 = spec.ipv6Subnet() != null;
            Map<String, Integer> want = new HashMap<>();
            boundTo.forEach(b -> want.put(b.systemId(), b.vlanId()));
            Map<String, Integer> have = new HashMap<>();
            vn.boundTo().forEach(b -> have.put(b.systemId(), b.vlanId()));
            return description.equals(vn.description())
                    && Objects.equals(vn.vnId(), spec.vni())
                    && zoneId.equals(vn.securityZoneId())
                    && Objects.equals(vn.reservedVlanId(), spec.vlan())
                    && Boolean.valueOf(v4).equals(Boolean.TRUE.equals(vn.ipv4Enabled()))
                    && Objects.equals(v4 ? spec.ipv4Subnet() : null, v4 ? vn.ipv4Subnet() : null)
                    && Objects.equals(
                            spec.ipv4Gateway(), gateway(vn.virtualGatewayIpv4Enabled(), vn.virtualGatewayIpv4()))
                    && Boolean.valueOf(v6).equals(Boolean.TRUE.equals(vn.ipv6Enabled()))
                    && Objects.equals(v6 ? spec.ipv6Subnet() : null, v6 ? vn.ipv6Subnet() : null)
                    && Objects.equals(
                            spec.ipv6Gateway(), gateway(vn.virtualGatewayIpv6Enabled(), vn.virtualGatewayIpv6()))
                    && have.equals(want);
        }

        private static @Nullable String gateway(@Nullable Boolean enabled, @Nullable String address) {
            return Boolean.TRUE.equals(enabled) ? address : null;
        }

        /** The network's id for port changes: ensured from the plan, or the owned one found. */
        VirtualNetwork networkForPorts(String name) {
            VirtualNetworkSpec spec = specs.get(name);
            if (spec != null) {
                return ensureNetwork(spec);
            }
            VirtualNetwork owned = obs.ownedVnsByName.get(name);
            if (owned == null) {
                throw new StepFailure("virtual network " + name + " is neither in the plan nor on the fabric");
            }
            return owned;
        }

        String ensureCt(String name) {
            String done = ctIds.get(name);
            if (done != null) {
                return done;
            }
            VirtualNetwork vn = networkForPorts(name);
            String vnId = Objects.requireNonNull(vn.id());
            String id = obs.ownedCts(vn).stream()
                    .map(ConnectivityTemplate::id)
                    .findFirst()
                    .orElse(null);
            if (id == null) {
                id = blueprint.connectivityTemplates().createTaggedVlan(OwnedMarks.ctLabel(vn.label()), vnId);
                wrote = true;
            }
            ctIds.put(name, id);
            return id;
        }

        void shrinkBindings(String name) {
            VirtualNetwork vn = networks.get(name);
            if (vn == null) {
                vn = obs.ownedVnsByName.get(name);
            }
            if (vn == null || networkFailures.containsKey(name)) {
                return;
            }
            Set<String> keep = desiredSystems(name);
            if (keep.isEmpty() && !client.version().atLeast("5.0")) {
                return; // Apstra before 5.0 needs at least one binding
            }
            List<VnBinding> kept = vn.boundTo().stream()
                    .filter(b -> keep.contains(b.systemId()))
                    .toList();
            if (kept.size() == vn.boundTo().size()) {
                return;
            }
            List<SviIp> svis = vn.sviIps().stream()
                    .filter(s -> keep.contains(s.systemId()))
                    .toList();
            blueprint.virtualNetworks().setBindings(Objects.requireNonNull(vn.id()), kept, svis);
            networks.put(name, vn.toBuilder().boundTo(kept).sviIps(svis).build());
            wrote = true;
        }

        void deleteNetwork(VirtualNetworkSpec spec) {
            VirtualNetwork vn = obs.ownedVnsByName.get(spec.name());
            if (vn == null) {
                return; // already gone; a foreign network with the label is never touched
            }
            for (ConnectivityTemplate ct : obs.ownedCts(vn)) {
                blueprint.connectivityTemplates().delete(ct.id());
                wrote = true;
            }
            blueprint.virtualNetworks().delete(Objects.requireNonNull(vn.id()));
            wrote = true;
        }

        // -------------------------------------------------------------- ports

        void applyPorts() {
            // (application point, template) -> used; the changes that depend on each entry.
            Map<CtKey, Boolean> wanted = new LinkedHashMap<>();
            Map<CtKey, List<PortBindingChange>> owners = new HashMap<>();
            List<PortBindingChange> done = new ArrayList<>();
            Set<String> keepPointNetwork = new HashSet<>();
            for (PortBindingChange c : plan.portBindings()) {
                if (c.action() != PortAction.UNTAG) {
                    PortBinding b = c.binding();
                    obs.ports
                            .pointOf(b.leaf(), b.port())
                            .ifPresent(p -> keepPointNetwork.add(p + "\u0000" + b.virtualNetwork()));
                }
            }
            for (PortBindingChange c : plan.portBindings()) {
                if (!c.isChange()) {
                    continue;
                }
                PortBinding b = c.binding();
                ObjectRef object =
                        ObjectRef.clusterScoped("PortBinding", b.leaf() + " " + b.port() + " " + b.virtualNetwork());
                Optional<String> point = obs.ports.pointOf(b.leaf(), b.port());
                if (c.action() == PortAction.TAG) {
                    if (point.isEmpty()) {
                        failures.add(new Diagnostic(
                                object,
                                "port",
                                "leaf " + b.leaf() + " has no interface " + b.port() + " in blueprint "
                                        + blueprint.id()));
                        continue;
                    }
                    String ct;
                    try {
                        ct = ensureCt(b.virtualNetwork());
                    } catch (StepFailure | ApstraException | IllegalArgumentException e) {
                        failures.add(new Diagnostic(object, "", "not tagged: " + e.getMessage()));
                        continue;
                    }
                    CtKey key = new CtKey(point.get(), ct);
                    wanted.put(key, true);
                    owners.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
                } else {
                    VirtualNetwork vn = networks.containsKey(b.virtualNetwork())
                            ? networks.get(b.virtualNetwork())
                            : obs.ownedVnsByName.get(b.virtualNetwork());
                    if (point.isEmpty() || vn == null) {
                        done.add(c); // nothing of ours is on a port or network that does not exist
                        continue;
                    }
                    if (keepPointNetwork.contains(point.get() + "\u0000" + b.virtualNetwork())) {
                        done.add(c); // another member port of the same aggregate still needs it
                        continue;
                    }
                    List<ConnectivityTemplate> cts = obs.ownedCts(vn);
                    if (cts.isEmpty()) {
                        done.add(c);
                    }
                    for (ConnectivityTemplate ct : cts) {
                        CtKey key = new CtKey(point.get(), ct.id());
                        wanted.putIfAbsent(key, false);
                        owners.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
                    }
                }
            }
            // Assignments left on templates of networks being deleted (e.g. by an interrupted apply).
            for (VirtualNetworkChange c : plan.virtualNetworks()) {
                if (c.action() != ChangeAction.DELETE) {
                    continue;
                }
                VirtualNetwork vn = obs.ownedVnsByName.get(c.network().name());
                if (vn == null) {
                    continue;
                }
                for (ConnectivityTemplate ct : obs.ownedCts(vn)) {
                    for (String point : blueprint.connectivityTemplates().assignments(ct.id())) {
                        wanted.putIfAbsent(new CtKey(point, ct.id()), false);
                    }
                }
            }
            Set<CtKey> rejected = batch(wanted);
            if (rejected == null) {
                // The whole batch failed (reported on the blueprint); only the no-op changes count.
                applied += done.size();
                return;
            }
            Set<PortBindingChange> failed = new HashSet<>();
            for (CtKey k : rejected) {
                failed.addAll(owners.getOrDefault(k, List.of()));
            }
            Set<PortBindingChange> succeeded = new LinkedHashSet<>(done);
            owners.forEach(
                    (k, cs) -> cs.stream().filter(x -> !failed.contains(x)).forEach(succeeded::add));
            applied += succeeded.size();
        }

        /**
         * Sends the assignments in one call; when Apstra rejects some application points, reports
         * them and sends the rest once more. Returns the rejected keys, or null when nothing got
         * through.
         */
        private @Nullable Set<CtKey> batch(Map<CtKey, Boolean> wanted) {
            if (wanted.isEmpty()) {
                return Set.of();
            }
            List<CtAssignment> changes = new ArrayList<>();
            wanted.forEach((k, used) -> changes.add(new CtAssignment(k.point(), k.ct(), used)));
            try {
                blueprint.connectivityTemplates().apply(changes);
                wrote = true;
                return Set.of();
            } catch (ApstraAssignmentException e) {
                Set<String> badPoints = new HashSet<>();
                Set<CtKey> rejected = new HashSet<>();
                for (ApplicationPointError d : e.details()) {
                    if (d.applicationPointId() == null) {
                        continue;
                    }
                    badPoints.add(d.applicationPointId());
                    failures.add(new Diagnostic(
                            describePoint(d.applicationPointId()),
                            "connectivityTemplate",
                            d.message()
                                    + (d.conflictingTemplateId() == null
                                            ? ""
                                            : " (conflicts with template " + d.conflictingTemplateId() + ")")));
                }
                wanted.keySet().stream()
                        .filter(k -> badPoints.contains(k.point()))
                        .forEach(rejected::add);
                List<CtAssignment> rest = changes.stream()
                        .filter(c -> !badPoints.contains(c.applicationPointId()))
                        .toList();
                if (badPoints.isEmpty() || rest.isEmpty()) {
                    if (badPoints.isEmpty()) {
                        failures.add(blueprintDiag("obj-policy-batch-apply", String.valueOf(e.getMessage())));
                        return null;
                    }
                    return rejected;
                }
                try {
                    blueprint.connectivityTemplates().apply(rest);
                    wrote = true;
                    return rejected;
                } catch (ApstraException again) {
                    failures.add(blueprintDiag("obj-policy-batch-apply", String.valueOf(again.getMessage())));
                    return null;
                }
            } catch (ApstraException e) {
                failures.add(blueprintDiag("obj-policy-batch-apply", String.valueOf(e.getMessage())));
                return null;
            }
        }

        private ObjectRef describePoint(String point) {
            List<PortIndex.Port> ports = obs.ports.portsOf(point);
            if (ports.isEmpty()) {
                return ObjectRef.clusterScoped("ApplicationPoint", point);
            }
            StringBuilder b = new StringBuilder();
            for (PortIndex.Port p : ports) {
                b.append(b.length() == 0 ? "" : " ")
                        .append(p.leaf())
                        .append(' ')
                        .append(p.port());
            }
            return ObjectRef.clusterScoped("PortBinding", b.toString());
        }
    }

    private record CtKey(String point, String ct) {}

    /** The default lease of the blueprint lock. */
    public static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(20);

    /**
     * Configures an {@link ApstraFabricGateway}. Not thread-safe; use once.
     *
     * <p>Required: {@link #client} and {@link #blueprintId}.
     */
    public static final class Builder {
        private @Nullable ApstraClient client;
        private @Nullable String blueprintId;
        private Duration lockWait = Duration.ofSeconds(30);
        private Duration deployTimeout = Duration.ofMinutes(5);
        private String descriptionPrefix = "fabricbinder";
        private InstantSource clock = InstantSource.system();
        private @Nullable String holder;
        private Duration lockLease = DEFAULT_LOCK_LEASE;

        private Builder() {}

        /**
         * Who holds the blueprint lock while this gateway applies, written into the lock tag's
         * description so that Apstra users (and a refused apply elsewhere) see it: a controller passes
         * its replica identity. Default {@code pid <pid> on <host>}.
         */
        public Builder holder(String holder) {
            Objects.requireNonNull(holder, "holder");
            if (holder.isBlank() || holder.contains(";") || holder.contains("\n")) {
                throw new IllegalArgumentException(
                        "ApstraFabricGateway.Builder: holder must be one line without ';': " + holder);
            }
            this.holder = holder;
            return this;
        }

        /**
         * The lease of the blueprint lock: the lock tag says it is held until now plus this, and the
         * lease is renewed every third of it while an apply runs. A FabricBinder lock whose lease ran
         * out (its process was killed) is taken over by the next apply, with a warning naming the old
         * holder. Keep it below {@link #lockWait} so that a waiting apply outlasts a dead holder's
         * lease. Default 20 s; at least 3 s.
         */
        public Builder lockLease(Duration lockLease) {
            Objects.requireNonNull(lockLease, "lockLease");
            if (lockLease.compareTo(Duration.ofSeconds(3)) < 0) {
                throw new IllegalArgumentException(
                        "ApstraFabricGateway.Builder: lockLease must be at least 3 s: " + lockLease);
            }
            this.lockLease = lockLease;
            return this;
        }

        /** The Apstra client; it stays the caller's and is never closed by the gateway. */
        public Builder client(ApstraClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The datacenter blueprint to read and apply to. */
        public Builder blueprintId(String blueprintId) {
            Objects.requireNonNull(blueprintId, "blueprintId");
            if (blueprintId.isBlank()) {
                throw new IllegalArgumentException("ApstraFabricGateway.Builder: blueprintId is blank");
            }
            this.blueprintId = blueprintId;
            return this;
        }

        /**
         * How long {@link ApstraFabricGateway#apply} waits for the cooperative blueprint mutex before
         * it gives up with {@link ApplyResult.Status#REFUSED}; zero tries once. Default 30 s.
         */
        public Builder lockWait(Duration lockWait) {
            Objects.requireNonNull(lockWait, "lockWait");
            if (lockWait.isNegative()) {
                throw new IllegalArgumentException("ApstraFabricGateway.Builder: lockWait is negative: " + lockWait);
            }
            this.lockWait = lockWait;
            return this;
        }

        /** How long to wait for a deploy to finish. Default 5 minutes. */
        public Builder deployTimeout(Duration deployTimeout) {
            Objects.requireNonNull(deployTimeout, "deployTimeout");
            if (deployTimeout.isNegative() || deployTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "ApstraFabricGateway.Builder: deployTimeout must be positive: " + deployTimeout);
            }
            this.deployTimeout = deployTimeout;
            return this;
        }

        /**
         * Starts the mutex tag description and the deploy (revision) description, so Apstra users see
         * who changed the blueprint. Default {@code fabricbinder}.
         */
        public Builder descriptionPrefix(String descriptionPrefix) {
            Objects.requireNonNull(descriptionPrefix, "descriptionPrefix");
            if (descriptionPrefix.isBlank()) {
                throw new IllegalArgumentException("ApstraFabricGateway.Builder: descriptionPrefix is blank");
            }
            this.descriptionPrefix = descriptionPrefix;
            return this;
        }

        /**
         * The time source for the lock lease (written into the lock tag, and compared with other
         * holders' leases: hosts running FabricBinder need synchronised clocks, e.g. NTP). Default the
         * system clock.
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the gateway. Makes no remote call.
         *
         * @throws IllegalStateException if the client or blueprint id is missing
         */
        public ApstraFabricGateway build() {
            if (client == null) {
                throw new IllegalStateException("ApstraFabricGateway.Builder: client is required");
            }
            if (blueprintId == null) {
                throw new IllegalStateException("ApstraFabricGateway.Builder: blueprintId is required");
            }
            return new ApstraFabricGateway(this);
        }
    }
}
