package io.fabricbinder.core.apstra;

import java.time.Duration;

/**
 * Hears how {@link ApstraFabricGateway} gets the cooperative blueprint lock, for metrics: an apply
 * that found the lock held (and waited, or gave up), and a lock taken over from a FabricBinder
 * holder whose lease ran out. Set with {@link ApstraFabricGateway.Builder#lockObserver}; the
 * controller turns these into Prometheus counters. Core stays free of a metrics library.
 *
 * <p>Called on the applying thread, after the lock was taken or given up; must be quick and
 * thread-safe. An exception thrown here is logged and ignored: it never fails an apply.
 *
 * <pre>{@code
 * ApstraFabricGateway.builder().client(apstra).blueprintId(id)
 *         .lockObserver(new LockObserver() {
 *             public void waited(Duration waited, boolean acquired) { waits.increment(); }
 *             public void tookOver(String previousHolder) { takeovers.increment(); }
 *         })
 *         .build();
 * }</pre>
 */
public interface LockObserver {

    /** Hears nothing (the default). */
    LockObserver NONE = new LockObserver() {};

    /**
     * An apply found the blueprint lock held (by another holder, or staging locked by another user)
     * and waited: it got the lock after {@code waited} ({@code acquired}), or gave up after {@link
     * ApstraFabricGateway.Builder#lockWait} and was refused. Not called when the lock was free at
     * the first attempt. A takeover is also a wait (the lock was held when the apply came).
     */
    default void waited(Duration waited, boolean acquired) {}

    /**
     * The lock was taken over from a FabricBinder holder whose lease ran out (its process died).
     *
     * @param previousHolder who held it, as its lock tag said
     */
    default void tookOver(String previousHolder) {}
}
