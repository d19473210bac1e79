package io.fabricbinder.ipam.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamException;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolExhaustedException;
import io.fabricbinder.ipam.PoolSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IpPoolStore} must do. A backend's test extends this class and implements {@link
 * #newStore()}; every test here then runs against that backend. Published in the {@code
 * fabricbinder-ipam} test-jar.
 *
 * <p>Generated sequences are seeded; the seed is printed and can be fixed with {@code
 * -Dipam.seed=<n>}. {@link ReferenceStore} is the model every backend (the in-memory store too) is compared against.
 */
public abstract class IpPoolStoreContract {
    private final List<IpPoolStore> opened = Collections.synchronizedList(new ArrayList<>());

    /** A new, empty store. Each call must return an independent store (or a fresh namespace). */
    protected abstract IpPoolStore newStore();

    /** Number of operations in generated sequences; a slow backend may lower it. */
    protected int sequenceLength() {
        return 400;
    }

    /** Threads for concurrency checks. */
    protected int threads() {
        return 8;
    }

    /** A store tracked for closing after the test. */
    protected final IpPoolStore store() {
        IpPoolStore s = newStore();
        opened.add(s);
        return s;
    }

    @AfterEach
    public void closeStores() {
        synchronized (opened) {
            for (IpPoolStore s : opened) {
                s.close();
            }
            opened.clear();
        }
    }

    /** The seed for generated tests: {@code -Dipam.seed} or a fresh one; printed either way. */
    protected static long seed(String test) {
        long seed = Long.getLong("ipam.seed", new SplittableRandom().nextLong());
        System.out.println(test + " seed=" + seed + " (rerun with -Dipam.seed=" + seed + ")");
        return seed;
    }

    @Test
    public void absentKeyReadsAsEmpty() {
        IpPoolStore s = store();

        assertThat(s.find("k/absent")).isEmpty();
        assertThat(s.list("k/", "", 10)).isEmpty();
    }

    @Test
    public void putIfAbsentSucceedsOnceAndTheLoserChangesNothing() {
        IpPoolStore s = store();

        boolean first = s.commit(List.of(Condition.absent("k/a")), List.of(Mutation.put("k/a", "one")));
        boolean second = s.commit(
                List.of(Condition.absent("k/a")), List.of(Mutation.put("k/a", "two"), Mutation.put("k/b", "x")));

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(s.find("k/a")).get().extracting(VersionedValue::value).isEqualTo("one");
        assertThat(s.find("k/b")).isEmpty();
    }

    @Test
    public void everyWriteGivesAHigherVersionAlsoAcrossDeleteAndRecreate() {
        IpPoolStore s = store();

        s.commit(List.of(), List.of(Mutation.put("k/a", "1")));
        long v1 = s.find("k/a").orElseThrow().version();
        s.commit(List.of(Condition.atVersion("k/a", v1)), List.of(Mutation.put("k/a", "2")));
        long v2 = s.find("k/a").orElseThrow().version();
        s.commit(List.of(Condition.atVersion("k/a", v2)), List.of(Mutation.delete("k/a")));
        assertThat(s.find("k/a")).isEmpty();
        s.commit(List.of(Condition.absent("k/a")), List.of(Mutation.put("k/a", "3")));
        long v3 = s.find("k/a").orElseThrow().version();

        assertThat(v1).isPositive();
        assertThat(v2).isGreaterThan(v1);
        assertThat(v3).isGreaterThan(v2);
        assertThat(s.commit(List.of(Condition.atVersion("k/a", v1)), List.of(Mutation.put("k/a", "stale"))))
                .as("a recreated key must not match a version from before the delete (ABA)")
                .isFalse();
    }

