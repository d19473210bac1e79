package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.apstra.ApstraNotFoundException;
import io.fabricbinder.apstra.ApstraTimeoutException;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.LockStatus;
import io.fabricbinder.apstra.MutexLock;
import io.fabricbinder.apstra.MutexTag;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step "lock and lease" of an apply: the cooperative blueprint mutex (catalog tag {@code
 * blueprint <id> locked}, shared with Terraform and Ansible) with FabricBinder's lease in its description.
 * Takes it (waiting up to the lock wait, taking over a FabricBinder lock whose lease ran out, never
 * another tool's), renews the lease every third of its length while held, releases it on every
 * path, explains a refusal, and tells the {@link LockObserver} about waits and takeovers.
 */
final class BlueprintLock {
    private static final Logger LOG = LoggerFactory.getLogger(BlueprintLock.class);

    private final ApstraClient client;
    private final BlueprintClient blueprint;
    private final Duration lockWait;
    private final String descriptionPrefix;
    private final InstantSource clock;
    private final String holder;
    private final Duration lockLease;
    private final LockObserver observer;
    /** The lock of the apply in progress, so {@link #releaseHeld()} can release it from another thread. */
    private volatile @Nullable Held held;

    private final Object acquireGuard = new Object();
    /** Lock requests in flight; guarded by {@link #acquireGuard}. */
    private int acquiring;

    /**
     * How long {@link #releaseHeld()} waits for a lock request in flight. Its tag may already be on
     * its way to Apstra; released here, it is not left to its lease when the process ends.
     */
    static final Duration ACQUIRE_WAIT_ON_RELEASE = Duration.ofSeconds(2);

    BlueprintLock(
            ApstraClient client,
            BlueprintClient blueprint,
            Duration lockWait,
            String descriptionPrefix,
            InstantSource clock,
            String holder,
            Duration lockLease,
            LockObserver observer) {
        this.client = client;
        this.blueprint = blueprint;
        this.lockWait = lockWait;
        this.descriptionPrefix = descriptionPrefix;
        this.clock = clock;
        this.holder = holder;
        this.lockLease = lockLease;
        this.observer = observer;
    }

    /** A held blueprint lock and the lease renewal that keeps it. */
    static final class Held {
        final MutexLock lock;
        final ScheduledExecutorService renewer;
        volatile boolean lost;

        Held(MutexLock lock, ScheduledExecutorService renewer) {
            this.lock = lock;
            this.renewer = renewer;
        }
    }

    /**
     * Releases the lock of an apply in progress, if any (for {@link ApstraFabricGateway#close()}),
     * after waiting up to {@link #ACQUIRE_WAIT_ON_RELEASE} for a lock request in flight to end.
     */
    void releaseHeld() {
        long deadline = System.nanoTime() + ACQUIRE_WAIT_ON_RELEASE.toNanos();
        synchronized (acquireGuard) {
            long left;
            while (acquiring > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(acquireGuard, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        Held h = held;
        if (h != null) {
            unhold(h);
        }
    }

    /**
     * Takes the lock (waiting up to the lock wait, taking over an expired FabricBinder lease) and
     * starts renewing its lease; empty when it is still held by someone else after the wait.
     *
     * @throws io.fabricbinder.apstra.ApstraException if Apstra cannot be asked
     */
    Optional<Held> acquire() {
        synchronized (acquireGuard) {
            acquiring++;
        }
        try {
            return acquireCounted();
        } finally {
            synchronized (acquireGuard) {
                acquiring--;
                acquireGuard.notifyAll();
            }
        }
    }

    private Optional<Held> acquireCounted() {
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean contended = new AtomicBoolean();
        long start = System.nanoTime();
        MutexLock lock;
        try {
            lock = blueprint
                    .mutex()
                    .lock(
                            () -> {
                                attempts.incrementAndGet();
                                return new LockLease(holder, clock.instant().plus(lockLease))
                                        .describe(descriptionPrefix);
                            },
                            lockWait,
                            tag -> {
                                contended.set(true);
                                return isExpiredFabricBinderLock(tag);
                            });
        } catch (ApstraTimeoutException e) {
            notify(() -> observer.waited(Duration.ofNanos(System.nanoTime() - start), false));
            return Optional.empty();
        }
        if (contended.get() || attempts.get() > 1) {
            notify(() -> observer.waited(Duration.ofNanos(System.nanoTime() - start), true));
        }
        lock.takenOverFrom().ifPresent(old -> notify(() -> observer.tookOver(holderName(old))));
        return Optional.of(hold(lock));
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("the lock observer failed (ignored): {}", e.toString());
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

    String holderName(MutexTag tag) {
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

    /**
     * Stops renewing and releases {@code h}. Called by the applying thread and by {@link
     * #releaseHeld()}, maybe at once: the second waits until the first's release is done, and {@link
     * #held} names the lock until then, so a shutdown hook never returns while the tag is still there.
     */
    void unhold(Held h) {
        h.renewer.shutdownNow();
        synchronized (h) {
            release(h.lock);
        }
        if (held == h) {
            held = null;
        }
    }

    String explainRefusal() {
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
}
