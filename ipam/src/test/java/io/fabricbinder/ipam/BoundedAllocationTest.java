package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Allocation finishes within a bounded number of store reads whatever the exclusions, and says
 * "exhausted" when nothing is left (issue: a {@code /30} excluding a {@code /32}, or a {@code /63}
 * excluding its first {@code /64}, made the random search walk excluded leaves one by one).
 */
class BoundedAllocationTest {

    /** A store that counts reads and fails the call that makes more than {@code limit} of them. */
    static final class ReadCountingStore implements IpPoolStore {
        final InMemoryIpPoolStore delegate = new InMemoryIpPoolStore();
        long reads;
        long limit = Long.MAX_VALUE;

        private void read() {
            if (++reads > limit) {
                throw new AssertionError("more than " + limit + " store reads in one call");
            }
        }

        @Override
        public Optional<VersionedValue> find(String key) {
            read();
            return delegate.find(key);
        }

        @Override
        public boolean commit(List<Condition> conditions, List<Mutation> mutations) {
            return delegate.commit(conditions, mutations);
        }

        @Override
        public List<VersionedValue> list(String prefix, String startAfter, int limit) {
            read();
            return delegate.list(prefix, startAfter, limit);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** Reads one allocate may take: the spec, a random leaf, the root, one node per level, twice over. */
    private static long bound(IpRange range) {
        int levels = range.compile().rootLevel + 1;
        return 8 + 4L * levels;
    }

    private static long allocateCounting(ReadCountingStore store, IpAllocator alloc, PoolSpec pool, Owner owner) {
        store.reads = 0;
        store.limit = bound(pool.ranges().get(0));
        try {
            alloc.allocate(pool, owner);
            return store.reads;
        } finally {
            store.limit = Long.MAX_VALUE;
        }
    }

    private static Owner owner(int i) {
        return new Owner("ns", "p" + i, "uid-" + i, "net1");
    }

    @Test
    void theIssuesCasesAllocateAndExhaustInBoundedReads() {
        // A /63 excluding its first /64, and a /30 excluding a /32 inside it.
        for (IpRange range : List.of(
                new IpRange("2001:db8::/63", null, null, List.of("2001:db8::/64"), null),
                new IpRange("2001:db8::/30", null, null, List.of("2001:db9::/32"), null),
                new IpRange("2001:db8::/30", null, null, List.of("2001:db8::/32", "2001:dba::/31"), null))) {
            for (long seed = 0; seed < 20; seed++) {
                ReadCountingStore store = new ReadCountingStore();
                IpAllocator alloc = IpAllocator.builder(store).randomSeed(seed).build();
                PoolSpec pool = PoolSpec.of("p", range);
                for (int i = 0; i < 20; i++) {
                    allocateCounting(store, alloc, pool, owner(i));
                }
                assertThat(alloc.list(pool)).hasSize(20);
            }
        }
        // Nearly everything excluded: the few addresses left, then exhaustion, each in bounded reads.
        IpRange sparse = new IpRange(
                "fd00::/64", null, null, List.of("fd00::/65", "fd00:0:0:0:8000::/66", "fd00::c000:0:0:0/67"), null);
        ReadCountingStore store = new ReadCountingStore();
        IpAllocator alloc = IpAllocator.builder(store).randomSeed(3).build();
        PoolSpec pool = PoolSpec.of("sparse", sparse);
        allocateCounting(store, alloc, pool, owner(0));
        assertThat(alloc.list(pool).get(0).addresses().get(0).cidr()).startsWith("fd00::e");
    }

    @Test
    void anExhaustedRangeWhoseLastChildIsPartExcludedAndPartPastTheEndSaysSoInBoundedReads() {
        // Found by the property test below (seed 1882332801421078673): offsets count from the first
        // usable address, so the excluded upper /23 reaches the range's end but not the end of the
        // last leaf, which then never counted as full.
        IpRange range = new IpRange("170.128.132.0/22", null, null, List.of("170.128.134.0/23"), null);
        ReadCountingStore store = new ReadCountingStore();
        IpAllocator alloc = IpAllocator.builder(store).randomSeed(7).build();
        PoolSpec pool = PoolSpec.of("edge", range);
        for (int i = 0; i < 511; i++) {
            allocateCounting(store, alloc, pool, owner(i));
        }
        store.reads = 0;
        store.limit = bound(range);
        assertThatThrownBy(() -> alloc.allocate(pool, owner(100_000))).isInstanceOf(PoolExhaustedException.class);
    }

    @Test
    void anyRangeWithAnyExclusionsGivesAnAddressOrExhaustionWithinBoundedReads() {
        long seed = Long.getLong("ipam.seed", new SplittableRandom().nextLong());
        System.out.println("anyRangeWithAnyExclusionsGivesAnAddressOrExhaustionWithinBoundedReads seed=" + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 60; round++) {
            IpRange range = randomRange(rnd);
            BigInteger capacity = range.compile().capacity;
            ReadCountingStore store = new ReadCountingStore();
            IpAllocator alloc =
                    IpAllocator.builder(store).randomSeed(rnd.nextLong()).build();
            PoolSpec pool = PoolSpec.of("p" + round, range);
            String what = "seed " + seed + " round " + round + " " + range;
            boolean small = capacity.compareTo(BigInteger.valueOf(700)) <= 0;
            int calls = small ? capacity.intValueExact() : 40;
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < calls; i++) {
                long reads = allocateCounting(store, alloc, pool, owner(i));
                assertThat(reads).as(what).isLessThanOrEqualTo(bound(range));
                String cidr = alloc.find(pool, owner(i))
                        .orElseThrow()
                        .addresses()
                        .get(0)
                        .cidr();
                assertThat(seen.add(cidr)).as(what + " duplicate " + cidr).isTrue();
            }
            if (small) {
                // Every usable address is out: the next call reports exhaustion, in bounded reads too.
                store.reads = 0;
                store.limit = bound(range);
                assertThatThrownBy(() -> alloc.allocate(pool, owner(100_000)))
                        .as(what)
                        .isInstanceOf(PoolExhaustedException.class);
                store.limit = Long.MAX_VALUE;
                // A release makes room again.
                alloc.release(pool, owner(0));
                assertThat(alloc.allocate(pool, owner(100_001)).addresses()).hasSize(1);
            }
        }
    }

