package io.fabricbinder.examples.metrics;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one-thread scheduler the event mode reconciles on, which notes when each task starts: a
 * reconcile's duration is then known when its result arrives (on the same thread, at its end), and
 * the work queue empties when a reconcile takes the waiting changes.
 */
public final class MeasuredScheduler extends ScheduledThreadPoolExecutor {
    private final ControllerMetrics metrics;
    private volatile long started = System.nanoTime();

    /**
     * @param metrics told when a task starts
     * @param threadName the thread's name (a daemon thread)
     */
    public MeasuredScheduler(ControllerMetrics metrics, String threadName) {
        super(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        started = System.nanoTime();
        metrics.reconcileStarted();
        super.beforeExecute(t, r);
    }

    /** How long the running task has been running; called from the task itself. */
    public Duration sinceTaskStart() {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
