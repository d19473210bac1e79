package io.fabricbinder.apstra.emulator;

import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark harness (not a unit test): emulator startup time and the time for 1,000 sequential VN
 * create calls over real HTTP with the JDK client. Run it in a fresh JVM (see
 * docs/performance.md, "Apstra emulator").
 */
public final class EmulatorBenchmark {
    private EmulatorBenchmark() {}

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0L;
    }

    public static void main(String[] args) {
        System.out.println("cores " + Runtime.getRuntime().availableProcessors() + ", load average "
                + java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        int vns = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;

        long t0 = System.nanoTime();
        ApstraEmulator cold = ApstraEmulator.start();
        long coldStart = System.nanoTime() - t0;
        Http.Resp first = new Http(cold).get("/api/versions/api");
        long coldFirstResponse = System.nanoTime() - t0;
        if (first.status() != 200) {
            throw new IllegalStateException("version call failed: " + first.status());
        }
        cold.close();

        long[] warm = new long[10];
        for (int i = 0; i < warm.length; i++) {
            long s = System.nanoTime();
            ApstraEmulator e = ApstraEmulator.start();
            warm[i] = System.nanoTime() - s;
            e.close();
        }
        Arrays.sort(warm);
        System.out.printf(
                Locale.ROOT,
                "startup: cold %.1f ms to start() (first in JVM), %.1f ms to first response; warm median %.1f ms, max %.1f ms%n",
                coldStart / 1e6,
                coldFirstResponse / 1e6,
                warm[warm.length / 2] / 1e6,
                warm[warm.length - 1] / 1e6);

        double[] totals = new double[rounds];
        double[] cpu = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            try (ApstraEmulator emulator = ApstraEmulator.start()) {
                Http h = Http.loggedIn(emulator);
                String zone = h.createZone("bench");
                String leaf = emulator.systemId("leaf1");
                long cpu0 = processCpuNanos();
                long s = System.nanoTime();
                for (int i = 0; i < vns; i++) {
                    Http.Resp r =
                            h.post(h.bp + "/virtual-networks?async=full", Http.vnBody("vn-" + i, zone, leaf, 2 + i));
                    if (r.status() != 202) {
                        throw new IllegalStateException("create " + i + " failed: " + r.status() + " " + r.body());
                    }
                }
                totals[round] = (System.nanoTime() - s) / 1e6;
                cpu[round] = (processCpuNanos() - cpu0) / 1e6;
                if (emulator.virtualNetworks(Stage.STAGING).size() != vns) {
                    throw new IllegalStateException("expected " + vns + " VNs");
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "round %d: %d VN creates in %.0f ms wall, %.0f ms process CPU (client + server)%n",
                    round + 1,
                    vns,
                    totals[round],
                    cpu[round]);
        }
        Arrays.sort(totals);
        System.out.printf(
                Locale.ROOT,
                "%d VN creates (POST ?async=full, sequential, one client): best %.0f ms, median %.0f ms, worst %.0f ms%n",
                vns,
                totals[0],
                totals[rounds / 2],
                totals[rounds - 1]);
    }
}
