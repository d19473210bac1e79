package io.fabricbinder.core;

import static io.fabricbinder.core.Fixtures.link;
import static io.fabricbinder.core.Fixtures.nad;
import static io.fabricbinder.core.Fixtures.nodeState;
import static io.fabricbinder.core.Fixtures.pod;
import static io.fabricbinder.core.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The applier's order over its two seams — allocate (under the gateway's lock), fabric changes,
 * release — and that a refusal, by the deletion guard or by the gateway, changes neither the fabric
 * nor the IPAM.
 */
class ApplierTest {

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AddressBook inner = AddressBook.inMemory();
    private final InMemoryFabricGateway fabric = new InMemoryFabricGateway();

    /** Records the IPAM side effects in {@link #calls}. */
    private final AddressBook book = new AddressBook() {
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
            calls.add("allocate " + owner.pod());
            return inner.allocate(pool, owner);
        }

        @Override
        public boolean release(PoolSpec pool, Owner owner) {
            calls.add("release " + owner.pod());
            return inner.release(pool, owner);
        }
    };

    /** A gateway that records when it changes the fabric and when it runs beforeChanges. */
    private final class Recording implements FabricGateway {
        boolean refuse;

        @Override
        public FabricState readOwnedState() {
            return fabric.readOwnedState();
        }

        @Override
        public ApplyResult apply(Plan plan) {
            return apply(plan, () -> {});
        }

        @Override
        public ApplyResult apply(Plan plan, Runnable beforeChanges) {
            calls.add("lock");
            if (refuse) {
                return new ApplyResult(ApplyResult.Status.REFUSED, 0, List.of(), "held by someone else");
            }
            beforeChanges.run();
            calls.add("fabric");
            return fabric.apply(plan);
        }
    }

    private static ClusterSnapshot cluster(String... pods) {
        List<Object> objects = new java.util.ArrayList<>(List.of(
                nodeState("w1", "0000:3b:00.0"),
                nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1"),
                nad("ns", "b", 200, "10.2.0.0/24", "10.2.0.1")));
        for (String p : pods) {
            objects.add(pod("ns", p, "w1", "0000:3b:00.0", p.startsWith("a") ? "a" : "b"));
        }
        return snapshot(objects, List.of(link("w1", "0000:3b:00.0", "leaf1", "xe-0/0/1")));
    }

    @Test
    void allocatesUnderTheLockThenChangesTheFabricThenReleases() {
        Recording gateway = new Recording();
        FabricBinder binder =
                FabricBinder.builder().gateway(gateway).addressBook(book).build();
        binder.reconcile(cluster("a-0", "b-0"));
        calls.clear();

        // b-0 goes, a-1 comes: a new allocation, a fabric change (b's port untagged), a release.
        ReconcileResult r = binder.reconcile(cluster("a-0", "a-1"));

        assertThat(r.status()).as(r.fabric().message()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(calls).containsExactly("lock", "allocate a-1", "fabric", "release b-0");
        assertThat(r.allocated()).extracting(IpAllocationEntry::pod).containsExactly("ns/a-1");
        assertThat(r.released()).extracting(IpAllocationEntry::pod).containsExactly("ns/b-0");
    }

    @Test
    void aPlanWithoutFabricChangesStillAllocatesAndNeverTakesTheLock() {
        Recording gateway = new Recording();
        FabricBinder binder =
                FabricBinder.builder().gateway(gateway).addressBook(book).build();
        binder.reconcile(cluster("a-0"));
        calls.clear();

        ReconcileResult r = binder.reconcile(cluster("a-0", "a-1"));

        assertThat(r.status()).isEqualTo(ApplyResult.Status.NO_CHANGES);
        assertThat(calls).containsExactly("allocate a-1");
    }

    @Test
    void aRefusalByTheGatewayChangesNeitherTheFabricNorTheIpam() {
        Recording gateway = new Recording();
        FabricBinder binder =
                FabricBinder.builder().gateway(gateway).addressBook(book).build();
        binder.reconcile(cluster("a-0", "b-0"));
        FabricState before = fabric.readOwnedState();
        calls.clear();
        gateway.refuse = true;

        ReconcileResult r = binder.reconcile(cluster("a-0", "a-1"));

        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(calls).containsExactly("lock");
        assertThat(r.allocated()).isEmpty();
        assertThat(r.released()).isEmpty();
        assertThat(fabric.readOwnedState()).isEqualTo(before);
    }

    @Test
    void aRefusalByTheDeletionGuardTouchesNothingAtAll() {
        Recording gateway = new Recording();
        FabricBinder binder =
                FabricBinder.builder().gateway(gateway).addressBook(book).build();
        binder.reconcile(cluster("a-0", "b-0"));
        FabricState before = fabric.readOwnedState();
        calls.clear();

        // Every NAD and pod gone at once: the guard refuses before the gateway is asked.
        ReconcileResult r = binder.reconcile(snapshot(List.of(nodeState("w1", "0000:3b:00.0")), List.of()));

        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(calls).isEmpty();
        assertThat(fabric.readOwnedState()).isEqualTo(before);
    }
}