    @Test
    public void aStaleConditionRejectsTheWholeCommit() {
        IpPoolStore s = store();
        s.commit(List.of(), List.of(Mutation.put("k/a", "a0"), Mutation.put("k/b", "b0")));
        long va = s.find("k/a").orElseThrow().version();
        long vb = s.find("k/b").orElseThrow().version();
        s.commit(List.of(), List.of(Mutation.put("k/b", "b1")));

        boolean ok = s.commit(
                List.of(Condition.atVersion("k/a", va), Condition.atVersion("k/b", vb)),
                List.of(Mutation.put("k/a", "a1"), Mutation.delete("k/b"), Mutation.put("k/c", "c1")));

        assertThat(ok).isFalse();
        assertThat(s.find("k/a").orElseThrow().value()).isEqualTo("a0");
        assertThat(s.find("k/b").orElseThrow().value()).isEqualTo("b1");
        assertThat(s.find("k/c")).isEmpty();
    }

    @Test
    public void allMutationsOfOneCommitGetTheSameVersion() {
        IpPoolStore s = store();

        s.commit(List.of(), List.of(Mutation.put("k/a", "1"), Mutation.put("k/b", "2")));

        assertThat(s.find("k/a").orElseThrow().version())
                .isEqualTo(s.find("k/b").orElseThrow().version());
    }

    @Test
    public void deletingAnAbsentKeyIsANoOpAndAbsentConditionOnAPresentKeyFails() {
        IpPoolStore s = store();
        s.commit(List.of(), List.of(Mutation.put("k/a", "1")));

        assertThat(s.commit(List.of(), List.of(Mutation.delete("k/none")))).isTrue();
        assertThat(s.commit(List.of(Condition.absent("k/a")), List.of(Mutation.delete("k/a"))))
                .isFalse();
        assertThat(s.find("k/a")).isPresent();
    }

    @Test
    public void listReturnsOnlyThePrefixInKeyOrderInPages() {
        IpPoolStore s = store();
        List<Mutation> puts = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            puts.add(Mutation.put(String.format(java.util.Locale.ROOT, "p/x/%03d", i), "v" + i));
        }
        puts.add(Mutation.put("p/w", "before"));
        puts.add(Mutation.put("p/y", "after"));
        puts.add(Mutation.put("p/x", "exact-prefix-key"));
        s.commit(List.of(), puts);

        List<String> keys = new ArrayList<>();
        String after = "";
        while (true) {
            List<VersionedValue> page = s.list("p/x/", after, 7);
            page.forEach(v -> keys.add(v.key()));
            if (page.size() < 7) {
                break;
            }
            after = page.get(page.size() - 1).key();
        }

