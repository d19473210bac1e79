package io.fabricbinder.core;

import static io.fabricbinder.core.Fixtures.link;
import static io.fabricbinder.core.Fixtures.nad;
import static io.fabricbinder.core.Fixtures.nodeState;
import static io.fabricbinder.core.Fixtures.pod;
import static io.fabricbinder.core.Fixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabricbinder.core.topology.TopologyLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deletion guard for every entry point: a plan that removes everything FabricBinder owns, or
 * more than the configured share, is refused and changes nothing, neither on the fabric nor in the
 * IPAM, unless bulk deletes are allowed.
 */
class DeletionGuardTest {

    static final String PF = "0000:3b:00.0";
    static final List<TopologyLink> LINKS = List.of(
            link("w1", PF, "leaf1", "xe-0/0/1"),
            link("w2", PF, "leaf1", "xe-0/0/2"),
            link("w3", PF, "leaf2", "xe-0/0/3"));

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Two networks: a on two ports (w1, w2), b on one (w3); 2 networks + 3 ports owned. */
    static List<Object> cluster() {
        return new ArrayList<>(List.of(
                nodeState("w1", PF),
                nodeState("w2", PF),
                nodeState("w3", PF),
                nad("ns", "a", 100, "10.1.0.0/24", "10.1.0.1"),
                nad("ns", "b", 200, "10.2.0.0/24", "10.2.0.1"),
                pod("ns", "a1", "w1", PF, "a"),
                pod("ns", "a2", "w2", PF, "a"),
                pod("ns", "b1", "w3", PF, "b")));
    }

    static List<Object> withoutNadA() {
        List<Object> objects = cluster();
        objects.removeIf(o -> o instanceof io.fabricbinder.core.manifest.NetworkAttachmentDefinition n
                && n.name().equals("a"));
        objects.removeIf(o ->
                o instanceof io.fabricbinder.core.manifest.Pod p && p.name().startsWith("a"));
        return objects;
    }

    static List<Object> nodesOnly() {
        List<Object> objects = cluster();
        objects.removeIf(o -> !(o instanceof io.fabricbinder.core.manifest.SriovNetworkNodeState));
        return objects;
    }

    private static FabricBinder.Builder binder(InMemoryFabricGateway fabric, AddressBook ipam) {
        return FabricBinder.builder().gateway(fabric).addressBook(ipam);
    }

    @Test
    void removingEverythingFabricBinderOwnsIsRefusedAndChangesNeitherFabricNorIpam() {
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        AddressBook ipam = AddressBook.inMemory();
        FabricBinder binder = binder(fabric, ipam).build();
        assertThat(binder.reconcile(snapshot(cluster(), LINKS)).status()).isEqualTo(ApplyResult.Status.APPLIED);
        FabricState before = fabric.readOwnedState();

        // A manifest path that reads as an empty cluster (typo, empty directory).
        ReconcileResult r = binder.reconcile(snapshot(nodesOnly(), LINKS));

        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(r.fabric().message())
                .contains("deletion guard", "everything FabricBinder owns", "2 virtual networks deleted")
                .contains("3 ports untagged", "--allow-bulk-delete", "nothing was changed");
        assertThat(r.allocated()).isEmpty();
        assertThat(r.released()).as("no IPAM change either").isEmpty();
        assertThat(fabric.readOwnedState()).isEqualTo(before);
        assertThat(binder.plan(snapshot(cluster(), LINKS)).hasChanges())
                .as("the cluster as it was still has everything, addresses included")
                .isFalse();
    }

