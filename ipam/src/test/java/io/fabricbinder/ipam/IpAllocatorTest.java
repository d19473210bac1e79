package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreException;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class IpAllocatorTest {
    private final InMemoryIpPoolStore store = new InMemoryIpPoolStore();
    private final IpAllocator allocator = IpAllocator.create(store);

    private static Owner owner(int i) {
        return new Owner("ns", "pod-" + i, "uid-" + i, "net1");
    }

    private static String addr(Allocation a) {
        return Addresses.format(a.addresses().get(0).address());
    }

    private List<String> allocateUntilExhausted(IpAllocator alloc, PoolSpec pool, int start) {
        List<String> out = new ArrayList<>();
        for (int i = start; ; i++) {
            try {
                out.add(addr(alloc.allocate(pool, owner(i))));
            } catch (PoolExhaustedException e) {
                assertThat(e.pool()).isEqualTo(pool.name());
                assertThat(e.getMessage()).contains(pool.name()).contains("exhausted");
                return out;
            }
        }
    }

    @Test
    void allocatesEveryUsableAddressOnceThenReportsExhaustion() {
        PoolSpec pool =
                PoolSpec.of("small", new IpRange("10.1.0.0/28", null, null, List.of("10.1.0.4/30"), "10.1.0.1"));

        List<String> got = allocateUntilExhausted(allocator, pool, 0);

        assertThat(got)
                .containsExactlyInAnyOrder(
                        "10.1.0.2",
                        "10.1.0.3",
                        "10.1.0.8",
                        "10.1.0.9",
                        "10.1.0.10",
                        "10.1.0.11",
                        "10.1.0.12",
                        "10.1.0.13",
                        "10.1.0.14");
        assertThat(allocator.usage(pool))
                .isEqualTo(new PoolUsage("small", BigInteger.valueOf(9), BigInteger.valueOf(9)));
        StoreInvariants.check(store, pool);
    }

    @Test
    void slash31GivesBothAddressesAndSlash32ItsOnlyOne() {
        PoolSpec p31 = PoolSpec.of("p31", IpRange.ofSubnet("10.2.0.0/31"));
        PoolSpec p32 = PoolSpec.of("p32", IpRange.ofSubnet("10.2.0.9/32"));
        PoolSpec p127 = PoolSpec.of("p127", IpRange.ofSubnet("fd00::/127"));

        assertThat(allocateUntilExhausted(allocator, p31, 0)).containsExactlyInAnyOrder("10.2.0.0", "10.2.0.1");
        assertThat(allocateUntilExhausted(allocator, p32, 0)).containsExactly("10.2.0.9");
        assertThat(allocateUntilExhausted(allocator, p127, 0)).containsExactlyInAnyOrder("fd00::", "fd00::1");
    }

    @Test
    void ipv6SubnetRouterAnycastIsNeverAllocated() {
        PoolSpec pool = PoolSpec.of("v6small", IpRange.ofSubnet("fd00:1::/124"));

        List<String> got = allocateUntilExhausted(allocator, pool, 0);

        assertThat(got).hasSize(15).doesNotContain("fd00:1::");
    }

    @Test
    void exclusionsAndGatewayAreNeverAllocatedAcrossSeveralBlocks() {
        IpRange range = new IpRange(
                "10.3.0.0/22",
                "10.3.0.5",
                "10.3.3.250",
                List.of("10.3.1.0/25", "10.3.2.17", "10.3.2.255", "10.3.3.128/26"),
                "10.3.0.1");
        PoolSpec pool = PoolSpec.of("excl", range);
        CompiledRange r = range.compile();

        List<String> got = allocateUntilExhausted(allocator, pool, 0);

        assertThat(got).hasSize(r.capacity.intValueExact()).doesNotHaveDuplicates();
        for (String a : got) {
            BigInteger offset = r.offsetOf(Addresses.toBigInteger(Addresses.parse(a, "a")));
            assertThat(offset).as(a).isNotNull();
            assertThat(r.isReserved(offset)).as(a).isFalse();
        }
        assertThat(got).doesNotContain("10.3.1.0", "10.3.1.127", "10.3.2.17", "10.3.2.255", "10.3.0.1", "10.3.3.130");
        StoreInvariants.check(store, pool);
    }

    @Test
    void aThreeLevelTreeFindsTheLastFreeAddressAndTheOneJustReleased() {
        // 65,536 + 300 addresses: leaves, one level of summaries, and a root at level 2.
        PoolSpec pool = PoolSpec.of("deep", new IpRange("10.0.0.0/8", "10.4.0.0", "10.5.1.43", List.of(), null));
        IpAllocator alloc = IpAllocator.builder(store).randomSeed(7).build();

        List<String> got = allocateUntilExhausted(alloc, pool, 0);

        assertThat(got).hasSize(65_536 + 300);
        assertThat(new HashSet<>(got)).hasSize(got.size());
        StoreInvariants.check(store, pool);
        assertThat(alloc.release(pool, owner(12_345))).isTrue();
        String freed = got.get(12_345);
        assertThat(addr(alloc.allocate(pool, owner(1_000_000)))).isEqualTo(freed);
        assertThatThrownBy(() -> alloc.allocate(pool, owner(1_000_001))).isInstanceOf(PoolExhaustedException.class);
        StoreInvariants.check(store, pool);
    }

    @Test
    void allocateIsIdempotentForTheSameOwner() {
        PoolSpec pool = PoolSpec.of("idem", IpRange.ofSubnet("10.4.0.0/24"));

        Allocation first = allocator.allocate(pool, owner(1));
        Allocation again = allocator.allocate(pool, owner(1));

        assertThat(again).isEqualTo(first);
        assertThat(allocator.usage(pool).allocated()).isEqualTo(1);
    }

    @Test
    void allocateReturnsTheSameAddressWhenTheFirstAnswerWasLost() {
        AtomicBoolean loseNextAnswer = new AtomicBoolean(true);
        IpPoolStore lossy = new ForwardingStore(store) {
            @Override
            public boolean commit(List<Condition> conditions, List<Mutation> mutations) {
                boolean ok = super.commit(conditions, mutations);
                if (ok && mutations.size() > 1 && loseNextAnswer.getAndSet(false)) {
                    throw new IpPoolStoreException("connection reset after commit");
                }
                return ok;
            }
        };
        IpAllocator alloc = IpAllocator.create(lossy);
        PoolSpec pool = PoolSpec.of("lost", IpRange.ofSubnet("10.5.0.0/24"));

        assertThatThrownBy(() -> alloc.allocate(pool, owner(1))).isInstanceOf(IpPoolStoreException.class);
        Allocation retried = alloc.allocate(pool, owner(1));

        assertThat(alloc.list(pool)).containsExactly(retried);
        assertThat(alloc.usage(pool).allocated()).isEqualTo(1);
    }

    @Test
    void addressesByOwnerKeyHoldsWhatListHoldsAcrossPages() {
        PoolSpec single = PoolSpec.of("bulk-v4", IpRange.ofSubnet("10.8.0.0/20"));
        PoolSpec dual =
                new PoolSpec("bulk-dual", List.of(IpRange.ofSubnet("10.9.0.0/24"), IpRange.ofSubnet("fd00:9::/64")));
        // More owners than one store page (1,000), so the read crosses pages.
        for (int i = 0; i < 1_050; i++) {
            allocator.allocate(single, owner(i));
        }
        for (int i = 0; i < 40; i++) {
            allocator.allocate(dual, owner(i));
        }
        allocator.release(single, owner(7));

        for (PoolSpec pool : List.of(single, dual)) {
            java.util.Map<String, List<java.net.InetAddress>> expected = new java.util.LinkedHashMap<>();
            for (Allocation a : allocator.list(pool)) {
                expected.put(
                        a.owner().key(),
                        a.addresses().stream().map(AssignedAddress::address).toList());
            }
            java.util.Map<String, List<java.net.InetAddress>> got = allocator.addressesByOwnerKey(pool);

            assertThat(got).as(pool.name()).containsExactlyEntriesOf(expected);
            assertThat(List.copyOf(got.keySet())).isSorted();
            for (String key : got.keySet()) {
                assertThat(Owner.fromKey(key).key()).isEqualTo(key);
            }
        }
        assertThat(allocator.addressesByOwnerKey(single)).hasSize(1_049).doesNotContainKey(owner(7).key());
        assertThat(allocator.addressesByOwnerKey(dual).get(owner(3).key()))
                .hasSize(2)
                .satisfies(
                        c -> assertThat(IpPrefix.parse("10.9.0.0/24").contains(c.get(0)))
                                .isTrue(),
                        c -> assertThat(IpPrefix.parse("fd00:9::/64").contains(c.get(1)))
                                .isTrue());
        assertThat(allocator.addressesByOwnerKey(PoolSpec.of("bulk-empty", IpRange.ofSubnet("10.10.0.0/24"))))
                .isEmpty();
    }

    @Test
    void addressesByOwnerKeyRejectsRecordsThatDoNotMatchThePoolsRanges() {
        PoolSpec dual = new PoolSpec(
                "bulk-mismatch", List.of(IpRange.ofSubnet("10.11.0.0/24"), IpRange.ofSubnet("fd00:b::/64")));
        allocator.allocate(dual, owner(1));
        PoolSpec sameNameOneRange = PoolSpec.of("bulk-mismatch", IpRange.ofSubnet("10.11.0.0/24"));

        assertThatThrownBy(() -> allocator.addressesByOwnerKey(sameNameOneRange))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bulk-mismatch")
                .hasMessageContaining(owner(1).key());
    }

    @Test
    void ownerKeysRoundTrip() {
        Owner o = new Owner("team-a", "web-0", "0b6c8f2e-5a8e", "net1");

        assertThat(o.key()).isEqualTo("team-a/web-0/0b6c8f2e-5a8e/net1");
        assertThat(Owner.fromKey(o.key())).isEqualTo(o);
        assertThatThrownBy(() -> Owner.fromKey("a/b/c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Owner.fromKey("a/b/c/d/e")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Owner.fromKey("a//c/d")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void releaseIsIdempotentAndNeverFreesAnAddressNowHeldBySomeoneElse() {
        PoolSpec pool = PoolSpec.of("one", IpRange.ofSubnet("10.6.0.1/32"));
        allocator.allocate(pool, owner(1));

        assertThat(allocator.release(pool, owner(1))).isTrue();
        Allocation b = allocator.allocate(pool, owner(2));
        boolean again = allocator.release(pool, owner(1));

        assertThat(again).isFalse();
        assertThat(allocator.find(pool, owner(2))).contains(b);
        assertThat(allocator.release(pool, owner(99))).isFalse();
        assertThatThrownBy(() -> allocator.allocate(pool, owner(3))).isInstanceOf(PoolExhaustedException.class);
    }

    @Test
    void dualStackIsAllOrNothing() {
        PoolSpec pool = new PoolSpec("dual", List.of(IpRange.ofSubnet("10.7.0.0/30"), IpRange.ofSubnet("fd00:7::/64")));

        Allocation a = allocator.allocate(pool, owner(1));
        allocator.allocate(pool, owner(2));
        Throwable third = org.assertj.core.api.Assertions.catchThrowable(() -> allocator.allocate(pool, owner(3)));

        assertThat(a.addresses()).hasSize(2);
        assertThat(a.addresses().get(0).address()).isInstanceOf(java.net.Inet4Address.class);
        assertThat(a.addresses().get(1).address()).isInstanceOf(java.net.Inet6Address.class);
        assertThat(a.addresses().get(1).prefixLength()).isEqualTo(64);
        assertThat(third)
                .isInstanceOfSatisfying(
                        PoolExhaustedException.class,
                        e -> assertThat(e.rangeIndex()).isZero());
        assertThat(allocator.find(pool, owner(3))).isEmpty();
        assertThat(store.list("ipam/dual/addr/fd00", "", 100)).hasSize(2);
        StoreInvariants.check(store, pool);
    }

    @Test
    void slash64OffsetsAboveTwoToTheSixtyThirdAreExact() {
        PoolSpec high = PoolSpec.of(
                "high",
                new IpRange(
                        "fd00:64::/64",
                        "fd00:64::8000:0:0:5",
                        "fd00:64::8000:0:0:9",
                        List.of("fd00:64::8000:0:0:7"),
                        null));
        PoolSpec top =
                PoolSpec.of("top", new IpRange("fd00:65::/64", "fd00:65::ffff:ffff:ffff:fffd", null, List.of(), null));

        assertThat(allocateUntilExhausted(allocator, high, 0))
                .containsExactlyInAnyOrder(
                        "fd00:64::8000:0:0:5", "fd00:64::8000:0:0:6", "fd00:64::8000:0:0:8", "fd00:64::8000:0:0:9");
        assertThat(allocateUntilExhausted(allocator, top, 0))
                .containsExactlyInAnyOrder(
                        "fd00:65::ffff:ffff:ffff:fffd", "fd00:65::ffff:ffff:ffff:fffe", "fd00:65::ffff:ffff:ffff:ffff");
    }

    @Test
    void hugeRangesAllocateInsideTheRangeWithoutScanning() {
        PoolSpec all = PoolSpec.of("all", IpRange.ofSubnet("::/0"));
        PoolSpec slash64 = PoolSpec.of("s64", IpRange.ofSubnet("fd00:66::/64"));
        BigInteger base = Addresses.toBigInteger(Addresses.parse("fd00:66::", "a"));

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(addr(allocator.allocate(all, owner(i))));
            Allocation a = allocator.allocate(slash64, owner(i));
            BigInteger v = Addresses.toBigInteger(a.addresses().get(0).address().getAddress());
            assertThat(v.subtract(base).bitLength()).isLessThanOrEqualTo(64);
            assertThat(v).isNotEqualTo(base);
        }

        assertThat(seen).hasSize(2000);
        assertThat(allocator.usage(all).capacity())
                .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
        // One leaf per allocation at most: nothing proportional to the range was written.
        assertThat(store.list("ipam/s64/r0/n", "", 100_000).size()).isLessThanOrEqualTo(2000 + 8);
    }

    @Test
    void releasedAddressesRestDuringTheCooldown() {
        MutableClock clock = new MutableClock();
        IpAllocator alloc = IpAllocator.builder(store)
                .clock(clock)
                .reuseCooldown(Duration.ofSeconds(30))
                .build();
        PoolSpec pool = PoolSpec.of("cool", IpRange.ofSubnet("10.8.0.0/30"));
        String a = addr(alloc.allocate(pool, owner(1)));
        alloc.allocate(pool, owner(2));
        alloc.release(pool, owner(1));

        assertThatThrownBy(() -> alloc.allocate(pool, owner(3)))
                .isInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("cooldown");
        clock.advance(Duration.ofSeconds(31));

        assertThat(addr(alloc.allocate(pool, owner(3)))).isEqualTo(a);
    }

    @Test
    void poolsWithOverlappingSubnetsAreIndependent() {
        PoolSpec red = PoolSpec.of("red", IpRange.ofSubnet("10.9.0.0/30"));
        PoolSpec blue = PoolSpec.of("blue", IpRange.ofSubnet("10.9.0.0/30"));

        List<String> r = allocateUntilExhausted(allocator, red, 0);
        List<String> b = allocateUntilExhausted(allocator, blue, 0);

        assertThat(r).containsExactlyInAnyOrder("10.9.0.1", "10.9.0.2");
        assertThat(b).containsExactlyInAnyOrder("10.9.0.1", "10.9.0.2");
    }

    @Test
    void aPoolInUseCannotChangeItsRanges() {
        allocator.allocate(PoolSpec.of("fixed", IpRange.ofSubnet("10.10.0.0/24")), owner(1));

        assertThatThrownBy(() -> IpAllocator.create(store)
                        .allocate(PoolSpec.of("fixed", IpRange.ofSubnet("10.10.0.0/23")), owner(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool fixed is stored with ranges");
    }

    @Test
    void generatedOperationSequencesKeepTheStoreConsistent() {
        long seed = Long.getLong("ipam.seed", new SplittableRandom().nextLong());
        System.out.println("generatedOperationSequencesKeepTheStoreConsistent seed=" + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        PoolSpec pool = new PoolSpec(
                "gen",
                List.of(
                        new IpRange("10.11.0.0/22", null, "10.11.2.10", List.of("10.11.1.0/26"), "10.11.0.1"),
                        new IpRange("fd00:11::/118", null, null, List.of("fd00:11::100/120"), null)));
        IpAllocator alloc = IpAllocator.builder(store).randomSeed(seed).build();
        java.util.Map<Owner, Allocation> model = new java.util.HashMap<>();
        for (int step = 0; step < 3000; step++) {
            Owner o = owner(rnd.nextInt(700));
            if (rnd.nextInt(3) > 0) {
                try {
                    Allocation a = alloc.allocate(pool, o);
                    Allocation before = model.putIfAbsent(o, a);
                    assertThat(before == null ? a : before)
                            .as("seed %d step %d", seed, step)
                            .isEqualTo(a);
                } catch (PoolExhaustedException e) {
                    assertThat(model).as("seed %d step %d", seed, step).doesNotContainKey(o);
                }
            } else {
                assertThat(alloc.release(pool, o))
                        .as("seed %d step %d", seed, step)
                        .isEqualTo(model.remove(o) != null);
            }
            if (step % 500 == 0) {
                StoreInvariants.check(store, pool);
            }
        }
        StoreInvariants.check(store, pool);
        assertThat(alloc.list(pool)).containsExactlyInAnyOrderElementsOf(model.values());
    }

    @Test
    void manyThreadsNeverShareAnAddressAndTheStoreStaysConsistent() throws Exception {
        PoolSpec pool =
                new PoolSpec("threads", List.of(IpRange.ofSubnet("10.12.0.0/23"), IpRange.ofSubnet("fd00:12::/120")));
        IpAllocator alloc = IpAllocator.builder(store).maxAttempts(100_000).build();
        java.util.Map<String, Owner> holders = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger dup = new java.util.concurrent.atomic.AtomicInteger();

        Thread[] threads = new Thread[16];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    Owner o = new Owner("ns", "p" + id + "-" + i, "u" + id + "-" + i, "net1");
                    try {
                        Allocation a = alloc.allocate(pool, o);
                        for (AssignedAddress x : a.addresses()) {
                            if (holders.putIfAbsent(x.cidr(), o) != null) {
                                dup.incrementAndGet();
                            }
                        }
                        if (i % 2 == 0) {
                            for (AssignedAddress x : a.addresses()) {
                                holders.remove(x.cidr(), o);
                            }
                            alloc.release(pool, o);
                        }
                    } catch (PoolExhaustedException e) {
                        // a full pool is an expected outcome here
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }

        assertThat(dup.get()).isZero();
        StoreInvariants.check(store, pool);
        assertThat(alloc.list(pool)).hasSize(holders.size() / 2);
    }

    @Test
    void storedPoolsAreListedAndReadBackExactlyAsAllocatedFrom() {
        PoolSpec v4 = PoolSpec.of(
                "a-net",
                new IpRange(
                        "10.20.0.0/16",
                        "10.20.1.0",
                        "10.20.255.254",
                        List.of("10.20.7.0/24", "10.20.9.9", "10.20.9.10", "10.20.12.3/32"),
                        "10.20.0.1"));
        PoolSpec dual = new PoolSpec(
                "a",
                List.of(
                        new IpRange("10.30.0.0/24", null, null, List.of("10.30.0.5"), "10.30.0.2"),
                        new IpRange("fd00:30::/64", "fd00:30::10", null, List.of("fd00:30::20/126"), "fd00:30::1")));
        PoolSpec tiny = PoolSpec.of("a0", IpRange.ofSubnet("192.168.9.0/31"));
        for (PoolSpec p : List.of(v4, dual, tiny)) {
            allocator.allocate(p, owner(1));
            allocator.allocate(p, owner(2));
        }

        assertThat(allocator.poolNames()).containsExactlyInAnyOrder("a", "a-net", "a0");
        for (PoolSpec p : List.of(v4, dual, tiny)) {
            PoolSpec back = allocator.storedPool(p.name()).orElseThrow();
            // The same pool: reading, releasing and allocating through it work on the stored one.
            assertThat(IpAllocator.create(store).find(back, owner(1))).isEqualTo(allocator.find(p, owner(1)));
            assertThat(IpAllocator.create(store).release(back, owner(2))).isTrue();
            assertThat(allocator.find(p, owner(2))).isEmpty();
        }
        assertThat(allocator.storedPool("nothing-here")).isEmpty();
        StoreInvariants.check(store, v4);
    }

    @Test
    void reclaimReleasesOnlyOldAllocationsOfGoneOwners() {
        MutableClock clock = new MutableClock();
        IpAllocator alloc = IpAllocator.builder(store).clock(clock).build();
        PoolSpec pool = PoolSpec.of("gc", IpRange.ofSubnet("10.13.0.0/24"));
        for (int i = 0; i < 4; i++) {
            alloc.allocate(pool, owner(i));
        }
        Set<Owner> live = Set.of(owner(0));
        LiveOwners source = new LiveOwners() {
            @Override
            public Predicate<Owner> snapshot() {
                return live::contains;
            }

            @Override
            public boolean isLive(Owner o) {
                return o.equals(owner(3)); // appeared since the snapshot
            }
        };

        ReclaimReport young = alloc.reclaim(pool, source, Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(6));
        ReclaimReport old = alloc.reclaim(pool, source, Duration.ofMinutes(5));

        assertThat(young.released()).isEmpty();
        assertThat(young.keptYoung()).isEqualTo(3);
        assertThat(old.released()).containsExactlyInAnyOrder(owner(1), owner(2));
        assertThat(old.keptOnRecheck()).isEqualTo(1);
        assertThat(alloc.list(pool)).extracting(Allocation::owner).containsExactlyInAnyOrder(owner(0), owner(3));
    }

    @Test
    void reclaimNeverReleasesAnAllocationMadeAfterItsListing() {
        MutableClock clock = new MutableClock();
        IpAllocator alloc = IpAllocator.builder(store).clock(clock).build();
        PoolSpec pool = PoolSpec.of("gc-race", IpRange.ofSubnet("10.14.0.0/24"));
        alloc.allocate(pool, owner(1));
        alloc.allocate(pool, owner(2));
        clock.advance(Duration.ofHours(1));
        LiveOwners racing = new LiveOwners() {
            @Override
            public Predicate<Owner> snapshot() {
                // A new pod allocates between the reconciler's listing and its snapshot.
                alloc.allocate(pool, owner(3));
                return o -> false;
            }

            @Override
            public boolean isLive(Owner o) {
                if (o.equals(owner(2))) {
                    // owner 2 is released and allocated again while the reconciler looks away
                    alloc.release(pool, o);
                    alloc.allocate(pool, o);
                }
                return false;
            }
        };

        ReclaimReport report = alloc.reclaim(pool, racing, Duration.ZERO);

        assertThat(report.released()).containsExactly(owner(1));
        assertThat(report.skippedChanged()).isEqualTo(1);
        assertThat(alloc.find(pool, owner(2))).isPresent();
        assertThat(alloc.find(pool, owner(3))).isPresent();
    }

    /**
     * A store whose {@link IpPoolStore#findHint} answers every key with the first answer it ever
     * gave for it (or, once frozen, with a snapshot): hints as stale as they can get.
     */
    static final class StaleHintStore extends ForwardingStore {
        private final java.util.Map<String, Optional<VersionedValue>> first = new java.util.HashMap<>();
        int hintReads;

        StaleHintStore(IpPoolStore delegate) {
            super(delegate);
        }

        @Override
        public synchronized Optional<VersionedValue> findHint(String key) {
            hintReads++;
            return first.computeIfAbsent(key, this::find);
        }

        /** From now on, hints answer what {@link #find} answers now. */
        synchronized void snapshot(List<String> keys) {
            first.clear();
            for (String k : keys) {
                first.put(k, find(k));
            }
        }
    }

    @Test
    void staleHintsOnlyCostARetryNeverADuplicateOrAFalseExhaustion() {
        StaleHintStore stale = new StaleHintStore(store);
        IpAllocator alloc = IpAllocator.builder(stale).randomSeed(11).build();
        PoolSpec pool = PoolSpec.of("stale", IpRange.ofSubnet("10.7.0.0/28"));

        // Every hint shows the empty pool: each first attempt picks a taken address, its commit
        // fails on the leaf's version, and the linearizable second attempt succeeds.
        List<String> got = allocateUntilExhausted(alloc, pool, 0);

        assertThat(stale.hintReads).isPositive();
        assertThat(got).doesNotHaveDuplicates().hasSize(14);
        StoreInvariants.check(store, pool);

        // Now the hints show a full pool while one address is free again: the allocator must
        // confirm "full" with linearizable reads and find the freed address.
        List<String> keys =
                store.list("", "", 1000).stream().map(VersionedValue::key).toList();
        stale.snapshot(keys);
        assertThat(alloc.release(pool, owner(5))).isTrue();
        Allocation again = alloc.allocate(pool, owner(100));
        assertThat(addr(again)).isEqualTo(got.get(5));
        StoreInvariants.check(store, pool);
    }

    /** Delegates everything; tests override one method to inject a fault. */
    static class ForwardingStore implements IpPoolStore {
        private final IpPoolStore delegate;

        ForwardingStore(IpPoolStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<VersionedValue> find(String key) {
            return delegate.find(key);
        }

        @Override
        public boolean commit(List<Condition> conditions, List<Mutation> mutations) {
            return delegate.commit(conditions, mutations);
        }

        @Override
        public List<VersionedValue> list(String prefix, String startAfter, int limit) {
            return delegate.list(prefix, startAfter, limit);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
