package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The planner's bulk read ({@link AddressBook#allocationsByOwnerKey}): the ipam-backed book and the
 * default method of a book that implements only the required methods give the same plans. The seed
 * is printed; rerun one with {@code -Dfabricbinder.seed=<seed>}.
 */
class AddressBookTest {

    private static final long SEED = TestSeed.announce("AddressBookTest");

    /** A book that implements only the abstract methods, so the planner uses the default bulk read. */
    private record Minimal(AddressBook inner) implements AddressBook {
        @Override
        public Map<Owner, List<InetAddress>> allocations(PoolSpec pool) {
            return inner.allocations(pool);
        }

        @Override
        public BigInteger capacity(PoolSpec pool) {
            return inner.capacity(pool);
        }

        @Override
        public List<InetAddress> allocate(PoolSpec pool, Owner owner) {
            return inner.allocate(pool, owner);
        }

        @Override
        public boolean release(PoolSpec pool, Owner owner) {
            return inner.release(pool, owner);
        }
    }

    @Test
    void defaultBulkReadMatchesTheAllocatorsAndPlansTheSame() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int run = 0; run < 10; run++) {
            ClusterGenerator g = new ClusterGenerator(1 + r.nextInt(20), 1 + r.nextInt(10), 1 + r.nextInt(60));
            ClusterSnapshot snap = g.generate(r);
            InMemoryFabricGateway fabric = new InMemoryFabricGateway();
            AddressBook book = AddressBook.inMemory();
            FabricBinder binder =
                    FabricBinder.builder().gateway(fabric).addressBook(book).build();
            FabricBinder viaDefault = FabricBinder.builder()
                    .gateway(fabric)
                    .addressBook(new Minimal(book))
                    .build();
            binder.apply(binder.plan(snap));
            ClusterSnapshot churned = ClusterGenerator.churn(snap, r, g);

            Plan plan = binder.plan(churned);
            Plan other = viaDefault.plan(churned);

            assertThat(other).as("seed %d run %d", SEED, run).isEqualTo(plan);
            assertThat(other.toJson()).isEqualTo(plan.toJson());
            for (PoolSpec pool : plan.pools().values()) {
                Map<String, List<InetAddress>> byKey = book.allocationsByOwnerKey(pool);
                assertThat(new Minimal(book).allocationsByOwnerKey(pool)).containsExactlyEntriesOf(byKey);
                book.allocations(pool)
                        .forEach((owner, addresses) -> assertThat(byKey.get(owner.key()))
                                .as("%s in %s", owner, pool.name())
                                .isEqualTo(addresses));
                assertThat(byKey).hasSameSizeAs(book.allocations(pool));
            }
        }
    }
}
