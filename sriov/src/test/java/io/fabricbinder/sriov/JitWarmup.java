package io.fabricbinder.sriov;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Warm-up for the discovery benchmark harnesses: calls the work until the JIT has gone quiet.
 *
 * <p>On a 2-vCPU machine a fixed, short warm-up leaves the C2 compiler threads busy during the
 * timed calls (20 warm-up discoveries left 1.4 s of compilation inside 60 timed ones), and their
 * work on the other vCPU slows the measured thread. This keeps calling until a window of calls
 * passed with almost no compilation, so the timed calls measure the compiled code alone; the
 * harnesses print the compilation time that still fell inside the timed phase.
 */
final class JitWarmup {
    private static final int WINDOW = 20;
    private static final long QUIET_MS = 5;

    private JitWarmup() {}

    /**
     * Runs {@code call} at least {@code minCalls} times, then until {@value #WINDOW} calls in a
     * row cost at most {@value #QUIET_MS} ms of compilation, or {@code maxCalls} were made.
     * Returns the number of calls made.
     */
    static int run(ThrowingRunnable call, int minCalls, int maxCalls) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
        int calls = 0;
        long windowStart = timed ? jit.getTotalCompilationTime() : 0;
        int inWindow = 0;
        while (calls < maxCalls) {
            call.run();
            calls++;
            inWindow++;
            if (inWindow == WINDOW) {
                long now = timed ? jit.getTotalCompilationTime() : 0;
                if (calls >= minCalls && now - windowStart <= QUIET_MS) {
                    break;
                }
                windowStart = now;
                inWindow = 0;
            }
        }
        return calls;
    }

    /** Compilation time so far, in ms; 0 where the JVM does not measure it. */
    static long compilationMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** Garbage collections so far, over every collector. */
    static long collections() {
        long n = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
