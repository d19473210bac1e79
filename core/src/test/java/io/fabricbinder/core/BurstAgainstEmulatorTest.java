package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.BurstScenario.Measurement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A burst of pod creations fed to the {@link EventDrivenReconciler}, applied through the Apstra
 * gateway to the emulator over HTTP, against the per-pod lock-change-commit script on the same
 * burst (see {@link BurstBenchmark} for the numbers at 100 to 5,000 pods). The bound on Apstra calls
 * is computed from the networks and ports the burst changes, never from the pods: a reconciler that
 * committed per event, or made a call per pod, fails it.
 */
class BurstAgainstEmulatorTest {

    /**
     * Calls one apply costs whatever it changes: lock (lock-status, tag), state reads (zones, networks,
     * templates, two graph queries), diff-status, build errors, blueprint status, deploy and its poll,
     * unlock; measured 26, with room.
     */
    static final int FIXED_PER_APPLY = 30;
    /** Calls per network changed: binding update, template creation and their task polls; measured 4. */
    static final int PER_NETWORK = 6;
    /** Allowance per leaf port changed (none measured: all port changes go in one batch call). */
    static final int PER_PORT = 1;

    static final Duration WINDOW = Duration.ofMillis(300);

    static int bound(long applies, int ports, int networks) {
        return (int) applies * (FIXED_PER_APPLY + PER_NETWORK * networks) + PER_PORT * ports;
    }

    @Test
    void aBurstOfPodsCostsCallsPerPortAndNetworkNotPerPod() throws InterruptedException {
        // 200 pods, each on its own (port, network) pair: 50 ports x 4 networks.
        BurstScenario burst = new BurstScenario(200, 50, 4);

        Measurement ours = EventDrivenBurst.run(burst, WINDOW);
        System.out.println(ours.summary() + " " + ours.burstCalls());

        assertThat(ours.missingTags()).as("needed tags missing after the burst").isEmpty();
        assertThat(ours.extraTags()).as("tags nothing needs").isEmpty();
        assertThat(ours.deploys()).isBetween(1, 3);
        assertThat(ours.commitCycles()).isBetween(1L, 3L);
        assertThat(ours.calls("POST /api/design/tags")).as("mutex acquisitions").isBetween(1, 3);
        assertThat(ours.calls("PATCH /api/blueprints/{bp}/obj-policy-batch-apply"))
                .isBetween(1, 3);
        assertThat(ours.calls())
                .as("calls for %d ports and %d networks", burst.distinctPorts(), burst.networks())
                .isLessThanOrEqualTo(bound(ours.commitCycles(), burst.distinctPorts(), burst.networks()))
                .isLessThan(burst.pods());

        // Twice the pods on the same ports and networks: the same calls.
        Measurement doubled = EventDrivenBurst.run(new BurstScenario(400, 50, 4), WINDOW);
        System.out.println(doubled.summary() + " " + doubled.burstCalls());
        assertThat(doubled.converged()).isTrue();
        assertThat(doubled.deploys()).isBetween(1, 3);
        if (ours.commitCycles() == 1 && doubled.commitCycles() == 1) {
            assertThat(doubled.burstCalls()).isEqualTo(ours.burstCalls());
        }

        // The per-pod script on the same burst: a lock, a change and a deploy per pod.
        Measurement perPod = PerPodLockCommitBaseline.run(burst);
        System.out.println(perPod.summary() + " " + perPod.burstCalls());
        assertThat(perPod.converged()).isTrue();
        assertThat(perPod.deploys()).isGreaterThanOrEqualTo(burst.pods());
        assertThat(perPod.calls("POST /api/design/tags")).isEqualTo(burst.pods());
        assertThat(perPod.calls()).isGreaterThan(10 * ours.calls());
    }
}
