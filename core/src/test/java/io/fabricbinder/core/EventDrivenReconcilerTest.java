package io.fabricbinder.core;

import static io.fabricbinder.core.Fixtures.link;
import static io.fabricbinder.core.Fixtures.nad;
import static io.fabricbinder.core.Fixtures.nodeState;
import static io.fabricbinder.core.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.topology.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventDrivenReconcilerTest {

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final InMemoryFabricGateway fabric = new InMemoryFabricGateway();
    // Some tests delete the only NAD, which the deletion guard refuses by default (DeletionGuardTest).
    final FabricBinder binder = FabricBinder.builder()
            .gateway(fabric)
            .addressBook(AddressBook.inMemory())
            .allowBulkDelete(true)
            .build();
    final List<ReconcileResult> results = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private void awaitResults(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (results.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(results).hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void aBurstOfPodEventsBecomesOnePlanAndOneApply() {
        ManualScheduler clock = new ManualScheduler();
        EventDrivenReconciler events = binder.eventDriven(clock, Duration.ofMillis(300), results::add);
        events.topology(Topology.of(List.of(link("w1", "0000:3b:00.0", "leaf1", "xe-0/0/1"))));
        events.upsert(nodeState("w1", "0000:3b:00.0"));
        events.upsert(nad("ns", "a", 100, "10.1.0.0/16", "10.1.0.1"));
        for (int i = 0; i < 1000; i++) {
            events.upsert(pod("ns", "p" + i, "w1", "0000:3b:00.0", "a"));
        }
        assertThat(clock.queued()).as("the whole burst waits for one reconcile").isEqualTo(1);

        clock.advance(Duration.ofMillis(299));
        assertThat(results).as("not before the window ends").isEmpty();
        clock.advance(Duration.ofMillis(1));

        assertThat(results).hasSize(1);
        assertThat(clock.queued())
                .as("nothing else is scheduled: no second reconcile")
                .isZero();
        assertThat(fabric.commitCount()).isEqualTo(1);
        ReconcileResult r = results.get(0);
        assertThat(r.allocated()).hasSize(1000);
        assertThat(r.plan().portBindings())
                .singleElement()
                .satisfies(c -> assertThat(c.binding().pods()).hasSize(1000));
    }

    @Test
    void anInvalidObjectIsReportedUnderItsNameAndOthersProceed() throws InterruptedException {
        EventDrivenReconciler events = binder.eventDriven(scheduler, Duration.ofMillis(50), results::add);
        // All in one task on the (single-threaded) scheduler, so the first reconcile sees every event
        // however slowly they are made (fed from the test thread, they could straddle a window).
        scheduler.execute(() -> {
            events.topology(Topology.of(List.of(link("w1", "0000:3b:00.0", "leaf1", "xe-0/0/1"))));
            events.upsert(nodeState("w1", "0000:3b:00.0"));
            events.upsert(nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1"));
            events.upsert(pod("ns", "good", "w1", "0000:3b:00.0", "a"));
            events.upsert(Map.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Pod",
                    "metadata",
                    Map.of("name", "bad", "namespace", "ns", "annotations", Map.of(Pod.NETWORKS_ANNOTATION, "a/b/c")),
                    "spec",
                    Map.of("nodeName", "w1")));
        });
        awaitResults(1);

        ReconcileResult r = results.get(results.size() - 1);
        assertThat(r.errors()).extracting(d -> d.object().toString()).containsExactly("Pod ns/bad");
        assertThat(r.plan().portBindings())
                .singleElement()
                .satisfies(c -> assertThat(c.binding().pods()).containsExactly("ns/good"));

        // Deleting the NAD removes its network (and the port) on the next window.
        int before = results.size();
        events.delete("Pod", "ns", "bad");
        events.delete("NetworkAttachmentDefinition", "ns", "a");
        awaitResults(before + 1);
        assertThat(fabric.readOwnedState().virtualNetworks()).isEmpty();
        assertThat(fabric.readOwnedState().portBindings()).isEmpty();
    }

    @Test
    void aReconcileThatThrowsAnErrorIsRetriedAfterTheWindowAndTheErrorReachesTheFuture() throws InterruptedException {
        List<Throwable> taskFailures = new CopyOnWriteArrayList<>();
        ScheduledThreadPoolExecutor recording = new ScheduledThreadPoolExecutor(1) {
            @Override
            protected void afterExecute(Runnable task, Throwable thrown) {
                // A scheduled task keeps what it threw in its future.
                if (task instanceof Future<?> f && f.isDone()) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        taskFailures.add(e.getCause());
                    } catch (InterruptedException | CancellationException e) {
                        // not a failure of the task
                    }
                }
            }
        };
        AtomicInteger reads = new AtomicInteger();
        FabricGateway failsOnce = new FabricGateway() {
            @Override
            public FabricState readOwnedState() {
                if (reads.incrementAndGet() == 1) {
                    throw new AssertionError("simulated bug in the first reconcile");
                }
                return fabric.readOwnedState();
            }

            @Override
            public ApplyResult apply(Plan plan) {
                return fabric.apply(plan);
            }
        };
        try {
            EventDrivenReconciler events = FabricBinder.builder()
                    .gateway(failsOnce)
                    .addressBook(AddressBook.inMemory())
                    .build()
                    .eventDriven(recording, Duration.ofMillis(50), results::add);
            events.upsert(nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1"));

            // No further event: the failed burst is retried on its own.
            awaitResults(1);
            assertThat(fabric.readOwnedState().virtualNetworks()).hasSize(1);
            assertThat(events.reconcileCount()).isEqualTo(2);
            assertThat(taskFailures).hasSize(1);
            assertThat(taskFailures.get(0))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("simulated bug in the first reconcile");
        } finally {
            recording.shutdownNow();
            assertThat(recording.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aListenerThatThrowsIsLoggedAndTheReconcileIsNeitherCountedTwiceNorRepeated() {
        ManualScheduler clock = new ManualScheduler();
        AtomicInteger calls = new AtomicInteger();
        EventDrivenReconciler events = binder.eventDriven(clock, Duration.ofMillis(20), result -> {
            calls.incrementAndGet();
            results.add(result);
            throw new IllegalStateException("simulated listener bug");
        });
        events.upsert(nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1"));

        clock.advance(Duration.ofMillis(20));

        assertThat(calls).hasValue(1);
        assertThat(events.reconcileCount()).isEqualTo(1);
        assertThat(clock.queued()).as("no retry is scheduled").isZero();
    }
}
