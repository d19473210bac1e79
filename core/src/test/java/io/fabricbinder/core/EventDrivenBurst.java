package io.fabricbinder.core;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.core.BurstScenario.Measurement;
import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.apstra.ApstraFabricGateway;
import io.fabricbinder.core.manifest.Pod;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * FabricBinder's way through a {@link BurstScenario}: an {@link EventDrivenReconciler} fed as a
 * controller feeds it (informer events, one coalescing window, a caller-owned single-thread
 * scheduler), applying through {@link ApstraFabricGateway} to the emulator over HTTP, IP addresses
 * from the in-memory IPAM. The NADs, VNR, node states and topology are reconciled first (setup);
 * then the pods arrive as fast as the feeding thread can call {@code upsert}.
 */
final class EventDrivenBurst {

    private EventDrivenBurst() {}

    /** One listener call: the result and when, on the reconciling thread, it was delivered. */
    private record Seen(ReconcileResult result, long threadCpuNanos, long processCpuNanos, long atNanos) {}

    static Measurement run(BurstScenario s, Duration window) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Duration patience = Duration.ofMinutes(5);
        try (ApstraEmulator apstra = s.startEmulator();
                ApstraClient client = BurstScenario.client(apstra)) {
            ApstraFabricGateway gateway = ApstraFabricGateway.builder()
                    .client(client)
                    .blueprintId(apstra.blueprintId())
                    .lockWait(Duration.ofSeconds(10))
                    .deployTimeout(Duration.ofSeconds(30))
                    .build();
            FabricBinder binder = FabricBinder.builder()
                    .gateway(gateway)
                    .addressBook(AddressBook.inMemory())
                    .build();
            IdleAwareScheduler scheduler = new IdleAwareScheduler();
            Measurement measured;
            boolean stopped;
            try {
                BlockingQueue<Seen> results = new LinkedBlockingQueue<>();
                EventDrivenReconciler events = binder.eventDriven(
                        scheduler,
                        window,
                        r -> results.add(new Seen(
                                r, mx.getCurrentThreadCpuTime(), BurstBenchmark.processCpu(), System.nanoTime())));

                // Setup: topology, node states, NADs and the VNR (networks and zone, no ports yet).
                events.topology(s.topology());
                s.nodeStates().forEach(events::upsert);
                s.nads().forEach(events::upsert);
                events.upsert(s.router());
                Seen setup = results.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
                if (setup == null || !setup.result().isSuccess()) {
                    throw new IllegalStateException("setup reconcile failed: "
                            + (setup == null
                                    ? "none within " + patience
                                    : setup.result().errors()));
                }
                Quiet settled = awaitQuiet(scheduler, results, patience);
                long threadCpu0 = settled.last() == null
                        ? setup.threadCpuNanos()
                        : settled.last().threadCpuNanos();
                Map<String, Integer> before = apstra.callCounts();

                // The burst.
                List<Pod> pods = s.podList();
                long processCpu0 = BurstBenchmark.processCpu();
                long t0 = System.nanoTime();
                pods.forEach(events::upsert);
                Seen last;
                long cycles = 0;
                while (true) {
                    last = results.poll(patience.toMillis(), TimeUnit.MILLISECONDS);
                    if (last == null) {
                        throw new IllegalStateException("no reconcile within " + patience);
                    }
                    if (last.result().fabric().status() != ApplyResult.Status.NO_CHANGES) {
                        cycles++;
                    }
                    if (!last.result().isSuccess()) {
                        throw new IllegalStateException(
                                "burst reconcile failed: " + last.result().errors());
                    }
                    if (podsBound(last.result()) == s.pods()) {
                        break;
                    }
                }
                long wall = last.atNanos() - t0;
                long threadCpu = last.threadCpuNanos() - threadCpu0;
                long processCpu = last.processCpuNanos() - processCpu0;
                cycles += awaitQuiet(scheduler, results, patience).changing();
                Map<String, Integer> burst = BurstScenario.delta(before, apstra.callCounts());

                Set<String> deployed = BurstScenario.deployedTags(apstra, FabricNames.LABEL_PREFIX);
                Set<String> expected = s.expectedTags();
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(deployed);
                Set<String> extra = new TreeSet<>(deployed);
                extra.removeAll(expected);
                if (apstra.hasUncommittedChanges() || !apstra.designTagLabels().isEmpty()) {
                    throw new IllegalStateException("staging not deployed or blueprint mutex not released");
                }
                measured =
                        new Measurement("ours", s, before, burst, cycles, wall, threadCpu, processCpu, missing, extra);
            } finally {
                scheduler.shutdownNow();
                stopped = scheduler.awaitTermination(30, TimeUnit.SECONDS);
            }
            // Checked after the finally block, so that it never hides a failure of the burst itself.
            if (!stopped) {
                throw new IllegalStateException("reconcile thread did not stop");
            }
            return measured;
        }
    }

    /** Distinct pods behind the port bindings the plan keeps or tags. */
    private static int podsBound(ReconcileResult r) {
        Set<String> pods = new HashSet<>();
        for (PortBindingChange c : r.plan().portBindings()) {
            if (c.action() != PortAction.UNTAG) {
                pods.addAll(c.binding().pods());
            }
        }
        return pods.size();
    }

    /**
     * Waits until the reconciler has nothing scheduled and nothing running — it schedules a reconcile
     * for every event and a retry for every failure, so then every event was reconciled — and returns
     * how many of the reconciles that came meanwhile changed the fabric (there should be none: a
     * converged cluster plans no changes).
     */
    private static Quiet awaitQuiet(IdleAwareScheduler scheduler, BlockingQueue<Seen> results, Duration patience)
            throws InterruptedException {
        if (!scheduler.awaitIdle(patience)) {
            throw new IllegalStateException("the reconciler did not settle within " + patience);
        }
        long changing = 0;
        Seen last = null;
        for (Seen more = results.poll(); more != null; more = results.poll()) {
            last = more;
            if (more.result().fabric().status() != ApplyResult.Status.NO_CHANGES) {
                changing++;
            }
        }
        return new Quiet(last, changing);
    }

    /**
     * The burst's single reconcile thread, which knows when it is idle: every task it was given (a
     * scheduled reconcile or retry) has finished. A running task schedules its retry before it ends,
     * and the listener runs inside the task, so idle also means every result has been delivered.
     */
    private static final class IdleAwareScheduler extends ScheduledThreadPoolExecutor {
        private long given;
        private long finished;

        IdleAwareScheduler() {
            super(1, r -> {
                Thread t = new Thread(r, "burst-reconcile");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        protected synchronized <V> RunnableScheduledFuture<V> decorateTask(
                Runnable r, RunnableScheduledFuture<V> task) {
            given++;
            return task;
        }

        @Override
        protected synchronized <V> RunnableScheduledFuture<V> decorateTask(
                Callable<V> c, RunnableScheduledFuture<V> task) {
            given++;
            return task;
        }

        @Override
        protected synchronized void afterExecute(Runnable r, @Nullable Throwable t) {
            finished++;
            notifyAll();
        }

        synchronized boolean awaitIdle(Duration patience) throws InterruptedException {
            long deadline = System.nanoTime() + patience.toNanos();
            while (finished < given) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    private record Quiet(@Nullable Seen last, long changing) {}
}
