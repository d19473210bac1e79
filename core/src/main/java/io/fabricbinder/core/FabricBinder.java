package io.fabricbinder.core;

import io.fabricbinder.ipam.PoolSpec;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * FabricBinder: plans and reconciles the fabric (virtual networks, routing zones, port tags) and the
 * central IP allocations for the SR-IOV pods of a cluster.
 *
 * <pre>{@code
 * FabricBinder binder = FabricBinder.builder()
 *         .gateway(apstraGateway)                       // required
 *         .addressBook(AddressBook.of(ipAllocator))     // required: where addresses survive restarts
 *         .build();
 * Plan plan = binder.plan(snapshot);                    // no side effects
 * ReconcileResult r = binder.reconcile(snapshot);       // plan, allocate, apply, release
 * }</pre>
 *
 * <p>For controllers, {@link #eventDriven} feeds watch events in and coalesces each burst into one
 * plan and one apply. Thread-safe: {@link #plan} may be called from any thread; {@link #reconcile}
 * calls are serialized (one at a time per instance), so the gateway never sees two applies at once.
 * It starts no threads.
 */
public final class FabricBinder {

    private final FabricGateway gateway;
    private final AddressBook addressBook;
    private final long vniMin;
    private final long vniMax;
    private final Applier applier;
    private final Object reconcileLock = new Object();
    /**
     * The IPAM pool specs of the last full plan, by NAD key and IPAM block: values derived from their
     * key alone, reused so a re-plan does not parse and validate every NAD's ranges again. Holds the
     * pools of one plan at most; concurrent plans may replace each other's map (either is valid).
     */
    private volatile Map<Planner.PoolKey, PoolSpec> poolSpecs = Map.of();

    private FabricBinder(Builder b) {
        this.gateway = Objects.requireNonNull(b.gateway, "gateway");
        this.addressBook = Objects.requireNonNull(b.addressBook, "addressBook");
        this.vniMin = b.vniMin;
        this.vniMax = b.vniMax;
        this.applier = new Applier(
                gateway, addressBook, new DeletionGuard(b.maxDeleteShare, b.allowBulkDelete), b.releaseAddresses);
    }

    /** A builder with the defaults described on its setters. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The plan for this snapshot against the fabric's owned objects and the IPAM. Reads the fabric
     * ({@link FabricGateway#readOwnedState()}) and the IPAM; changes nothing. Deterministic: the same
     * snapshot, fabric and allocations give an equal plan.
     */
    public Plan plan(ClusterSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        FabricState actual = gateway.readOwnedState();
        return plan(checkedAgainstFabric(snapshot), actual);
    }

    /**
     * The snapshot with its topology checked against the leaf ports the gateway read ({@link
     * FabricGateway#leafPorts()}); call after {@link FabricGateway#readOwnedState()}.
     */
    ClusterSnapshot checkedAgainstFabric(ClusterSnapshot snapshot) {
        return gateway.leafPorts()
                .map(ports -> TopologyCheck.against(snapshot, ports))
                .orElse(snapshot);
    }

    /** The plan for this snapshot against a given actual fabric state (no fabric read). */
    public Plan plan(ClusterSnapshot snapshot, FabricState actual) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(actual, "actual");
        Map<Planner.PoolKey, PoolSpec> specs = Planner.poolSpecs(snapshot.manifests(), poolSpecs);
        IpamState ipam = IpamState.read(addressBook, specs.values());
        Planner planner = new Planner(snapshot, actual, ipam, vniMin, vniMax).knownPoolSpecs(specs);
        Plan plan = planner.plan();
        poolSpecs = Collections.unmodifiableMap(planner.usedPoolSpecs);
        return plan;
    }

    /** The IPAM state a plan of this snapshot reads: the allocations of the pools its NADs need. */
    IpamState readIpam(ClusterSnapshot snapshot) {
        return IpamState.read(
                addressBook, Planner.poolSpecs(snapshot.manifests(), poolSpecs).values());
    }

    /** A new incremental planner over this instance's VNI range. */
    IncrementalPlanner incrementalPlanner() {
        return new IncrementalPlanner(vniMin, vniMax);
    }

    /**
     * Plans, allocates the new addresses (each failure is an error on that attachment; the others
     * proceed), applies the fabric changes through the gateway, then releases the addresses of
     * attachments that are gone. Idempotent: safe to call on every reconcile; after a crash the next
     * call converges.
     */
    public ReconcileResult reconcile(ClusterSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        synchronized (reconcileLock) {
            Plan plan = plan(snapshot);
            return apply(plan);
        }
    }

    /**
     * Applies a plan made by {@link #plan}: allocations, fabric changes, releases. Prefer {@link
     * #reconcile}, which plans against fresh state.
     *
     * <p>Nothing is changed, neither on the fabric nor in the IPAM, when the deletion guard refuses
     * the plan (see {@link Builder#maxDeleteShare}) or the gateway refuses the apply (someone else
     * holds the blueprint lock): the result is then {@link ApplyResult.Status#REFUSED}. New
     * addresses are allocated only once the gateway has agreed to apply ({@link
     * FabricGateway#apply(Plan, Runnable)}).
     */
    public ReconcileResult apply(Plan plan) {
        synchronized (reconcileLock) {
            return applier.apply(plan);
        }
    }

    /** The gateway this instance applies through. */
    public FabricGateway gateway() {
        return gateway;
    }

    /** The address book this instance allocates from. */
    public AddressBook addressBook() {
        return addressBook;
    }

    /**
     * An event-fed reconciler for controllers: feed it watch events; it coalesces each burst into
     * one plan and one apply, run on {@code scheduler} after {@code window}. See {@link
     * EventDrivenReconciler}.
     */
    public EventDrivenReconciler eventDriven(
            java.util.concurrent.ScheduledExecutorService scheduler,
            java.time.Duration window,
            java.util.function.Consumer<ReconcileResult> listener) {
        return new EventDrivenReconciler(this, scheduler, window, listener);
    }

    /** Builds a {@link FabricBinder}. Not thread-safe; use once. */
    public static final class Builder {
        private @org.jspecify.annotations.Nullable FabricGateway gateway;
        private @org.jspecify.annotations.Nullable AddressBook addressBook;
        private long vniMin = 100_000;
        private long vniMax = 999_999;
        private boolean releaseAddresses = true;
        private double maxDeleteShare = DeletionGuard.DEFAULT_MAX_SHARE;
        private boolean allowBulkDelete;

        private Builder() {}

        /**
         * Required: the fabric to plan against and apply to. For offline planning and tests name the
         * in-memory one explicitly: {@code new InMemoryFabricGateway()} (an empty fabric, so
         * everything shows as to be created).
         */
        public Builder gateway(FabricGateway gateway) {
            this.gateway = Objects.requireNonNull(gateway, "gateway");
            return this;
        }

        /**
         * Required: the central IPAM. It must outlive the process (a file or etcd store, {@code
         * AddressBook.of(IpAllocator.create(store))}), or a restart forgets the addresses it handed
         * out and hands them out again. Tests and offline planning name {@link AddressBook#inMemory()}
         * explicitly.
         */
        public Builder addressBook(AddressBook addressBook) {
            this.addressBook = Objects.requireNonNull(addressBook, "addressBook");
            return this;
        }

        /**
         * The range VNIs are allocated from for networks without the {@code fabricbinder.io/vni}
         * annotation. Default 100000..999999; change it to stay clear of VNIs other tools use.
         */
        public Builder vniRange(long min, long max) {
            if (min < 1 || max > 16_777_214 || min > max) {
                throw new IllegalArgumentException("vni range " + min + ".." + max + " must lie in 1..16777214");
            }
            this.vniMin = min;
            this.vniMax = max;
            return this;
        }

        /**
         * Whether reconcile releases the addresses of attachments that are gone (default true). Turn
         * it off when the snapshot may be incomplete (e.g. informers not yet synced) and release with
         * the ipam module's {@code reclaim} instead, which has a grace period.
         */
        public Builder releaseAddresses(boolean releaseAddresses) {
            this.releaseAddresses = releaseAddresses;
            return this;
        }

        /**
         * The deletion guard's share: a plan that removes more than this share of the virtual
         * networks and tagged ports FabricBinder owns (and more than 10 of them) is refused, as is a
         * plan that removes all of them. Default 0.5. See {@link #allowBulkDelete}.
         */
        public Builder maxDeleteShare(double maxDeleteShare) {
            if (!(maxDeleteShare >= 0 && maxDeleteShare <= 1)) {
                throw new IllegalArgumentException("maxDeleteShare must lie in 0..1: " + maxDeleteShare);
            }
            this.maxDeleteShare = maxDeleteShare;
            return this;
        }

        /**
         * Turns the deletion guard off (default false): plans that remove everything or more than
         * {@link #maxDeleteShare} are applied. For an operator who has checked such a plan.
         */
        public Builder allowBulkDelete(boolean allowBulkDelete) {
            this.allowBulkDelete = allowBulkDelete;
            return this;
        }

        /**
         * Builds.
         *
         * @throws IllegalStateException if the gateway or the address book is missing
         */
        public FabricBinder build() {
            if (gateway == null) {
                throw new IllegalStateException("FabricBinder.Builder: gateway(...) is required, e.g. an"
                        + " ApstraFabricGateway (or new InMemoryFabricGateway() for offline planning and tests)");
            }
            if (addressBook == null) {
                throw new IllegalStateException("FabricBinder.Builder: addressBook(...) is required, e.g."
                        + " AddressBook.of(IpAllocator.create(store)) over a file or etcd store (or"
                        + " AddressBook.inMemory() for tests), so that addresses survive a restart");
            }
            return new FabricBinder(this);
        }
    }
}
