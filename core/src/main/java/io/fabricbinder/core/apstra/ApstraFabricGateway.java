package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.DiffStatus;
import io.fabricbinder.apstra.LockStatus;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.ChangeAction;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.FabricGateway;
import io.fabricbinder.core.FabricNames;
import io.fabricbinder.core.FabricState;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.RoutingZoneSpec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Duration deployTimeout;
    private final String descriptionPrefix;
    private final BlueprintLock lock;

    private volatile boolean closed;
    /** The leaf ports of the blueprint as of the last read. */
    private volatile @Nullable Map<String, Set<String>> leafPorts;
    /** Zone names seen in applied plans, to name owned zones that no owned network uses yet. */
    private final Set<String> knownZoneNames = ConcurrentHashMap.newKeySet();

    private ApstraFabricGateway(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.blueprint = client.blueprint(Objects.requireNonNull(b.blueprintId, "blueprintId"));
        this.deployTimeout = b.deployTimeout;
        this.descriptionPrefix = b.descriptionPrefix;
        this.lock = new BlueprintLock(
                client,
                blueprint,
                b.lockWait,
                b.descriptionPrefix,
                b.clock,
                b.holder != null ? b.holder : defaultHolder(),
                b.lockLease,
                b.lockObserver);
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
        StagingRead obs = observe();
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
        // 1. Lock and lease.
        BlueprintLock.Held h;
        try {
            h = lock.acquire().orElse(null);
            if (h == null) {
                return refused(lock.explainRefusal());
            }
        } catch (ApstraException e) {
            return failed(List.of(blueprintDiag("mutex", "cannot take the blueprint lock: " + e.getMessage())), 0);
        }
        try {
            if (closed) {
                return refused("the gateway was closed while taking the blueprint lock; nothing was changed");
            }
            ApplyResult result = applyLocked(plan, beforeChanges, h);
            return h.lock.takenOverFrom()
                    .map(old -> new ApplyResult(
                            result.status(),
                            result.changesApplied(),
                            result.failures(),
                            result.message() + " (took the blueprint lock over from an expired holder: "
                                    + lock.holderName(old) + ")"))
                    .orElse(result);
        } catch (ApstraException e) {
            LOG.warn("apply to blueprint {} failed: {}", blueprint.id(), e.getMessage());
            return failed(List.of(blueprintDiag("", String.valueOf(e.getMessage()))), 0);
        } finally {
            lock.unhold(h);
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
        lock.releaseHeld();
    }

    /** The steps of an apply once the lock is held. */
    private ApplyResult applyLocked(Plan plan, Runnable beforeChanges, BlueprintLock.Held h) {
        // 2. Check staging: refuse over someone else's uncommitted changes or a deploy in progress.
        DeployStep.Preflight pre = DeployStep.check(client, blueprint);
        DiffStatus diff = pre.diff();
        if (pre.refusal() != null || diff == null) {
            return refused(String.valueOf(pre.refusal()));
        }
        beforeChanges.run();
        // 3. Read state, then zones, networks, port tagging and removals (ApplyRun.execute).
        rememberZoneNames(plan);
        ApplyRun run = new ApplyRun(client, blueprint, plan, observe());
        run.execute();
        // 4. Deploy.
        return DeployStep.deploy(run, diff, pre.uncommitted(), h.lost, closed, descriptionPrefix, deployTimeout);
    }

    /** Remembers the zone names the plan keeps, to name owned zones no owned network uses yet. */
    private void rememberZoneNames(Plan plan) {
        for (RoutingZoneChange c : plan.routingZones()) {
            if (c.action() != ChangeAction.DELETE) {
                knownZoneNames.add(c.zone().name());
            }
        }
        for (VirtualNetworkChange c : plan.virtualNetworks()) {
            if (c.action() != ChangeAction.DELETE) {
                knownZoneNames.add(c.network().placementZone());
            }
        }
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

    private StagingRead observe() {
        StagingRead obs = StagingRead.read(client, blueprint, knownZoneNames);
        leafPorts = obs.ports.portsByLeaf();
        return obs;
    }

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
        private LockObserver lockObserver = LockObserver.NONE;

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

        /**
         * Hears lock waits and takeovers (for metrics; see {@link LockObserver}). Default {@link
         * LockObserver#NONE}.
         */
        public Builder lockObserver(LockObserver lockObserver) {
            this.lockObserver = Objects.requireNonNull(lockObserver, "lockObserver");
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
