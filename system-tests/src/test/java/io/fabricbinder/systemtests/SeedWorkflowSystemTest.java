package io.fabricbinder.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabricbinder.cni.PluginHarness;
import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.AssignedAddress;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.etcd.EtcdIpPoolStore;
import io.fabricbinder.ipam.etcd.EtcdTestCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed workflow end to end, every part a real one and each in its own process where it would be
 * in a cluster (issue 18 item 6; docs/deploy.md "System test"):
 *
 * <ul>
 *   <li>the cluster: fabric8's mock API server (CRUD mode) on HTTP on 127.0.0.1, through a kubeconfig;
 *   <li>two {@code fabricbinder controller} replicas (JVMs on examples' shaded jar, the class path the
 *       image carries) with leader election on a Lease, IPAM in a 3-member etcd (Debian's etcd-server
 *       on loopback ports picked at run time), the static topology of the example;
 *   <li>{@code fabricbinder emulator} (the Apstra emulator over real HTTP);
 *   <li>two simulated nodes ({@link SimulatedNode}), each with {@code cni-install}, a {@code
 *       fabricbinder node-agent} over the same etcd, and Debian's {@code host-device} with {@code
 *       fabricbinder-ipam} moving a veth end into a network namespace per pod;
 *   <li>the test plays kubelet and Multus: it creates the example's NADs, SriovNetworkNodeStates,
 *       VirtualNetworkRouter and pods (web-2 runs on worker-3: two nodes are simulated), runs CNI ADD
 *       per attachment and writes each pod's network-status.
 * </ul>
 *
 * <p>Then: the pods' interfaces hold unique addresses from the pools; etcd holds exactly one
 * allocation per attachment, the same address, and {@code fabricbinder plan} over the cluster's
 * objects shows it {@code unchanged} (no second allocation); the leaf ports are tagged and deployed
 * (read back with the Apstra client); the leading controller is killed with SIGKILL and the other
 * takes the Lease over and reconciles without a teardown (nothing removed, no new deploy); deleting
 * the pods (CNI DEL, then the pod objects) untags the ports and empties the pools.
 *
 * <p>Needs root and {@code ip netns} (skipped otherwise, with the reason); under CI (root) a missing
 * etcd or CNI plugin fails. Runs under failsafe after {@code package}: it needs examples' shaded jar
 * and cni's {@code target/fabricbinder-ipam}.
 */
class SeedWorkflowSystemTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "tenant-blue";
    private static final String LEASE_NS = "fabricbinder-system";
    private static final String LEASE = "fabricbinder-controller";
    private static final String FINALIZER = "systemtest.fabricbinder.io/kubelet";
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The example's pods on the two simulated nodes; web-2 moves from worker-2 to worker-3. */
    private static final Map<String, String> NODE_OF =
            Map.of("web-1", "worker-1", "web-3", "worker-1", "web-2", "worker-3", "db-1", "worker-3");
    /** The example's topology.yaml: worker-1 ens1f0 faces leaf1 xe-0/0/10, worker-3 ens1f0 leaf2 xe-0/0/12. */
    private static final Map<String, Set<String>> TAGGED = Map.of(
            "leaf1 xe-0/0/10", Set.of("10.10.1.0/24"), "leaf2 xe-0/0/12", Set.of("10.10.1.0/24", "10.10.2.0/24"));

    @TempDir
    Path dir;

    @Test
    void podsGetPoolAddressesTheFabricFollowsAControllerKilledChangesNothingDeletionCleansUp() throws Exception {
        requireRootAndNetns();
        requireHostDevice();
        Path jar = existing("fabricbinder.jar", "examples' shaded jar");
        Path pluginHome = existing("fabricbinder.ipam.home", "cni's packaged plugin directory");
        Path manifests = existing("fabricbinder.examples.manifests", "the example manifests");
        String id = HexFormat.of().formatHex(randomBytes(3));
        List<SimulatedNode> nodes = new ArrayList<>();
        try (EtcdTestCluster etcd = EtcdTestCluster.start3();
                MockApiServer api = new MockApiServer();
                Children children = new Children(jar, dir.resolve("logs"))) {
            try {
                new Run(children, etcd, api, manifests, pluginHome, id, nodes).all();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n--- process logs:" + children.tails(), e);
            } finally {
                nodes.forEach(SimulatedNode::close);
            }
        }
    }

    /** One run of the workflow, step by step. */
    private final class Run {
        private final Children children;
        private final EtcdTestCluster etcd;
        private final MockApiServer api;
        private final KubernetesClient client;
        private final Path manifests;
        private final Path pluginHome;
        private final String id;
        private final List<SimulatedNode> nodes;
        private final String endpoints;
        private final Map<String, Children.Child> controllers = new LinkedHashMap<>();
        private final Map<String, SimulatedNode.Attachment> attachments = new TreeMap<>();
        private final Map<String, PoolSpec> poolByNad = new TreeMap<>();
        private final Map<String, String> configByNad = new TreeMap<>();
        private @Nullable FabricReader fabric;
        private String apstraUser = "";
        private String apstraPassword = "";
        private String apstraUrl = "";
        private String blueprint = "";

        Run(
                Children children,
                EtcdTestCluster etcd,
                MockApiServer api,
                Path manifests,
                Path pluginHome,
                String id,
                List<SimulatedNode> nodes) {
            this.children = children;
            this.etcd = etcd;
            this.api = api;
            this.client = api.client;
            this.manifests = manifests;
            this.pluginHome = pluginHome;
            this.id = id;
            this.nodes = nodes;
            this.endpoints = String.join(",", etcd.endpoints());
        }

        void all() throws Exception {
            try {
                step("emulator", this::startEmulator);
                step("cni-install and node agents on worker-1, worker-3", this::startNodes);
                step("NADs, SriovNetworkNodeStates, VirtualNetworkRouter", this::createClusterObjects);
                step("two controllers, one Lease, two networks deployed", this::startControllers);
                step("pods, CNI ADD, network-status", this::createPodsAndAttachThem);
                step("addresses, leaf ports and plan agree", this::assertAddressesFabricAndPlanAgree);
                step("leader killed, takeover without teardown", this::killTheLeaderAndCheckTheTakeoverChangesNothing);
                step("pods deleted: ports untagged, pools empty", this::deletePodsAndCheckEverythingIsReleased);
            } finally {
                if (fabric != null) {
                    fabric.close();
                }
            }
        }

        private void startEmulator() throws Exception {
            Children.Child emulator = children.start("emulator", Map.of(), "emulator", "--port", "0");
            apstraUrl = Children.awaitLine(emulator, Pattern.compile("listening on (\\S+)"), 0, WAIT)
                    .group(1);
            apstraUser = Children.awaitLine(emulator, Pattern.compile("user:\\s+(\\S+)"), 0, WAIT)
                    .group(1);
            apstraPassword = Children.awaitLine(emulator, Pattern.compile("password:\\s+(\\S+)"), 0, WAIT)
                    .group(1);
            blueprint = Children.awaitLine(emulator, Pattern.compile("blueprint:\\s+(\\S+)"), 0, WAIT)
                    .group(1);
            fabric = new FabricReader(URI.create(apstraUrl), apstraUser, apstraPassword, blueprint);
        }

        private void startNodes() throws Exception {
            Path binDir = Files.createDirectories(dir.resolve("opt-cni-bin"));
            for (String node : List.of("worker-1", "worker-3")) {
                // link names share the host's namespace: unique per run and per node
                String linkId = id + node.charAt(node.length() - 1);
                nodes.add(SimulatedNode.start(children, node, linkId, dir, binDir, pluginHome, endpoints));
            }
        }

        private void createClusterObjects() throws Exception {
            for (String file : List.of("cluster/nads.yaml", "cluster/nodestates.yaml", "cluster/vnr.yaml")) {
                for (GenericKubernetesResource r : api.load(manifests.resolve(file))) {
                    api.create(r);
                    if (r.getKind().equals("NetworkAttachmentDefinition")) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> spec = (Map<String, Object>)
                                r.getAdditionalProperties().get("spec");
                        String config = String.valueOf(spec.get("config"));
                        JsonNode c = JSON.readTree(config);
                        @SuppressWarnings("unchecked")
                        Map<String, Object> ipam = JSON.convertValue(c.path("ipam"), Map.class);
                        String nad = r.getMetadata().getName();
                        configByNad.put(nad, config);
                        poolByNad.put(
                                nad, IpamBlock.parse(ipam).pool(c.path("name").asText()));
                    }
                }
            }
            assertThat(poolByNad).containsOnlyKeys("blue-web", "blue-db");
        }

        private void startControllers() throws Exception {
            Path kubeconfig = api.kubeconfig(dir);
            Map<String, String> env = Map.of("APSTRA_USER", apstraUser, "APSTRA_PASSWORD", apstraPassword);
            Map<String, Integer> probes = new LinkedHashMap<>();
            for (String identity : List.of("fabricbinder-0", "fabricbinder-1")) {
                int port = freePort();
                probes.put(identity, port);
                controllers.put(
                        identity,
                        children.start(
                                "controller-" + identity,
                                env,
                                "controller",
                                "--kubeconfig",
                                kubeconfig.toString(),
                                "--identity",
                                identity,
                                "--lease-namespace",
                                LEASE_NS,
                                "--topology",
                                manifests.resolve("topology.yaml").toString(),
                                "--etcd-endpoints",
                                endpoints,
                                "--apstra-url",
                                apstraUrl,
                                "--blueprint",
                                blueprint,
                                "--window",
                                "PT0.5S",
                                "--health-probe-bind-address",
                                "127.0.0.1:" + port));
            }
            // Both replicas become ready (informers synced) whether they lead or not; one holds the Lease.
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            for (Map.Entry<String, Integer> p : probes.entrySet()) {
                await(() -> readyz(http, p.getValue()) == 200, () -> p.getKey() + " /readyz to answer 200");
            }
            await(() -> controllers.containsKey(leaseHolder()), () -> "a replica to hold the Lease: " + leaseHolder());
            // The NADs and the VirtualNetworkRouter alone already give two routed networks.
            await(
                    () -> {
                        FabricReader.View v = fabric().read();
                        return v.deployed()
                                && v.vlanBySubnet().equals(Map.of("10.10.1.0/24", 101, "10.10.2.0/24", 102));
                    },
                    () -> "the two networks on the fabric, deployed: " + fabric().read());
            // ... and the leader says so on the router: `kubectl get vnr` shows READY True, Routed.
            await(() -> routerStatus().startsWith("Ready True Routed fbz"), () -> "blue-mesh Ready: " + routerStatus());
        }

        /** "Ready STATUS REASON ZONE" of the example's VirtualNetworkRouter, as the leader wrote it. */
        private String routerStatus() {
            GenericKubernetesResource vnr = client.genericKubernetesResources(
                            "fabricbinder.io/v1alpha1", "VirtualNetworkRouter")
                    .inNamespace(NS)
                    .withName("blue-mesh")
                    .get();
            Object written = vnr == null ? null : vnr.getAdditionalProperties().get("status");
            if (written == null) {
                return "no status yet";
            }
            JsonNode status = JSON.valueToTree(written);
            for (JsonNode c : status.path("conditions")) {
                if (c.path("type").asText().equals("Ready")) {
                    return "Ready " + c.path("status").asText() + " "
                            + c.path("reason").asText() + " "
                            + status.path("routingZone").asText();
                }
            }
            return "no Ready condition: " + status;
        }

        private void createPodsAndAttachThem() throws Exception {
            List<Pod> pods = new ArrayList<>();
            for (GenericKubernetesResource r : api.load(manifests.resolve("cluster/pods.yaml"))) {
                Pod pod = client.getKubernetesSerialization().convertValue(r, Pod.class);
                // Multus writes network-status after the CNI ADD; the example's holds the device-info
                // the SR-IOV device plugin handed over (which VF), kept for the annotation below.
                String example = pod.getMetadata().getAnnotations().remove("k8s.v1.cni.cncf.io/network-status");
                pod.getMetadata().getAnnotations().put("systemtest/device-info", example);
                pod.getMetadata().setUid(null);
                pod.getMetadata().setFinalizers(List.of(FINALIZER));
                pod.getSpec().setNodeName(NODE_OF.get(pod.getMetadata().getName()));
                pods.add(client.pods().inNamespace(NS).resource(pod).create());
            }
            assertThat(pods).hasSize(4);
            for (Pod pod : pods) {
                String name = pod.getMetadata().getName();
                JsonNode wanted = JSON.readTree(
                                pod.getMetadata().getAnnotations().get("k8s.v1.cni.cncf.io/networks"))
                        .path(0);
                String nad = wanted.path("name").asText();
                String ifname = wanted.path("interface").asText();
                String uid = pod.getMetadata().getUid();
                assertThat(uid).as("uid of " + name).isNotBlank();
                SimulatedNode node = node(pod.getSpec().getNodeName());
                SimulatedNode.Attachment a = node.add(NS, name, uid, ifname, configByNad.get(nad));
                attachments.put(name, a);
                writeNetworkStatus(pod, nad, a);
            }
        }

        /** What Multus writes once the delegates answered: the default network, then ours with the result's address. */
        private void writeNetworkStatus(Pod pod, String nad, SimulatedNode.Attachment a) throws IOException {
            JsonNode example = JSON.readTree(pod.getMetadata().getAnnotations().get("systemtest/device-info"));
            ArrayNode status = JSON.createArrayNode();
            ObjectNode dflt = status.addObject();
            dflt.put("name", "cbr0");
            dflt.put("interface", "eth0");
            dflt.putArray("ips").add("10.244.0." + (10 + attachments.size()));
            dflt.put("default", true);
            dflt.putObject("dns");
            ObjectNode ours = status.addObject();
            ours.put("name", NS + "/" + nad);
            ours.put("interface", a.ifname());
            ours.putArray("ips").add(a.ip());
            ours.put("mac", a.mac());
            ours.putObject("dns");
            ours.set("device-info", example.path(0).path("device-info"));
            String text = JSON.writeValueAsString(status);
            client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).edit(p -> {
                p.getMetadata().getAnnotations().remove("systemtest/device-info");
                p.getMetadata().getAnnotations().put("k8s.v1.cni.cncf.io/network-status", text);
                return p;
            });
        }

        private void assertAddressesFabricAndPlanAgree() throws Exception {
            // In each sandbox, exactly the address the plugin returned, from its NAD's range; no address twice.
            Map<String, String> addressByPod = new TreeMap<>();
            for (SimulatedNode.Attachment a : attachments.values()) {
                assertThat(node(NODE_OF.get(a.pod())).addressesInside(a))
                        .as("addresses on %s in %s", a.ifname(), a.netns())
                        .containsExactly(a.address());
                addressByPod.put(a.pod(), a.address());
            }
            assertThat(addressByPod.values()).doesNotHaveDuplicates();
            assertThat(addressByPod.get("db-1")).matches("10\\.10\\.2\\.\\d+/24");
            for (String web : List.of("web-1", "web-2", "web-3")) {
                assertThat(addressByPod.get(web)).matches("10\\.10\\.1\\.\\d+/24");
            }
            for (String a : addressByPod.values()) {
                int last = Integer.parseInt(a.substring(a.lastIndexOf('.') + 1, a.indexOf('/')));
                assertThat(last).as(a + " within rangeStart..rangeEnd").isBetween(10, 250);
            }

            // The leaf ports facing the pods' PFs carry their networks, deployed.
            await(
                    () -> {
                        FabricReader.View v = fabric().read();
                        return v.deployed() && v.taggedSubnetsByPort().equals(TAGGED);
                    },
                    () -> "the pods' leaf ports tagged and deployed: " + fabric().read());

            // etcd holds one allocation per attachment, the plugin's address (the controller found it,
            // it did not allocate a second one).
            assertThat(allocations()).isEqualTo(expectedAllocations());

            // `fabricbinder plan` over what the cluster holds now: nothing to do, every address unchanged.
            Path dump = dir.resolve("cluster-dump.yaml");
            Files.writeString(
                    dump,
                    api.dump(
                            "k8s.cni.cncf.io/v1 NetworkAttachmentDefinition",
                            "sriovnetwork.openshift.io/v1 SriovNetworkNodeState",
                            "fabricbinder.io/v1alpha1 VirtualNetworkRouter",
                            "v1 Pod"));
            String out = children.run(
                    "plan",
                    Map.of("APSTRA_USER", apstraUser, "APSTRA_PASSWORD", apstraPassword),
                    "plan",
                    "--manifests",
                    dump.toString(),
                    "--topology",
                    manifests.resolve("topology.yaml").toString(),
                    "--etcd-endpoints",
                    endpoints,
                    "--apstra-url",
                    apstraUrl,
                    "--blueprint",
                    blueprint,
                    "--output",
                    "json");
            JsonNode plan = JSON.readTree(out.substring(out.indexOf('{')));
            assertThat(plan.path("errors")).as(out).isEmpty();
            for (String section : List.of("virtualNetworks", "routingZones", "portBindings", "ipAllocations")) {
                for (JsonNode entry : plan.path(section)) {
                    assertThat(entry.path("action").asText())
                            .as(section + " " + entry)
                            .isEqualTo("unchanged");
                }
            }
            Map<String, String> planned = new TreeMap<>();
            for (JsonNode entry : plan.path("ipAllocations")) {
                planned.put(
                        entry.path("pod").asText() + " "
                                + entry.path("interface").asText(),
                        entry.path("address").asText());
            }
            Map<String, String> plugin = new TreeMap<>();
            attachments.values().forEach(a -> plugin.put(NS + "/" + a.pod() + " " + a.ifname(), a.address()));
            assertThat(planned).isEqualTo(plugin);
            assertThat(plan.path("portBindings")).hasSize(3);
        }

        private void killTheLeaderAndCheckTheTakeoverChangesNothing() throws Exception {
            FabricReader.View before = fabric().read();
            int revisions = fabric().revisions();
            Map<String, String> allocated = allocations();
            String leader = leaseHolder();
            String other = controllers.keySet().stream()
                    .filter(c -> !c.equals(leader))
                    .findFirst()
                    .orElseThrow();
            Children.Child successor = controllers.get(other);
            int linesBefore = Children.lineCount(successor);
            Children.kill9(controllers.get(leader));

            await(() -> other.equals(leaseHolder()), () -> other + " to take the Lease over; holder: " + leaseHolder());
            // The new leader's first reconcile (it reconciles nothing before it leads).
            Matcher reconciled = Children.awaitLine(
                    successor,
                    Pattern.compile("reconciled: (\\S+), .*, (\\d+) released, (\\d+) errors"),
                    linesBefore,
                    WAIT);
            assertThat(reconciled.group(2)).as(reconciled.group()).isEqualTo("0");
            assertThat(reconciled.group(3)).as(reconciled.group()).isEqualTo("0");
            FabricReader.View after = fabric().read();
            assertThat(after.vlanBySubnet()).isEqualTo(before.vlanBySubnet());
            assertThat(after.taggedSubnetsByPort()).isEqualTo(TAGGED);
            assertThat(after.deployed()).as(after.toString()).isTrue();
            assertThat(fabric().revisions()).as("deploys after the takeover").isEqualTo(revisions);
            assertThat(allocations()).isEqualTo(allocated);
            assertThat(routerStatus()).startsWith("Ready True Routed fbz");
        }

        private void deletePodsAndCheckEverythingIsReleased() throws Exception {
            // As a kubelet does: the pod turns Terminating (our finalizer holds the object), the sandbox's
            // network is torn down (CNI DEL), then the object goes.
            for (SimulatedNode.Attachment a : attachments.values()) {
                client.pods().inNamespace(NS).withName(a.pod()).delete();
                await(
                        () -> client.pods()
                                        .inNamespace(NS)
                                        .withName(a.pod())
                                        .get()
                                        .getMetadata()
                                        .getDeletionTimestamp()
                                != null,
                        () -> a.pod() + " to be terminating");
                node(NODE_OF.get(a.pod())).del(a);
                client.pods().inNamespace(NS).withName(a.pod()).edit(p -> {
                    p.getMetadata().setFinalizers(List.of());
                    return p;
                });
                await(() -> client.pods().inNamespace(NS).withName(a.pod()).get() == null, () -> a.pod() + " to go");
            }
            await(
                    () -> {
                        FabricReader.View v = fabric().read();
                        return v.deployed() && v.taggedSubnetsByPort().isEmpty();
                    },
                    () -> "every port untagged and deployed: " + fabric().read());
            // The networks stay: their NADs do.
            assertThat(fabric().read().vlanBySubnet()).isEqualTo(Map.of("10.10.1.0/24", 101, "10.10.2.0/24", 102));
            await(() -> allocations().isEmpty(), () -> "the pools to be empty: " + allocations());
        }

        /** Every allocation in the two pools, "pool owner" to addresses, read from etcd. */
        private Map<String, String> allocations() {
            try (EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                    .endpoints(etcd.endpoints())
                    .keyPrefix("fabricbinder/")
                    .build()) {
                IpAllocator allocator = IpAllocator.create(store);
                Map<String, String> out = new TreeMap<>();
                poolByNad.forEach((nad, pool) -> {
                    for (Allocation a : allocator.list(pool)) {
                        out.put(
                                nad + " " + a.owner(),
                                a.addresses().stream()
                                        .map(AssignedAddress::cidr)
                                        .toList()
                                        .toString());
                    }
                });
                return out;
            }
        }

        private Map<String, String> expectedAllocations() {
            Map<String, String> out = new TreeMap<>();
            for (SimulatedNode.Attachment a : attachments.values()) {
                String nad = a.pod().startsWith("db") ? "blue-db" : "blue-web";
                out.put(
                        nad + " " + new Owner(NS, a.pod(), a.podUid(), a.ifname()),
                        List.of(a.address()).toString());
            }
            return out;
        }

        private String leaseHolder() {
            Lease lease = client.leases().inNamespace(LEASE_NS).withName(LEASE).get();
            return lease == null || lease.getSpec() == null
                    ? "(none)"
                    : String.valueOf(lease.getSpec().getHolderIdentity());
        }

        private FabricReader fabric() {
            FabricReader f = fabric;
            if (f == null) {
                throw new IllegalStateException("the emulator is not started");
            }
            return f;
        }

        private SimulatedNode node(String name) {
            return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
        }
    }

    /** A step of the run, timed in the test's output. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void step(String what, Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        System.out.printf("system test: %-60s %6d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
    }

    private static int readyz(HttpClient http, int port) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Polls {@code condition} every 200 ms until it holds, for at most {@link #WAIT}. */
    private static void await(Check condition, Supplier<String> what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e; // not reachable yet, or mid-change: try again
            }
            if (System.nanoTime() > deadline) {
                AssertionError fail = new AssertionError("timed out after " + WAIT + " waiting for " + what.get());
                if (last != null) {
                    fail.initCause(last);
                }
                throw fail;
            }
            Thread.sleep(200);
        }
    }

    /** A condition that may throw while the system is not there yet. */
    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void requireRootAndNetns() {
        PluginHarness.Result uid = PluginHarness.exec(List.of("id", "-u"), Map.of(), "");
        assumeTrue(
                uid.exitCode() == 0 && uid.stdout().strip().equals("0"),
                "the system test creates network namespaces and veths: it needs root (CI runs as root)");
        PluginHarness.Result netns = PluginHarness.exec(List.of("ip", "netns", "list"), Map.of(), "");
        assumeTrue(netns.exitCode() == 0, "the system test needs `ip netns` (iproute2): " + netns.stderr());
    }

    private static void requireHostDevice() {
        boolean installed = Files.isExecutable(SimulatedNode.HOST_DEVICE);
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException("Debian's containernetworking-plugins are missing from /usr/lib/cni"
                    + " (apt-get install containernetworking-plugins; .ci/run installs it)");
        }
        assumeTrue(
                installed, "needs Debian's containernetworking-plugins (apt-get install containernetworking-plugins)");
    }

    private static Path existing(String property, String what) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException(what + " is missing (" + property + "=" + value + "): the system test "
                    + "runs after package, e.g. ./mvnw -B verify (or -pl system-tests -am verify)");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
