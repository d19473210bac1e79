package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabricbinder.core.topology.FabricBinderNode;
import io.fabricbinder.examples.node.NodeAgent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node agent against fabric8's mock API server (CRUD mode) and a sysfs fixture tree. */
class NodeAgentTest {

    static final String LLDP_JSON0 = """
            {"lldp":[{"interface":[{"name":"ens1f0","via":"LLDP",
              "chassis":[{"id":[{"type":"mac","value":"00:00:5e:00:53:01"}],"name":[{"value":"leaf1.dc1.example.com"}]}],
              "port":[{"id":[{"type":"local","value":"531"}],"descr":[{"value":"xe-0/0/12"}]}]}]}]}
            """;

    static KubernetesMockServer apiServer() {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), true);
        return server;
    }

    @Test
    void publishesPfsWithTheirNeighbourOwnedByTheNodeAndWritesOnlyOnChange(@TempDir Path dir) {
        SysfsTree tree = new SysfsTree(dir).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 2);
        KubernetesMockServer server = apiServer();
        server.init();
        try (KubernetesClient client = server.createClient()) {
            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName("worker-1")
                            .endMetadata()
                            .build())
                    .create();
            AtomicReference<String> lldp = new AtomicReference<>(LLDP_JSON0);
            AtomicInteger lldpReads = new AtomicInteger();
            List<String> log = new CopyOnWriteArrayList<>();
            NodeAgent agent = NodeAgent.builder(client, "worker-1")
                    .sysfsRoot(tree.sys)
                    .devicePluginConfig("""
                            {"resourceList":[{"resourceName":"leaf_vfs","selectors":{"pfNames":["ens1f0"]}}]}""")
                    .lldp(() -> {
                        lldpReads.incrementAndGet();
                        return Objects.requireNonNull(lldp.get());
                    })
                    .resync(Duration.ofHours(1))
                    .log(log::add)
                    .build();

            assertThat(agent.tick()).isTrue();

            GenericKubernetesResource obj = get(client);
            assertThat(obj.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("Node");
                assertThat(o.getName()).isEqualTo("worker-1");
                assertThat(o.getUid())
                        .isEqualTo(client.nodes()
                                .withName("worker-1")
                                .get()
                                .getMetadata()
                                .getUid());
            });
            FabricBinderNode node = parse(client, obj);
            assertThat(node.physicalFunctions()).singleElement().satisfies(pf -> {
                assertThat(pf.pciAddress()).hasToString("0000:3b:00.0");
                assertThat(pf.name()).isEqualTo("ens1f0");
                assertThat(pf.numVfs()).isEqualTo(2);
                assertThat(pf.resources()).containsExactly("intel.com/leaf_vfs");
                assertThat(pf.findNeighbor()).hasValueSatisfying(n -> {
                    assertThat(n.chassisName()).isEqualTo("leaf1.dc1.example.com");
                    assertThat(n.portId()).isEqualTo("531");
                    assertThat(n.portDescription()).isEqualTo("xe-0/0/12");
                    assertThat(n.switchPortName()).contains("xe-0/0/12");
                });
            });
            assertThat(node.observedAt()).isNotNull();
            String version = obj.getMetadata().getResourceVersion();

            // Nothing changed: nothing written.
            assertThat(agent.tick()).isTrue();
            assertThat(get(client).getMetadata().getResourceVersion()).isEqualTo(version);

            // The neighbour moves: written.
            lldp.set(LLDP_JSON0.replace("531", "532").replace("xe-0/0/12", "xe-0/0/13"));
            assertThat(agent.tick()).isTrue();
            assertThat(parse(client, get(client)).physicalFunctions().get(0).neighbor())
                    .satisfies(n -> assertThat(Objects.requireNonNull(n).portDescription())
                            .isEqualTo("xe-0/0/13"));
            assertThat(lldpReads).hasValue(3);
            assertThat(log).anyMatch(l -> l.startsWith("created FabricBinderNode worker-1"));
        } finally {
            server.destroy();
        }
    }

    @Test
    void lldpdNotRunningIsAProblemInTheStatusNotACrash(@TempDir Path dir) {
        SysfsTree tree = new SysfsTree(dir).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 1);
        NodeAgent.LldpSource lldpcli = Objects.requireNonNull(NodeAgent.lldpcli(
                LldpdPairProbe.lldpcli(), dir.resolve("no-lldpd-here.sock").toString()));
        KubernetesMockServer server = apiServer();
        server.init();
        try (KubernetesClient client = server.createClient()) {
            NodeAgent agent = NodeAgent.builder(client, "worker-1")
                    .sysfsRoot(tree.sys)
                    .lldp(lldpcli)
                    .build();

            assertThat(agent.publishOnce()).isTrue();

            FabricBinderNode node = parse(client, get(client));
            assertThat(node.physicalFunctions())
                    .singleElement()
                    .satisfies(pf -> assertThat(pf.neighbor()).isNull());
            assertThat(node.problems())
                    .singleElement()
                    .satisfies(p -> assertThat(p).startsWith("lldp: "));
        } finally {
            server.destroy();
        }
    }

    @Test
    void keepsWorkingWhileTheApiServerIsUnreachableAndPublishesWhenItReturns(@TempDir Path dir) throws Exception {
        SysfsTree tree = new SysfsTree(dir).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 1);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Config config = new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + port) // the mock server below speaks TLS
                .withTrustCerts(true)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(2_000)
                .withRequestTimeout(2_000)
                .build();
        List<String> log = new CopyOnWriteArrayList<>();
        MutableClock clock = new MutableClock();
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            NodeAgent agent = NodeAgent.builder(client, "worker-1")
                    .sysfsRoot(tree.sys)
                    .lldp(() -> LLDP_JSON0)
                    .clock(clock)
                    .log(log::add)
                    .build();

            assertThat(agent.tick()).isFalse();
            assertThat(agent.tick()).isFalse();
            assertThat(log).anyMatch(l -> l.startsWith("cannot publish FabricBinderNode worker-1 (will retry)"));

            KubernetesMockServer server = apiServer();
            server.init(InetAddress.getLoopbackAddress(), port);
            try {
                clock.now = clock.now.plusSeconds(30);
                assertThat(agent.tick()).as(String.join("\n", log)).isTrue();
                FabricBinderNode node = parse(client, get(client));
                assertThat(node.physicalFunctions()).hasSize(1);
                assertThat(node.observedAt()).isEqualTo(clock.now);
            } finally {
                server.destroy();
            }
        }
    }

    @Test
    void theCommandNeedsANodeName() {
        CliRun run = CliRun.withEnv(Map.of(), "node-agent", "--once");
        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--node-name is required");
    }

    static GenericKubernetesResource get(KubernetesClient client) {
        return Objects.requireNonNull(
                client.genericKubernetesResources(NodeAgent.RESOURCE)
                        .withName("worker-1")
                        .get(),
                "FabricBinderNode worker-1");
    }

    @SuppressWarnings("unchecked")
    static FabricBinderNode parse(KubernetesClient client, GenericKubernetesResource obj) {
        FabricBinderNode.Parsed p =
                FabricBinderNode.parse(client.getKubernetesSerialization().convertValue(obj, Map.class));
        assertThat(p.errors()).isEmpty();
        return Objects.requireNonNull(p.node(), "status");
    }

    /** Where lldpcli is, without needing lldpd to run. */
    static final class LldpdPairProbe {
        static String lldpcli() {
            return io.fabricbinder.sriov.LldpdPair.lldpcli().toString();
        }
    }

    static final class MutableClock implements java.time.InstantSource {
        Instant now = Instant.parse("2026-12-07T19:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }
    }
}
