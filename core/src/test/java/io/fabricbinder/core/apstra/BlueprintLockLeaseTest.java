package io.fabricbinder.core.apstra;

import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.seed;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.MutexLock;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.FabricState;
import io.fabricbinder.core.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The blueprint lock's lease (issue 15 item 3): who holds it and until when is written into the lock
 * tag, renewed while an apply runs, taken over once a FabricBinder holder's lease ran out, never
 * taken from another tool, and released at once by {@link ApstraFabricGateway#close()}.
 */
class BlueprintLockLeaseTest {

    private ApstraEmulator apstra;
    private ApstraClient client;

    @BeforeEach
    void start() {
        apstra = ApstraEmulator.builder().apstraVersion("6.2.0").start();
        client = EmulatorClients.client(apstra);
    }

    @AfterEach
    void stop() {
        client.close();
        apstra.close();
    }

    private ApstraFabricGateway gateway(Duration lockWait, Duration lease) {
        return ApstraFabricGateway.builder()
                .client(client)
                .blueprintId(apstra.blueprintId())
                .lockWait(lockWait)
                .lockLease(lease)
                .holder("test-holder")
                .deployTimeout(Duration.ofSeconds(20))
                .build();
    }

    /** Records what the gateway tells its {@link LockObserver}. */
    static final class RecordingObserver implements LockObserver {
        final List<Boolean> waits = new CopyOnWriteArrayList<>();
        final List<String> takeovers = new CopyOnWriteArrayList<>();

        @Override
        public void waited(Duration waited, boolean acquired) {
            assertThat(waited.isNegative()).isFalse();
            waits.add(acquired);
        }

        @Override
        public void tookOver(String previousHolder) {
            takeovers.add(previousHolder);
        }
    }

    private ApstraFabricGateway observed(Duration lockWait, LockObserver observer) {
        return ApstraFabricGateway.builder()
                .client(client)
                .blueprintId(apstra.blueprintId())
                .lockWait(lockWait)
                .holder("test-holder")
                .lockObserver(observer)
                .deployTimeout(Duration.ofSeconds(20))
                .build();
    }

    private ApplyResult converge(ApstraFabricGateway gateway, FabricState desired) {
        return gateway.apply(TestPlans.diff(desired, gateway.readOwnedState()));
    }

    /** A lock tag written by someone else, left behind (the holder's process is gone). */
    private MutexLock leftBehind(String description) {
        ApstraClient other = EmulatorClients.client(apstra);
        return other.blueprint(apstra.blueprintId())
                .mutex()
                .tryLock(description)
                .orElseThrow();
    }

    @Test
    void aFabricBinderLockPastItsLeaseIsTakenOverAndTheOldHolderIsNamed() {
        leftBehind("fabricbinder: apply by pid 4242 on deadhost; fabricbinder.io/lease-until=2020-01-01T00:00:00Z");

        ApplyResult r = converge(gateway(Duration.ZERO, Duration.ofSeconds(20)), seed());

        assertThat(r.status()).as(r.message()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(r.message()).contains("took the blueprint lock over", "pid 4242 on deadhost");
        assertThat(apstra.designTagLabels()).as("released after the apply").isEmpty();
    }

    @Test
    void aLockOfAnOlderFabricBinderWithoutLeaseIsTakenOverOnlyLongAfterItsTime() {
        leftBehind("fabricbinder: apply at " + Instant.now().minus(Duration.ofHours(1)));

        ApplyResult r = converge(gateway(Duration.ZERO, Duration.ofSeconds(20)), seed());

        assertThat(r.status()).as(r.message()).isEqualTo(ApplyResult.Status.APPLIED);
    }

    @Test
    void aLiveFabricBinderLockIsNotTakenOverAndTheRefusalSaysWhoAndUntilWhen() {
        Instant until = Instant.now().plus(Duration.ofMinutes(5));
        leftBehind("fabricbinder: apply by controller replica-b; fabricbinder.io/lease-until=" + until);

        ApplyResult r = converge(gateway(Duration.ZERO, Duration.ofSeconds(20)), seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(r.message()).contains("FabricBinder controller replica-b", until.toString(), "nothing was changed");
        assertThat(apstra.designTagLabels()).hasSize(1);
        assertThat(apstra.hasUncommittedChanges()).isFalse();
    }

    @Test
    void aLockOfAnotherToolIsNeverBrokenAndTheRefusalSaysHowToClearIt() {
        MutexLock terraform = leftBehind("locked by terraform run 17");

        ApplyResult r = converge(gateway(Duration.ofSeconds(2), Duration.ofSeconds(3)), seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(r.message())
                .contains("another tool or a person", "locked by terraform run 17")
                .contains("Design > Tags", "DELETE /api/design/tags/" + terraform.tagId(), "nothing was changed");
        assertThat(apstra.designTags()).containsValue("locked by terraform run 17");
        assertThat(apstra.hasUncommittedChanges()).isFalse();
    }

    @Test
    void theLeaseIsWrittenAndRenewedWhileAnApplyRuns() {
        ApstraFabricGateway gateway = gateway(Duration.ZERO, Duration.ofSeconds(3));
        Set<String> seen = new ConcurrentSkipListSet<>();
        // beforeChanges runs while the apply holds the lock: it stays there until a renewal (every
        // third of the 3 s lease) has rewritten the lock tag, however fast Apstra answers.
        ApplyResult r = gateway.apply(TestPlans.diff(seed(), gateway.readOwnedState()), () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                apstra.designTags().values().forEach(seen::add);
                sleepBriefly();
            }
        });

        assertThat(r.status()).as(r.message()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(seen).as("descriptions seen while the apply held the lock").isNotEmpty();
        assertThat(seen)
                .allSatisfy(d ->
                        assertThat(d).startsWith("fabricbinder: apply by test-holder; fabricbinder.io/lease-until="));
        assertThat(seen).as("the lease was renewed at least once").hasSizeGreaterThan(1);
        assertThat(apstra.designTagLabels()).isEmpty();
    }

    /** Paces a poll for a condition. */
    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Test
    void closeReleasesAHeldLockAtOnce() throws Exception {
        ApstraFabricGateway gateway = gateway(Duration.ZERO, Duration.ofSeconds(20));
        CountDownLatch holdsTheLock = new CountDownLatch(1);
        CountDownLatch gatewayClosed = new CountDownLatch(1);
        ExecutorService exec = Executors.newSingleThreadExecutor();
        try {
            // beforeChanges runs on the applying thread once it holds the lock, before its first write:
            // there the apply says so and waits, so close() meets an apply that holds the lock.
            Future<ApplyResult> apply =
                    exec.submit(() -> gateway.apply(TestPlans.diff(seed(), gateway.readOwnedState()), () -> {
                        holdsTheLock.countDown();
                        awaitUninterruptibly(gatewayClosed);
                    }));
            assertThat(holdsTheLock.await(60, TimeUnit.SECONDS))
                    .as("the apply takes the lock")
                    .isTrue();
            assertThat(apstra.designTagLabels()).as("the apply's lock tag").hasSize(1);

            gateway.close();

            assertThat(apstra.designTagLabels())
                    .as("released by close, not after the 20 s lease")
                    .isEmpty();
            gatewayClosed.countDown();
            ApplyResult r = apply.get(60, TimeUnit.SECONDS);
            assertThat(r.status()).isIn(ApplyResult.Status.REFUSED, ApplyResult.Status.FAILED);
        } finally {
            gatewayClosed.countDown();
            exec.shutdownNow();
        }
        ApstraFabricGateway next = gateway(Duration.ZERO, Duration.ofSeconds(20));
        assertThat(converge(next, seed()).status()).isEqualTo(ApplyResult.Status.APPLIED);
    }

    @Test
    void closeDuringALockRequestWaitsForItAndReleasesWhatItTook() throws Exception {
        ApstraFabricGateway gateway = gateway(Duration.ZERO, Duration.ofSeconds(20));
        Plan plan = TestPlans.diff(seed(), gateway.readOwnedState());
        int lockStatusReads = apstra.callCount("GET /api/blueprints/{bp}/lock-status");
        // Every answer now takes 400 ms: the lock request's tag POST is still on its way when close() runs.
        apstra.faults().latency(Duration.ofMillis(400));
        ExecutorService exec = Executors.newSingleThreadExecutor();
        try {
            Future<ApplyResult> apply = exec.submit(() -> gateway.apply(plan, () -> {}));
            // The lock request starts by reading lock-status; once that is answered, its POST follows.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (apstra.callCount("GET /api/blueprints/{bp}/lock-status") == lockStatusReads
                    && System.nanoTime() < until) {
                Thread.onSpinWait();
            }

            gateway.close(); // as the shutdown hook does on Ctrl-C

            assertThat(apstra.callCount("POST /api/design/tags"))
                    .as("close() returned only after the lock request in flight had ended")
                    .isEqualTo(1);
            assertThat(apstra.designTagLabels())
                    .as("and the lock it took is released, not left to its 20 s lease")
                    .isEmpty();
            apstra.faults().latency(Duration.ZERO);
            assertThat(apply.get(60, TimeUnit.SECONDS).status()).isEqualTo(ApplyResult.Status.REFUSED);
            assertThat(apstra.virtualNetworks(Stage.STAGING)).isEmpty();
        } finally {
            apstra.faults().latency(Duration.ZERO);
            exec.shutdownNow();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Test
    void aTakeoverIsReportedToTheLockObserverAsATakeoverAndAWaitThatGotTheLock() {
        leftBehind("fabricbinder: apply by pid 4242 on deadhost; fabricbinder.io/lease-until=2020-01-01T00:00:00Z");
        RecordingObserver observer = new RecordingObserver();

        ApplyResult r = converge(observed(Duration.ZERO, observer), seed());

        assertThat(r.status()).as(r.message()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(observer.takeovers).singleElement().asString().contains("pid 4242 on deadhost");
        assertThat(observer.waits).containsExactly(true);
    }

    @Test
    void aWaitThatRunsOutIsReportedToTheLockObserverAndAFreeLockIsNot() {
        RecordingObserver observer = new RecordingObserver();
        ApstraFabricGateway gateway = observed(Duration.ofSeconds(1), observer);
        MutexLock other = leftBehind("fabricbinder: apply by replica-b; fabricbinder.io/lease-until="
                + Instant.now().plus(Duration.ofMinutes(5)));

        assertThat(converge(gateway, seed()).status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(observer.waits).containsExactly(false);
        assertThat(observer.takeovers).isEmpty();

        other.close();
        assertThat(converge(gateway, seed()).status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(observer.waits).as("the free lock was taken without waiting").containsExactly(false);
        assertThat(observer.takeovers).isEmpty();
    }

    @Test
    void aFailingLockObserverDoesNotFailTheApply() {
        leftBehind("fabricbinder: apply by pid 4242 on deadhost; fabricbinder.io/lease-until=2020-01-01T00:00:00Z");
        LockObserver broken = new LockObserver() {
            @Override
            public void tookOver(String previousHolder) {
                throw new IllegalStateException("metrics down");
            }
        };

        assertThat(converge(observed(Duration.ZERO, broken), seed()).status()).isEqualTo(ApplyResult.Status.APPLIED);
    }
}
