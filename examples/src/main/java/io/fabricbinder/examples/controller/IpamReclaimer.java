package io.fabricbinder.examples.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.LiveOwners;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.ReclaimReport;
import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases IP allocations whose pod no longer exists: the leaks no CNI plugin can prevent
 * (host-device skips the IPAM DEL when the network namespace is gone, sriov-cni skips it when its
 * cache file is missing, and neither sriov-cni nor Multus forwards GC). It looks at every pool in
 * the store, also pools no NetworkAttachmentDefinition names any more.
 *
 * <p>An allocation is released only when all of these hold, in this order:
 *
 * <ol>
 *   <li>the pod view is complete: this replica leads and every informer has synced and is watching
 *       ({@link Pods#uids()} is non-null), both when the pass starts and at every re-check;
 *   <li>no pod with the owner's UID is in the view, in any state (pending, running, terminating,
 *       finished): a pod that exists at all keeps its addresses;
 *   <li>the allocation is older than the grace period, and its owner has been seen absent for at
 *       least the grace period (remembered in memory, so a restart or a new leader waits again);
 *   <li>the owner is not a runtime's sandbox standing in for a pod (an attachment the plugin served
 *       without {@code K8S_POD_UID}, whose "UID" is its container id: no pod can vouch for it);
 *   <li>the API server itself, asked for the pod by namespace and name, answers that no pod of that
 *       UID exists ({@link Pods#exists}; an error keeps the allocation);
 *   <li>the allocation is still exactly the one listed ({@link IpAllocator#reclaim} releases
 *       conditioned on the listed version), so an address released and re-allocated in between, to
 *       this owner or another, stays held.
 * </ol>
 *
 * <p>The plugin's {@code cni/<pool>/<owner>} record of a released owner is deleted with it, and so
 * is a record whose owner holds nothing any more and passes the same checks.
 *
 * <p>Not thread-safe: run passes one at a time (the controller runs them on its reconcile thread).
 */
public final class IpamReclaimer {
    private static final Logger LOG = LoggerFactory.getLogger(IpamReclaimer.class);
    private static final int PAGE = 500;

    /** What the reclaimer knows about pods. */
    public interface Pods {
        /**
         * The UIDs of every pod in view, in any state, or null while the view may be incomplete (not
         * leading, an informer not synced or not watching): then nothing is released.
         */
        @Nullable
        Set<String> uids();

        /** Whether the view is complete now (cheap; checked before every release). */
        boolean complete();

        /** Whether pods of {@code namespace} are in view (a namespace-scoped controller sees one). */
        boolean watches(String namespace);

        /**
         * Asks the API server whether the pod {@code namespace/name} with {@code uid} exists; true
         * when it does or when the answer cannot be had (an error keeps the allocation).
         */
        boolean exists(String namespace, String name, String uid);
    }

    /** Receives what each pass released. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called once per pool in which a pass released something.
         *
         * @param pool the pool name
         * @param owners owners released
         * @param addresses addresses released (owners times the pool's ranges)
         */
        void reclaimed(String pool, int owners, int addresses);
    }

    /**
     * What one pass did.
     *
     * @param ran false when the pod view was incomplete and nothing was looked at
     * @param pools pools examined
     * @param released owners released, over all pools
     * @param records plugin records deleted
     */
    public record Pass(boolean ran, int pools, int released, int records) {}

    private final IpAllocator allocator;
    private final IpPoolStore store;
    private final Pods pods;
    private final Duration grace;
    private final InstantSource clock;
    private final Listener listener;
    /** When each candidate (pool + owner key) was first seen absent from a complete view. */
    private final Map<String, Instant> absentSince = new HashMap<>();

    private IpamReclaimer(Builder b) {
        this.allocator = b.allocator;
        this.store = b.store;
        this.pods = Objects.requireNonNull(b.pods, "pods");
        this.grace = b.grace;
        this.clock = b.clock;
        this.listener = b.listener;
    }

    /**
     * Starts configuring a reclaimer over {@code allocator}, which must allocate from {@code store}
     * (the plugin's records live there too).
     */
    public static Builder builder(IpAllocator allocator, IpPoolStore store) {
        return new Builder(allocator, store);
    }

    /** Thrown inside a pass when the pod view stops being complete. */
    private static final class ViewIncomplete extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ViewIncomplete() {
            super("the pod view is not complete", null, false, false);
        }
    }

    /**
     * Runs one pass over every pool in the store. Store failures propagate (nothing is released
     * on a failed read; the next pass tries again).
     */
    public Pass run() {
        if (pods.uids() == null) {
            LOG.debug("IPAM reclaim skipped: not leading or informers not synced");
            return new Pass(false, 0, 0, 0);
        }
        Set<String> touched = new HashSet<>();
        int poolCount = 0;
        int released = 0;
        int records = 0;
        try {
            for (String name : allocator.poolNames()) {
                Optional<PoolSpec> spec = allocator.storedPool(name);
                if (spec.isEmpty()) {
                    continue;
                }
                poolCount++;
                PoolSpec pool = spec.get();
                try {
                    ReclaimReport report = allocator.reclaim(pool, liveOwners(pool, touched), grace);
                    for (Owner o : report.released()) {
                        deleteRecord(pool, o);
                    }
                    if (!report.released().isEmpty()) {
                        released += report.released().size();
                        listener.reclaimed(
                                pool.name(),
                                report.released().size(),
                                report.released().size() * pool.ranges().size());
                    }
                    records += orphanRecords(pool, touched);
                } catch (ViewIncomplete e) {
                    throw e;
                } catch (IllegalStateException e) {
                    // A record this pool cannot read (written by a newer version, damaged): that pool
                    // is left alone, the others are still looked at.
                    LOG.warn("IPAM reclaim skipped pool {}: {}", pool.name(), e.getMessage());
                }
            }
        } catch (ViewIncomplete e) {
            LOG.info("IPAM reclaim stopped: the pod view became incomplete");
            return new Pass(false, poolCount, released, records);
        }
        // Forget candidates that are no longer candidates (released, back, or gone from the store).
        absentSince.keySet().retainAll(touched);
        return new Pass(true, poolCount, released, records);
    }

    private LiveOwners liveOwners(PoolSpec pool, Set<String> touched) {
        return new LiveOwners() {
            private @Nullable Set<String> uids;

            @Override
            public Predicate<Owner> snapshot() {
                // Taken after the store was listed: a pod exists before its first allocation, so
                // every listed allocation's pod that still exists is in this view.
                Set<String> taken = view();
                uids = taken;
                return o -> inView(o, taken);
            }

            @Override
            public boolean isLive(Owner o) {
                Set<String> taken = uids;
                return keep(pool, o, taken == null ? view() : taken, touched);
            }
        };
    }

    private Set<String> view() {
        Set<String> uids = pods.uids();
        if (uids == null) {
            throw new ViewIncomplete();
        }
        return uids;
    }

    /** Alive as far as the view tells: its UID is there, or its namespace is not watched. */
    private boolean inView(Owner o, Set<String> uids) {
        return !pods.watches(o.namespace()) || uids.contains(o.podUid());
    }

    /** The re-check immediately before a release: true keeps the allocation. */
    private boolean keep(PoolSpec pool, Owner o, Set<String> uids, Set<String> touched) {
        if (!pods.complete()) {
            throw new ViewIncomplete();
        }
        if (inView(o, uids)) {
            return true;
        }
        String key = pool.name() + "\u0000" + o.key();
        touched.add(key);
        Instant now = clock.instant();
        Instant since = absentSince.computeIfAbsent(key, k -> now);
        if (since.plus(grace).isAfter(now)) {
            return true;
        }
        Optional<VersionedValue> record = store.find(recordKey(pool, o));
        if (record.isPresent() && record.get().value().startsWith(o.podUid() + " ")) {
            // Served without K8S_POD_UID: the container id stands in for the UID (docs/cni.md).
            return true;
        }
        if (pods.exists(o.namespace(), o.pod(), o.podUid())) {
            return true;
        }
        if (!pods.complete()) {
            throw new ViewIncomplete(); // leadership or the watch was lost while asking
        }
        LOG.info(
                "pod {}/{} (uid {}) is gone; reclaiming {} in pool {}",
                o.namespace(),
                o.pod(),
                o.podUid(),
                o,
                pool.name());
        return false;
    }

    private static String recordKey(PoolSpec pool, Owner o) {
        return "cni/" + pool.name() + "/" + o.key();
    }

    /** Deletes the plugin's record of a released owner, unless it changed meanwhile. */
    private void deleteRecord(PoolSpec pool, Owner o) {
        String key = recordKey(pool, o);
        Optional<VersionedValue> record = store.find(key);
        if (record.isPresent()) {
            store.commit(List.of(Condition.atVersion(key, record.get().version())), List.of(Mutation.delete(key)));
        }
    }

    /** Deletes plugin records whose owner holds nothing and whose pod is gone (same checks). */
    private int orphanRecords(PoolSpec pool, Set<String> touched) {
        String prefix = "cni/" + pool.name() + "/";
        String after = "";
        int deleted = 0;
        Set<String> uids = null;
        while (true) {
            List<VersionedValue> page = store.list(prefix, after, PAGE);
            for (VersionedValue v : page) {
                Owner o;
                try {
                    o = Owner.fromKey(v.key().substring(prefix.length()));
                } catch (IllegalArgumentException e) {
                    continue; // not a record this version writes: left alone
                }
                if (allocator.find(pool, o).isPresent()) {
                    continue;
                }
                if (uids == null) {
                    uids = view(); // after the listing, as above
                }
                if (keep(pool, o, uids, touched)) {
                    continue;
                }
                if (store.commit(
                        List.of(Condition.atVersion(v.key(), v.version())), List.of(Mutation.delete(v.key())))) {
                    deleted++;
                }
            }
            if (page.size() < PAGE) {
                return deleted;
            }
            after = page.get(page.size() - 1).key();
        }
    }

    /**
     * The {@link Pods} of a {@link FabricBinderController}: its informer cache while it is active,
     * and a pod GET through {@code client} for the re-check.
     *
     * @param controller the controller whose cache is the view
     * @param client the client for the re-check
     * @param namespace the one namespace the controller watches, or null for all
     */
    public static Pods pods(FabricBinderController controller, KubernetesClient client, @Nullable String namespace) {
        Objects.requireNonNull(controller, "controller");
        Objects.requireNonNull(client, "client");
        return new Pods() {
            @Override
            public @Nullable Set<String> uids() {
                return controller.podUids();
            }

            @Override
            public boolean complete() {
                return controller.isActiveNow();
            }

            @Override
            public boolean watches(String ns) {
                return namespace == null || namespace.equals(ns);
            }

            @Override
            public boolean exists(String ns, String name, String uid) {
                try {
                    Pod pod = client.pods().inNamespace(ns).withName(name).get();
                    return pod != null && uid.equals(pod.getMetadata().getUid());
                } catch (RuntimeException e) {
                    LOG.warn("cannot read pod {}/{}: {}; keeping its addresses", ns, name, e.toString());
                    return true;
                }
            }
        };
    }

    /** Configures an {@link IpamReclaimer}; not thread-safe, use once. */
    public static final class Builder {
        private final IpAllocator allocator;
        private final IpPoolStore store;
        private @Nullable Pods pods;
        private Duration grace = DEFAULT_GRACE;
        private InstantSource clock = InstantSource.system();
        private Listener listener = (pool, owners, addresses) -> {};

        private Builder(IpAllocator allocator, IpPoolStore store) {
            this.allocator = Objects.requireNonNull(allocator, "allocator");
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Where pods are looked up (required). */
        public Builder pods(Pods pods) {
            this.pods = Objects.requireNonNull(pods, "pods");
            return this;
        }

        /**
         * How long an allocation must be old, and its pod seen gone, before it is released (default
         * {@link #DEFAULT_GRACE}); must be positive.
         */
        public Builder grace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative() || grace.isZero()) {
                throw new IllegalArgumentException("grace must be positive: " + grace);
            }
            this.grace = grace;
            return this;
        }

        /** Time source for the grace period (default: the system clock). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Told what each pass released (for metrics). */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Builds the reclaimer. */
        public IpamReclaimer build() {
            return new IpamReclaimer(this);
        }
    }

    /** The default grace period: ten minutes. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
}