        assertThat(keys).hasSize(25).isSorted().allMatch(k -> k.startsWith("p/x/"));
        assertThat(s.list("p/x/", "p/x/020", 100))
                .extracting(VersionedValue::key)
                .containsExactly("p/x/021", "p/x/022", "p/x/023", "p/x/024");
    }

    /**
     * A listed entry is the key's current value and version, also after writes that add or remove
     * no key (a store may keep a sorted index between those): overwrites with values of the same,
     * a longer and a shorter length.
     */
    @Test
    public void listReturnsTheCurrentValueAndVersionOfEveryKey() {
        IpPoolStore s = store();
        List<Mutation> puts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            puts.add(Mutation.put(String.format(java.util.Locale.ROOT, "c/%02d", i), "value-" + i));
        }
        s.commit(List.of(), puts);
        String[] values = {"VALUE-x", "a much longer value than before", "s"};

        for (int round = 0; round < 4; round++) {
            List<VersionedValue> listed = s.list("c/", "", 100);
            assertThat(listed).hasSize(30);
            for (VersionedValue v : listed) {
                assertThat(s.find(v.key())).as("round %d", round).contains(v);
            }
            for (int i = round % 2; i < 30; i += 2) {
                String key = String.format(java.util.Locale.ROOT, "c/%02d", i);
                s.commit(List.of(), List.of(Mutation.put(key, values[(i + round) % values.length] + round)));
            }
        }
        s.commit(List.of(), List.of(Mutation.delete("c/05")));
        assertThat(s.list("c/", "", 100))
                .hasSize(29)
                .allSatisfy(v -> assertThat(s.find(v.key())).contains(v));
    }

    @Test
    public void valuesRoundTripExactlyIncludingLargeAndNonAsciiOnes() {
        IpPoolStore s = store();
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            big.append(i).append(' ');
        }
        String text = "ünïcødé – ✓ " + big;

        s.commit(List.of(), List.of(Mutation.put("k/big", text), Mutation.put("k/empty", "")));

        assertThat(s.find("k/big").orElseThrow().value()).isEqualTo(text);
        assertThat(s.find("k/empty").orElseThrow().value()).isEmpty();
    }

    @Test
    public void rejectsRepeatedKeysAndEmptyMutationLists() {
        IpPoolStore s = store();

        assertThatThrownBy(() -> s.commit(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.commit(List.of(), List.of(Mutation.put("k/a", "1"), Mutation.delete("k/a"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.commit(
                        List.of(Condition.absent("k/a"), Condition.absent("k/a")), List.of(Mutation.put("k/a", "1"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void concurrentPutIfAbsentHasExactlyOneWinnerPerKey() throws Exception {
        IpPoolStore s = store();
        int keys = 50;
        AtomicInteger wins = new AtomicInteger();
        Map<String, String> winner = new ConcurrentHashMap<>();

        runConcurrently(threads(), t -> {
            for (int k = 0; k < keys; k++) {
                String key = "race/" + k;
                if (s.commit(List.of(Condition.absent(key)), List.of(Mutation.put(key, "t" + t)))) {
                    wins.incrementAndGet();
                    assertThat(winner.putIfAbsent(key, "t" + t)).isNull();
                }
            }
        });

        assertThat(wins.get()).isEqualTo(keys);
        for (Map.Entry<String, String> e : winner.entrySet()) {
            assertThat(s.find(e.getKey()).orElseThrow().value()).isEqualTo(e.getValue());
        }
    }

    @Test
    public void concurrentCompareAndSetIncrementsLoseNoUpdate() throws Exception {
        IpPoolStore s = store();
        s.commit(List.of(), List.of(Mutation.put("counter", "0")));
        int perThread = 40;

        runConcurrently(threads(), t -> {
            int done = 0;
            while (done < perThread) {
                VersionedValue v = s.find("counter").orElseThrow();
                String next = Integer.toString(Integer.parseInt(v.value()) + 1);
                if (s.commit(
                        List.of(Condition.atVersion("counter", v.version())), List.of(Mutation.put("counter", next)))) {
                    done++;
                }
            }
        });

        assertThat(s.find("counter").orElseThrow().value()).isEqualTo(Integer.toString(threads() * perThread));
    }

    @Test
    public void findHintSeesThisStoresOwnCommitsAndAnswersOnlyCommittedValues() {
        IpPoolStore s = store();
        assertThat(s.findHint("h")).isEmpty();
        assertThat(s.commit(List.of(Condition.absent("h")), List.of(Mutation.put("h", "v1"))))
                .isTrue();
        VersionedValue v1 = s.find("h").orElseThrow();
        assertThat(s.findHint("h")).contains(v1);
        assertThat(s.commit(List.of(Condition.atVersion("h", v1.version())), List.of(Mutation.put("h", "v2"))))
                .isTrue();
        VersionedValue v2 = s.find("h").orElseThrow();
        assertThat(v2.value()).isEqualTo("v2");
        assertThat(s.findHint("h")).as("a hint after this store's own write").contains(v2);
        // A failed commit on a hinted version must leave later hints usable.
        assertThat(s.commit(List.of(Condition.atVersion("h", v1.version())), List.of(Mutation.put("h", "lost"))))
                .isFalse();
        assertThat(s.findHint("h")).contains(v2);
        assertThat(s.commit(List.of(), List.of(Mutation.delete("h")))).isTrue();
        assertThat(s.findHint("h")).isEmpty();
    }

    @Test
    public void randomCommitSequencesBehaveLikeTheReferenceModel() {
        long seed = seed("randomCommitSequencesBehaveLikeTheReferenceModel");
        SplittableRandom rnd = new SplittableRandom(seed);
        IpPoolStore s = store();
        IpPoolStore model = new ReferenceStore();
        List<String> keySpace = List.of("m/a", "m/b", "m/c", "m/d", "m/e", "m/f", "n/a");
        Map<String, Long> oldSut = new HashMap<>();
        Map<String, Long> oldModel = new HashMap<>();

        for (int step = 0; step < sequenceLength(); step++) {
            List<Condition> cs = new ArrayList<>();
            List<Condition> cm = new ArrayList<>();
            Set<String> used = new HashSet<>();
            int nc = rnd.nextInt(3);
            for (int i = 0; i < nc; i++) {
                String key = keySpace.get(rnd.nextInt(keySpace.size()));
                if (!used.add(key)) {
                    continue;
                }
                int kind = rnd.nextInt(3);
                cs.add(condition(kind, key, s, oldSut));
                cm.add(condition(kind, key, model, oldModel));
            }
            List<Mutation> ms = new ArrayList<>();
            Set<String> written = new HashSet<>();
            int nm = 1 + rnd.nextInt(3);
            for (int i = 0; i < nm; i++) {
                String key = keySpace.get(rnd.nextInt(keySpace.size()));
                if (written.add(key)) {
                    ms.add(rnd.nextInt(4) == 0 ? Mutation.delete(key) : Mutation.put(key, "v" + step + "." + i));
                }
            }
            for (String key : keySpace) {
                s.find(key).ifPresent(v -> oldSut.put(key, v.version()));
                model.find(key).ifPresent(v -> oldModel.put(key, v.version()));
            }

            boolean expected = model.commit(cm, ms);
            boolean actual = s.commit(cs, ms);

            assertThat(actual)
                    .as("seed %d step %d commit %s %s", seed, step, cs, ms)
                    .isEqualTo(expected);
            for (String key : keySpace) {
                Optional<VersionedValue> now = s.find(key);
                assertThat(now.map(VersionedValue::value))
                        .as("seed %d step %d key %s", seed, step, key)
                        .isEqualTo(model.find(key).map(VersionedValue::value));
                // One store, no other writer: its hints must not be older than what it wrote and read.
                assertThat(s.findHint(key))
                        .as("seed %d step %d hint of key %s", seed, step, key)
                        .isEqualTo(now);
            }
            assertThat(s.list("m/", "", 100))
                    .extracting(VersionedValue::key)
                    .as("seed %d step %d", seed, step)
                    .isEqualTo(model.list("m/", "", 100).stream()
                            .map(VersionedValue::key)
                            .toList());
        }
        model.close();
    }

    /** kind 0: current version (or absent), 1: absent, 2: an older version seen earlier. */
    private static Condition condition(int kind, String key, IpPoolStore s, Map<String, Long> old) {
        Optional<VersionedValue> cur = s.find(key);
        if (kind == 0) {
            return cur.map(v -> Condition.atVersion(key, v.version())).orElse(Condition.absent(key));
        }
        if (kind == 1) {
            return Condition.absent(key);
        }
        Long before = old.get(key);
        if (before != null && (cur.isEmpty() || cur.get().version() != before)) {
            return Condition.atVersion(key, before);
        }
        return cur.map(v -> Condition.absent(key)).orElse(Condition.atVersion(key, 1));
    }

    @Test
    public void allocatorOnThisStoreMakesTheSameChoicesAsOnTheModel() {
        long seed = seed("allocatorOnThisStoreMakesTheSameChoicesAsOnTheModel");
        SplittableRandom rnd = new SplittableRandom(seed);
        PoolSpec pool = new PoolSpec(
                "contract",
                List.of(
                        new IpRange(
                                "10.9.0.0/23",
                                "10.9.0.10",
                                "10.9.1.200",
                                List.of("10.9.0.64/27", "10.9.1.7"),
                                "10.9.0.1"),
                        new IpRange("fd00:9::/120", null, null, List.of("fd00:9::80/121"), null)));
        IpAllocator sut = IpAllocator.builder(store()).randomSeed(seed).build();
        IpAllocator model =
                IpAllocator.builder(new ReferenceStore()).randomSeed(seed).build();
        List<Owner> owners = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            owners.add(new Owner("ns", "pod-" + i, "uid-" + i, "net1"));
        }

        for (int step = 0; step < sequenceLength(); step++) {
            Owner o = owners.get(rnd.nextInt(owners.size()));
            int op = rnd.nextInt(10);
            String expected;
            String actual;
            if (op < 6) {
                expected = outcome(() -> model.allocate(pool, o));
                actual = outcome(() -> sut.allocate(pool, o));
            } else if (op < 9) {
                expected = outcome(() -> model.release(pool, o));
                actual = outcome(() -> sut.release(pool, o));
            } else {
                expected = outcome(() -> model.find(pool, o));
                actual = outcome(() -> sut.find(pool, o));
            }
            assertThat(actual)
                    .as("seed %d step %d op %d owner %s", seed, step, op, o)
                    .isEqualTo(expected);
        }
        assertThat(sut.usage(pool)).isEqualTo(model.usage(pool));
        assertThat(sut.list(pool)).isEqualTo(model.list(pool));
    }

    private static String outcome(java.util.function.Supplier<Object> call) {
        try {
            return String.valueOf(call.get());
        } catch (PoolExhaustedException e) {
            return "exhausted " + e.rangeIndex();
        }
    }

    @Test
    public void concurrentAllocatorsNeverHandOutAnAddressTwice() throws Exception {
        IpPoolStore s = store();
        PoolSpec pool = PoolSpec.of("contract-race", IpRange.ofSubnet("10.77.0.0/26"));
        IpAllocator allocator = IpAllocator.builder(s).maxAttempts(10_000).build();
        Map<String, Owner> byAddress = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger exhausted = new AtomicInteger();
        AtomicInteger released = new AtomicInteger();
        int perThread = 12;

        runConcurrently(threads(), t -> {
            for (int i = 0; i < perThread; i++) {
                Owner o = new Owner("ns", "p" + t + "-" + i, "u" + t + "-" + i, "net1");
                try {
                    Allocation a = allocator.allocate(pool, o);
                    if (byAddress.putIfAbsent(a.addresses().get(0).cidr(), o) != null) {
                        duplicates.incrementAndGet();
                    }
                    if (i % 3 == 2) {
                        byAddress.remove(a.addresses().get(0).cidr(), o);
                        assertThat(allocator.release(pool, o)).isTrue();
                        released.incrementAndGet();
                    }
                } catch (PoolExhaustedException e) {
                    exhausted.incrementAndGet();
                }
            }
        });

        assertThat(duplicates.get()).isZero();
        assertThat(allocator.list(pool)).hasSize(byAddress.size());
        for (Allocation a : allocator.list(pool)) {
            assertThat(byAddress.get(a.addresses().get(0).cidr())).isEqualTo(a.owner());
        }
        int total = threads() * perThread;
        assertThat(byAddress.size() + released.get() + exhausted.get()).isEqualTo(total);
    }

    /**
     * Runs {@code body(threadIndex)} on {@code n} threads started together; rethrows failures.
     * Public for the concurrency tests of backends in other modules.
     */
    public static void runConcurrently(int n, ThrowingIntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                int index = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    body.accept(index);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A per-thread body that may throw. */
    @FunctionalInterface
    public interface ThrowingIntConsumer {
        /** Runs for thread {@code index}. */
        void accept(int index) throws Exception;
    }

    /** Marks {@link IpamException} as used by subclasses' assertions. */
    protected static boolean isRetryable(IpamException e) {
        return e.isRetryable();
    }
}
