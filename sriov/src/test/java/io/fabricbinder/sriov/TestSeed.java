package io.fabricbinder.sriov;

/**
 * Seeds of the seeded property tests: {@code -Dfabricbinder.seed=<n>} replays a run, otherwise a
 * fresh seed is drawn. Every seed is printed with the command line that replays it.
 */
final class TestSeed {
    private TestSeed() {}

    /** The seed of {@code test}: {@code -Dfabricbinder.seed} or a fresh one; printed. */
    static long announce(String test) {
        long seed = Long.getLong("fabricbinder.seed", System.nanoTime());
        System.out.println(test + " seed " + seed + " (rerun with -Dfabricbinder.seed=" + seed + ")");
        return seed;
    }
}
