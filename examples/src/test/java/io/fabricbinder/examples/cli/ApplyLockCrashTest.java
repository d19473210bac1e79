package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 3: a real {@code fabricbinder apply} process (a child JVM running the CLI) is
 * killed while it holds the blueprint lock. kill -9 leaves the lock tag behind, naming the process
 * and its lease; the next apply takes it over once the lease ran out and converges. SIGTERM
 * releases the lock at once.
 */
class ApplyLockCrashTest {

    private ApstraEmulator apstra;
    private @Nullable Process child;

    @TempDir
    Path dir;

    @BeforeEach
    void startApstra() {
        apstra = ApstraEmulator.builder()
                .topology(BundledExamples.emulatorFabric())
                .start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        Process c = child;
        if (c != null && c.isAlive()) {
            c.destroyForcibly();
            c.waitFor(30, TimeUnit.SECONDS);
        }
        apstra.close();
    }

    private Map<String, String> env() {
        return Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", apstra.password());
    }

    private String[] applyArgs(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "apply",
                "--manifests",
                PlanCommandTest.CLUSTER.toString(),
                "--topology",
                PlanCommandTest.TOPOLOGY.toString(),
                "--apstra-url",
                apstra.baseUrl().toString(),
                "--blueprint",
                apstra.blueprintId(),
                "--ipam-dir",
                dir.resolve("ipam").toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /**
     * Starts {@code fabricbinder apply} in its own JVM, slowed down so that it holds the lock a while,
     * and returns once it is past the lock, into its writes.
     */
    private Process startApplyProcess() throws IOException, InterruptedException {
        apstra.faults().latency(Duration.ofMillis(250));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FabricBinderCli.class.getName()));
        command.addAll(List.of(applyArgs("--lock-lease", "PT3S")));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().putAll(env());
        Process p = pb.start();
        // Its first virtual network reaches Apstra only after it holds the lock (and has the answer
        // that says so): from then on, a SIGTERM finds a lock to release.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (apstra.callCount("POST /api/blueprints/{bp}/virtual-networks") == 0) {
            assertThat(p.isAlive()).as("the apply process is still running").isTrue();
            assertThat(System.nanoTime())
                    .as("the apply process takes the lock and writes")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(apstra.designTags()).as("the apply's lock tag").hasSize(1);
        assertThat(p.isAlive()).isTrue();
        return p;
    }

    private void assertConverged() {
        assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .containsExactlyInAnyOrder(
                        tuple("leaf1", "xe-0/0/10", 101),
                        tuple("leaf1", "xe-0/0/11", 101),
                        tuple("leaf2", "xe-0/0/12", 102));
        assertThat(apstra.hasUncommittedChanges()).isFalse();
        assertThat(apstra.designTags()).as("lock released").isEmpty();
    }

    @Test
    void afterKillMinus9TheNextApplyTakesTheExpiredLockOverAndConverges() throws Exception {
        Process p = startApplyProcess();
        child = p;
        long pid = p.pid();

        p.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        apstra.faults().latency(Duration.ZERO);

        assertThat(apstra.designTags())
                .as("kill -9 leaves the lock behind, naming the process and its lease")
                .hasSize(1)
                .hasValueSatisfying(new org.assertj.core.api.Condition<>(
                        d -> d.contains("apply by pid " + pid + " on ") && d.contains("fabricbinder.io/lease-until="),
                        "names pid " + pid));

        CliRun next = CliRun.withEnv(env(), applyArgs("--lock-wait", "PT30S"));

        assertThat(next.code()).as(next.out() + next.err()).isZero();
        assertThat(next.out())
                .contains("Apply: APPLIED")
                .contains("took the blueprint lock over from an expired holder", "pid " + pid);
        assertConverged();
    }

    @Test
    void sigtermReleasesTheLockAtOnce() throws Exception {
        Process p = startApplyProcess();
        child = p;

        p.destroy(); // SIGTERM: the shutdown hook releases the lock
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(apstra.designTags())
                .as("released on SIGTERM, not after the lease")
                .isEmpty();
        apstra.faults().latency(Duration.ZERO);
        CliRun next = CliRun.withEnv(env(), applyArgs("--lock-wait", "PT0S"));
        assertThat(next.code()).as(next.out() + next.err()).isZero();
        assertConverged();
    }
}