    @Test
    void deletingOneNadOfASmallClusterGoesThrough() {
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        FabricBinder binder = binder(fabric, AddressBook.inMemory()).build();
        binder.reconcile(snapshot(cluster(), LINKS));

        ReconcileResult r = binder.reconcile(snapshot(withoutNadA(), LINKS));

        assertThat(r.status()).as(r.fabric().message()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(fabric.readOwnedState().virtualNetworks())
                .extracting(VirtualNetworkSpec::name)
                .containsExactly("ns/b");
    }

    @Test
    void allowBulkDeleteLetsTheCallerRemoveEverything() {
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        FabricBinder binder =
                binder(fabric, AddressBook.inMemory()).allowBulkDelete(true).build();
        binder.reconcile(snapshot(cluster(), LINKS));

        ReconcileResult r = binder.reconcile(snapshot(nodesOnly(), LINKS));

        assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(fabric.readOwnedState().virtualNetworks()).isEmpty();
    }

    @Test
    void removingMoreThanTheShareIsRefusedOnceItIsMoreThanTenObjects() {
        List<Object> big = new ArrayList<>();
        List<TopologyLink> links = new ArrayList<>();
        for (int n = 1; n <= 12; n++) {
            String node = "n" + n;
            big.add(nodeState(node, PF));
            links.add(link(node, PF, "leaf1", "xe-0/0/" + n));
        }
        for (int i = 0; i < 4; i++) {
            big.add(nad("ns", "net" + i, 100 + i, "10." + i + ".0.0/24", "10." + i + ".0.1"));
            for (int k = 1; k <= 3; k++) {
                int n = i * 3 + k;
                big.add(pod("ns", "p" + n, "n" + n, PF, "net" + i));
            }
        }
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        FabricBinder binder = binder(fabric, AddressBook.inMemory()).build();
        binder.reconcile(snapshot(big, links));
        // 4 networks + 12 ports = 16 owned; keeping only net3 removes 3 networks + 9 ports = 12 (75 %).
        List<Object> smaller = new ArrayList<>(big);
        smaller.removeIf(o -> o instanceof io.fabricbinder.core.manifest.NetworkAttachmentDefinition d
                && !d.name().equals("net3"));
        smaller.removeIf(o -> o instanceof io.fabricbinder.core.manifest.Pod p
                && Integer.parseInt(p.name().substring(1)) <= 9);

        ReconcileResult refused = binder.reconcile(snapshot(smaller, links));
        assertThat(refused.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(refused.fabric().message()).contains("12 of the 16 objects", "more than 50%");

        FabricBinder lenient =
                binder(fabric, AddressBook.inMemory()).maxDeleteShare(0.8).build();
        assertThat(lenient.reconcile(snapshot(smaller, links)).status()).isEqualTo(ApplyResult.Status.APPLIED);
    }

    @Test
    void theEventDrivenReconcilerHonoursTheGuardAndReportsTheRefusal() throws InterruptedException {
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        FabricBinder binder = binder(fabric, AddressBook.inMemory()).build();
        List<ReconcileResult> results = new CopyOnWriteArrayList<>();
        EventDrivenReconciler events = binder.eventDriven(scheduler, Duration.ofMillis(50), results::add);
        scheduler.execute(() -> {
            events.topology(io.fabricbinder.core.topology.Topology.of(LINKS));
            for (Object o : cluster()) {
                upsert(events, o);
            }
        });
        await(results, 1);
        assertThat(results.get(results.size() - 1).status()).isEqualTo(ApplyResult.Status.APPLIED);
        FabricState before = fabric.readOwnedState();

        int seen = results.size();
        scheduler.execute(() -> {
            events.delete("NetworkAttachmentDefinition", "ns", "a");
            events.delete("NetworkAttachmentDefinition", "ns", "b");
            events.delete("Pod", "ns", "a1");
            events.delete("Pod", "ns", "a2");
            events.delete("Pod", "ns", "b1");
        });
        await(results, seen + 1);

        ReconcileResult r = results.get(results.size() - 1);
        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(r.errors()).anySatisfy(d -> assertThat(d.message()).contains("deletion guard"));
        assertThat(fabric.readOwnedState()).isEqualTo(before);
    }

    @Test
    void theBuilderRequiresAGatewayAndAnAddressBook() {
        assertThatThrownBy(() -> FabricBinder.builder()
                        .addressBook(AddressBook.inMemory())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gateway(...) is required");
        assertThatThrownBy(() -> FabricBinder.builder()
                        .gateway(new InMemoryFabricGateway())
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("addressBook(...) is required")
                .hasMessageContaining("survive a restart");
    }

    private static void upsert(EventDrivenReconciler events, Object o) {
        if (o instanceof io.fabricbinder.core.manifest.NetworkAttachmentDefinition n) {
            events.upsert(n);
        } else if (o instanceof io.fabricbinder.core.manifest.Pod p) {
            events.upsert(p);
        } else if (o instanceof io.fabricbinder.core.manifest.SriovNetworkNodeState s) {
            events.upsert(s);
        } else {
            throw new IllegalArgumentException(String.valueOf(o));
        }
    }

    private static void await(List<ReconcileResult> results, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (results.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(results).hasSizeGreaterThanOrEqualTo(n);
    }
}