    /**
     * A random range: IPv4 or IPv6, any prefix length, optional bounds, and exclusions that are often
     * large (whole halves, quarters, the first or last block) so that many subtrees are excluded.
     */
    private static IpRange randomRange(SplittableRandom rnd) {
        while (true) {
            boolean v6 = rnd.nextBoolean();
            int bits = v6 ? 128 : 32;
            boolean small = rnd.nextInt(3) == 0;
            int prefix = small ? bits - rnd.nextInt(2, 11) : rnd.nextInt(v6 ? 16 : 8, bits - 1);
            BigInteger size = BigInteger.ONE.shiftLeft(bits - prefix);
            BigInteger net = new BigInteger(bits, new java.util.Random(rnd.nextLong()))
                    .shiftRight(bits - prefix)
                    .shiftLeft(bits - prefix);
            List<String> exclude = new ArrayList<>();
            for (int k = rnd.nextInt(5); k > 0; k--) {
                int exPrefix = rnd.nextInt(prefix, bits + 1);
                BigInteger exSize = BigInteger.ONE.shiftLeft(bits - exPrefix);
                BigInteger blocks = size.divide(exSize);
                BigInteger which = switch (rnd.nextInt(3)) {
                    case 0 -> BigInteger.ZERO;
                    case 1 -> blocks.subtract(BigInteger.ONE);
                    default -> new BigInteger(blocks.bitLength() + 8, new java.util.Random(rnd.nextLong())).mod(blocks);
                };
                exclude.add(Addresses.format(net.add(which.multiply(exSize)), v6) + "/" + exPrefix);
            }
            try {
                IpRange r = new IpRange(Addresses.format(net, v6) + "/" + prefix, null, null, exclude, null);
                r.compile();
                return r;
            } catch (IllegalArgumentException e) {
                // nothing allocatable left (or a prefix the family cannot have): draw again
            }
        }
    }
}
