package io.fabricbinder.core;

import io.fabricbinder.core.BurstScenario.Measurement;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Harness (a {@code main} class, not run by surefire): a burst of pod creations against the Apstra
 * emulator over HTTP, FabricBinder's event-driven reconciler against the per-pod
 * lock-change-commit script ({@link PerPodLockCommitBaseline}), same emulator topology, same
 * apstra-client. See {@link BurstScenario} for the cluster and cabling.
 *
 * <p>Without arguments it runs three series: pods 100 / 1,000 / 5,000 over the same 25 ports and 4
 * networks; 1,000 pods over 25 / 100 / 250 ports; 1,000 pods over 25 ports and 2 / 4 / 8 networks.
 * With arguments {@code pods nodes networks [windowMs] [ours|per-pod|both]} it runs one burst.
 * Prints per run: deploys, Apstra calls (counted by the emulator) in total and per endpoint, commit
 * cycles, wall time, the CPU time of the thread that talked to Apstra, the JVM's CPU time (the
 * emulator runs in the same JVM), and whether every needed port ended up tagged on the deployed
 * blueprint. Call counts are deterministic; times depend on the machine's load.
 */
public final class BurstBenchmark {

    private BurstBenchmark() {}

    /** CPU time of the whole JVM so far, in nanoseconds. */
    static long processCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /**
     * Runs the benchmark.
     *
     * @param args none for the three series, or {@code pods nodes networks [windowMs] [ours|per-pod|both]}
     * @throws InterruptedException if interrupted while waiting for a reconcile
     */
    public static void main(String[] args) throws InterruptedException {
        List<BurstScenario> runs = new ArrayList<>();
        Duration window = Duration.ofMillis(500);
        String which = "both";
        if (args.length >= 3) {
            runs.add(
                    new BurstScenario(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2])));
            if (args.length >= 4) {
                window = Duration.ofMillis(Long.parseLong(args[3]));
            }
            if (args.length >= 5) {
                which = args[4];
            }
        } else if (args.length == 0) {
            for (int pods : new int[] {100, 1000, 5000}) {
                runs.add(new BurstScenario(pods, 25, 4));
            }
            for (int nodes : new int[] {100, 250}) {
                runs.add(new BurstScenario(1000, nodes, 4));
            }
            for (int networks : new int[] {2, 8}) {
                runs.add(new BurstScenario(1000, 25, networks));
            }
        } else {
            throw new IllegalArgumentException(
                    "usage: BurstBenchmark [pods nodes networks [windowMs] [ours|per-pod|both]]");
        }
        if (!List.of("ours", "per-pod", "both").contains(which)) {
            throw new IllegalArgumentException("approach must be ours, per-pod or both, got '" + which + "'");
        }
        System.out.printf(
                Locale.ROOT,
                "JDK %s, %d CPUs, load average %.2f, coalescing window %d ms%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                window.toMillis());
        // Warm-up: JIT, class loading and the emulator's first requests, on a small burst.
        EventDrivenBurst.run(new BurstScenario(40, 10, 2), window);
        PerPodLockCommitBaseline.run(new BurstScenario(40, 10, 2));

        List<String> rows = new ArrayList<>();
        for (BurstScenario s : runs) {
            if (!which.equals("per-pod")) {
                rows.add(report(EventDrivenBurst.run(s, window)));
            }
            if (!which.equals("ours")) {
                rows.add(report(PerPodLockCommitBaseline.run(s)));
            }
        }
        System.out.println();
        System.out.println("| approach | pods | ports | networks | (port, network) pairs | deploys | Apstra calls"
                + " | lock-change-commit cycles | wall ms | thread CPU ms | JVM CPU ms | all tagged |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.printf(
                Locale.ROOT,
                "load average at the end: %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String report(Measurement m) {
        System.out.println(m.summary());
        m.burstCalls().forEach((endpoint, n) -> System.out.printf(Locale.ROOT, "    %6d  %s%n", n, endpoint));
        if (!m.converged()) {
            System.out.println("    missing: " + m.missingTags() + " extra: " + m.extraTags());
        }
        BurstScenario s = m.scenario();
        return String.format(
                Locale.ROOT,
                "| %s | %,d | %d | %d | %d | %,d | %,d | %,d | %.0f | %.0f | %.0f | %s |",
                m.approach(),
                s.pods(),
                s.distinctPorts(),
                s.networks(),
                s.expectedTags().size(),
                m.deploys(),
                m.calls(),
                m.commitCycles(),
                m.wallNanos() / 1e6,
                m.threadCpuNanos() / 1e6,
                m.processCpuNanos() / 1e6,
                m.converged() ? "yes" : "NO");
    }
}
