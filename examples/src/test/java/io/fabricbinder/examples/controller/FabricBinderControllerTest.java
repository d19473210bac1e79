package io.fabricbinder.examples.controller;

import static io.fabricbinder.examples.testing.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabricbinder.cni.AgentProtocol;
import io.fabricbinder.cni.agent.CniHandler;
import io.fabricbinder.examples.testing.MockCluster;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.PoolSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against fabric8's mock API server in CRUD mode (a real kube-apiserver cannot run here). */
class FabricBinderControllerTest {
    private MockCluster cluster;
    private KubernetesClient client;
    private final List<FabricBinderController> controllers = new CopyOnWriteArrayList<>();
    private final List<KubernetesClient> otherClients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startApiServer() {
        cluster = MockCluster.start();
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        controllers.forEach(FabricBinderController::close);
        otherClients.forEach(KubernetesClient::close);
        cluster.close();
    }

    @Test
    void validObjectsReachTheListenerAndAnInvalidNadGetsAWarningEventNamingTheField() throws Exception {
        List<FabricBinderController.Change> changes = new CopyOnWriteArrayList<>();
        FabricBinderController controller = controller("replica-a", changes::add);
        controller.start();
        await(controller::isLeader, "replica-a leads");

        cluster.createAll(NAD.formatted("blue-web", 101));
        cluster.createAll(NAD.formatted("red", 5000));

        await(() -> controller.snapshot().nads().size() == 1, "blue-web in the snapshot");
        await(() -> !events("tenant-blue").isEmpty(), "an Event for red");
        Event event = events("tenant-blue").get(0);
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("NetworkAttachmentDefinition");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("red");
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getReason()).isEqualTo(FabricBinderController.REASON_INVALID);
        assertThat(event.getMessage()).startsWith("spec.config.vlan: ").contains("5000");
        assertThat(controller.snapshot().nads()).extracting(n -> n.key()).containsExactly("tenant-blue/blue-web");
        // Changes reach the listener once the replica leads with every informer synced (isActive),
        // which may come a sync-check period after it leads.
        await(
                () -> changes.stream()
                        .map(FabricBinderController.Change::type)
                        .toList()
                        .containsAll(List.of(
                                FabricBinderController.Change.Type.RESYNC,
                                FabricBinderController.Change.Type.UPSERTED)),
                "RESYNC and UPSERTED at the listener");
    }

    @Test
    void aNadThatBecomesInvalidKeepsItsLastValidVersionUntilDeleted() throws Exception {
        FabricBinderController controller = controller("replica-a", change -> {});
        controller.start();
        await(controller::isLeader, "replica-a leads");
        cluster.createAll(NAD.formatted("blue-web", 101));
        await(() -> controller.snapshot().nads().size() == 1, "blue-web in the snapshot");

        client.genericKubernetesResources("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition")
                .inNamespace("tenant-blue")
                .resource(cluster.resource(NAD.formatted("blue-web", 9999)))
                .update();
        await(() -> !events("tenant-blue").isEmpty(), "an Event for the bad update");

        assertThat(controller.snapshot().nads())
                .singleElement()
                .satisfies(n -> assertThat(n.findVlan()).contains(101));

        client.genericKubernetesResources("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition")
                .inNamespace("tenant-blue")
                .withName("blue-web")
                .delete();
        await(() -> controller.snapshot().nads().isEmpty(), "blue-web gone after deletion");
    }

    @Test
    void twoReplicasNeverBothLeadAndTheFollowerTakesOverWhenTheLeaderStops() throws Exception {
        List<String> appliedBy = new CopyOnWriteArrayList<>();
        FabricBinderController a = controller("replica-a", change -> appliedBy.add("replica-a"));
        FabricBinderController b = controller("replica-b", change -> appliedBy.add("replica-b"));
        a.start();
        b.start();
        await(() -> a.isLeader() || b.isLeader(), "a leader");
        FabricBinderController leader = a.isLeader() ? a : b;
        FabricBinderController follower = leader == a ? b : a;
        await(leader::isActive, "the leader's informers synced");
        // Several retry periods: the leader renews the Lease in each, the follower tries in each and
        // must not win. Waited for by the renewals themselves, not by a sleep.
        awaitLeaseRenewals(4);

        assertThat(a.isLeader() && b.isLeader()).isFalse();
        assertThat(follower.isLeader()).isFalse();
        assertThat(appliedBy).containsOnly(leader.identity());

        leader.close();
        await(follower::isActive, "the follower takes over (leading with a synced cache)");

        assertThat(appliedBy).contains(follower.identity());
        assertThat(client.leases()
                        .inNamespace("default")
                        .withName("fabricbinder-test")
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isEqualTo(follower.identity());
    }

    @Test
    void nothingReachesTheListenerBeforeSyncAndLosingTheApiServerPausesWithoutDeletions() throws Exception {
        cluster.createAll(NAD.formatted("blue-web", 101));
        cluster.createAll(NAD.formatted("blue-db", 102));
        List<FabricBinderController.Change> changes = new CopyOnWriteArrayList<>();
        // The controller's own client counts the requests that found no API server.
        AtomicInteger refused = new AtomicInteger();
        KubernetesClient counting = new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count-refused", new Interceptor() {
                    @Override
                    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
                        refused.incrementAndGet();
                    }
                }))
                .build();
        otherClients.add(counting);
        FabricBinderController controller = controller(counting, "replica-a", changes::add);
        controller.start();
        await(controller::isActive, "replica-a leads with a synced cache");

        // The first change is the replay of the complete cache, then RESYNC.
        assertThat(controller.isSynced()).isTrue();
        assertThat(changes)
                .extracting(FabricBinderController.Change::type)
                .startsWith(FabricBinderController.Change.Type.UPSERTED, FabricBinderController.Change.Type.UPSERTED)
                .contains(FabricBinderController.Change.Type.RESYNC);
        int before = changes.size();

        // The API server goes away: the controller pauses, and nothing looks deleted.
        cluster.server().destroy();
        await(() -> !controller.isActive(), "the controller pauses");
        assertThat(controller.isSynced()).isFalse();
        // The informers and the election keep trying (and failing) to reach it; after many such
        // attempts, still nothing may look deleted.
        int failedBefore = refused.get();
        await(() -> refused.get() >= failedBefore + 3, "three requests that found no API server");
        List<FabricBinderController.Change> after = changes.subList(before, changes.size());
        assertThat(after)
                .extracting(FabricBinderController.Change::type)
                .contains(FabricBinderController.Change.Type.PAUSED)
                .doesNotContain(FabricBinderController.Change.Type.DELETED, FabricBinderController.Change.Type.RESYNC);
        assertThat(controller.snapshot().nads()).hasSize(2);
    }

    @Test
    void ipamReclaimReleasesALeakOfAGonePodOnlyWhileLeadingAndKeepsAnExistingPodsAddress() throws Exception {
        cluster.createAll(POD.formatted("web-0", "0b6c8f2e-0000-4c1f-9d55-000000000001"));
        String webUid = client.pods()
                .inNamespace("tenant-blue")
                .withName("web-0")
                .get()
                .getMetadata()
                .getUid();
        Instant[] time = {Instant.parse("2026-12-07T10:00:00Z")};
        InstantSource clock = () -> time[0];
        InMemoryIpPoolStore store = new InMemoryIpPoolStore();
        IpAllocator allocator = IpAllocator.builder(store).clock(clock).build();
        CniHandler cni = new CniHandler(allocator, store);
        // The CNI path: web-0's ADD, and one for a pod that was deleted without its DEL.
        String web = cniAdd(cni, "web-0", webUid);
        String ghost = cniAdd(cni, "ghost-0", "0b6c8f2e-0000-4c1f-9d55-00000000dead");
        FabricBinderController controller = controller("replica-a", change -> {});
        Duration grace = Duration.ofMinutes(10);
        IpamReclaimer reclaimer = IpamReclaimer.builder(allocator, store)
                .pods(IpamReclaimer.pods(controller, client, null))
                .grace(grace)
                .clock(clock)
                .build();
        PoolSpec pool = allocator.storedPool(allocator.poolNames().get(0)).orElseThrow();

        // Not started: no Lease, no cache. Nothing is released, however old.
        time[0] = time[0].plus(grace.multipliedBy(3));
        assertThat(reclaimer.run().ran()).isFalse();
        controller.start();
        await(controller::isActiveNow, "replica-a leads with a synced cache");
        assertThat(reclaimer.run().released()).isZero(); // the ghost is first seen gone now
        time[0] = time[0].plus(grace);
        IpamReclaimer.Pass pass = reclaimer.run();

        assertThat(pass.released()).isEqualTo(1);
        assertThat(allocator.list(pool))
                .extracting(a -> a.owner().pod() + " " + a.addresses().get(0).cidr())
                .containsExactly("web-0 " + web);
        assertThat(ghost).isNotEqualTo(web);

        // web-0 is deleted and its DEL never comes: it goes too, a grace period after it was seen gone.
        client.pods().inNamespace("tenant-blue").withName("web-0").delete();
        await(() -> !Objects.requireNonNull(controller.podUids()).contains(webUid), "web-0 gone from the cache");
        assertThat(reclaimer.run().released()).isZero();
        time[0] = time[0].plus(grace);
        assertThat(reclaimer.run().released()).isEqualTo(1);
        assertThat(allocator.list(pool)).isEmpty();
        assertThat(store.list("cni/", "", 10)).isEmpty();
    }

    private static String cniAdd(CniHandler cni, String pod, String uid) throws Exception {
        Map<String, String> env = Map.of(
                "CNI_COMMAND", "ADD",
                "CNI_CONTAINERID", "sandbox-" + pod,
                "CNI_NETNS", "/run/netns/" + pod,
                "CNI_IFNAME", "net1",
                "CNI_ARGS", "K8S_POD_NAMESPACE=tenant-blue;K8S_POD_NAME=" + pod + ";K8S_POD_UID=" + uid);
        AgentProtocol.Response r = cni.handle(env, NET_CONFIG.getBytes(StandardCharsets.UTF_8));
        assertThat(r.exitCode()).isZero();
        return new ObjectMapper()
                .readTree(r.stdout())
                .path("ips")
                .path(0)
                .path("address")
                .asText();
    }

    private FabricBinderController controller(String identity, FabricBinderController.Listener listener) {
        return controller(client, identity, listener);
    }

    private FabricBinderController controller(
            KubernetesClient on, String identity, FabricBinderController.Listener listener) {
        FabricBinderController c = FabricBinderController.builder(on)
                .identity(identity)
                .leaseName("fabricbinder-test")
                .leaseTiming(Duration.ofMillis(1_500), Duration.ofMillis(1_000), Duration.ofMillis(200))
                .listener(listener)
                .syncCheckPeriod(Duration.ofMillis(100))
                .build();
        controllers.add(c);
        return c;
    }

    /** Waits until the Lease's renew time has taken {@code n} distinct values (one per renewal). */
    private void awaitLeaseRenewals(int n) throws InterruptedException {
        Set<String> renewals = new HashSet<>();
        await(
                () -> {
                    Lease lease = client.leases()
                            .inNamespace("default")
                            .withName("fabricbinder-test")
                            .get();
                    if (lease != null && lease.getSpec().getRenewTime() != null) {
                        renewals.add(lease.getSpec().getRenewTime().toString());
                    }
                    return renewals.size() >= n;
                },
                n + " renewals of the Lease");
    }

    private List<Event> events(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems();
    }

    private static final String NET_CONFIG = "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"sriov\","
            + " \"ipam\": {\"type\": \"fabricbinder-ipam\", \"subnet\": \"10.10.1.0/24\"}}";

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s, namespace: tenant-blue, uid: %s}
            spec:
              containers: [{name: app, image: example}]
            """;

    private static final String NAD = """
            apiVersion: k8s.cni.cncf.io/v1
            kind: NetworkAttachmentDefinition
            metadata:
              name: %s
              namespace: tenant-blue
              labels: {tenant: blue}
              annotations:
                fabricbinder.io/extend-to-fabric: "true"
            spec:
              config: '{"cniVersion": "1.0.0", "name": "n", "type": "sriov", "vlan": %d,
                        "ipam": {"type": "fabricbinder-ipam", "subnet": "10.10.1.0/24"}}'
            """;
}
