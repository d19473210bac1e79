package io.fabricbinder.core;

import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Seeds of the seeded property tests: {@code -Dfabricbinder.seed=<n>} replays a run, otherwise a
 * fresh seed is drawn. Every seed is printed with the command line that replays it.
 */
public final class TestSeed {
    private TestSeed() {}

    /** The seed of {@code test}: {@code -Dfabricbinder.seed} or a fresh one; printed. */
    public static long announce(String test) {
        long seed = Long.getLong("fabricbinder.seed", System.nanoTime());
        System.out.println(test + " seed " + seed + " (rerun with -Dfabricbinder.seed=" + seed + ")");
        return seed;
    }

    /**
     * Runs {@code check} {@code runs} times, each with its own seed drawn from {@code testSeed}; a
     * failure names that seed, the run and the test seed.
     *
     * @param what what each run's seed generates, for the failure message ("cluster", "event")
     */
    static void forEachRun(long testSeed, int runs, String what, LongConsumer check) {
        SplittableRandom seeds = new SplittableRandom(testSeed);
        for (int run = 0; run < runs; run++) {
            long seed = seeds.nextLong();
            try {
                check.accept(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "failed for " + what + " seed " + seed + " (run " + run + ", test seed " + testSeed + ")", e);
            }
        }
    }
}
