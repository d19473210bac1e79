package io.fabricbinder.examples.cli;

import static io.fabricbinder.examples.testing.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.Topology;
import io.fabricbinder.core.topology.FabricBinderNode;
import io.fabricbinder.examples.node.NodeAgent;
import io.fabricbinder.examples.testing.MockCluster;
import io.fabricbinder.sriov.LldpdPair;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with real parts: lldpd in two network namespaces (a "node" and a Junos-style
 * "leaf" sending a locally assigned port id with the interface name in the description), the node
 * agent ({@code fabricbinder node-agent}) reading it through lldpcli and a sysfs fixture tree and
 * publishing to fabric8's mock API server (CRUD mode), and the controller ({@code fabricbinder
 * controller --topology-source lldp,static}) tagging the port on the Apstra emulator. Then the
 * neighbour moves to another port (the tag moves), and a static entry that disagrees with LLDP
 * turns into an error that tags nothing new. Skipped when not root or lldpd is missing.
 */
class TopologyFromNodesTest {
    @Test
    void lldpFromTheNodeTagsThatPortFollowsAMoveAndAConflictTagsNothingNew(@TempDir Path dir) throws Exception {
        assumeTrue(LldpdPair.available(), "needs root, ip, lldpd and lldpcli");
        // lldpd drops privileges to _lldpd, which must reach its control socket below this directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lldpDir = Files.createDirectory(dir.resolve("lldp"));
        Topology fabric = Topology.builder()
                .spine("spine1")
                .leaf("leaf1")
                .cable("worker-1", "ens1f0", "leaf1", "xe-0/0/12")
                .cable("worker-1", "ens1f1", "leaf1", "xe-0/0/13")
                .cable("worker-2", "ens1f0", "leaf1", "xe-0/0/10")
                .build();
        try (LldpdPair lldp = LldpdPair.start(
                        lldpDir,
                        List.of("configure system hostname worker-1", "configure lldp tx-interval 1"),
                        List.of(
                                "configure system hostname leaf1.dc1.example.com",
                                "configure lldp tx-interval 1",
                                "configure ports " + LldpdPair.B
                                        + " lldp portidsubtype local 531 description xe-0/0/12"));
                MockCluster cluster = MockCluster.start();
                ApstraEmulator apstra =
                        ApstraEmulator.builder().topology(fabric).start()) {
            KubernetesClient client = cluster.client();
            // The node's PF is the namespace's veth end, so lldpd hears the leaf on the PF's name.
            String pf = lldp.interfaceA();
            SysfsTree tree = new SysfsTree(dir).pf("0000:3b:00.0", pf, "3c:fd:fe:00:00:01", 2);
            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName("worker-1")
                            .endMetadata()
                            .build())
                    .create();
            Path kubeconfig = cluster.kubeconfig(dir);
            Path staticTopology = dir.resolve("topology.yaml");
            Files.writeString(staticTopology, """
                    links:
                      - {node: worker-2, nic: ens1f0, leaf: leaf1, port: xe-0/0/10}
                    """);

            Running agent = Running.start(
                    Map.of("NODE_NAME", "worker-1"),
                    "node-agent",
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "--sysfs-root",
                    tree.sys.toString(),
                    "--lldpcli",
                    LldpdPair.lldpcli().toString(),
                    "--lldpd-socket",
                    lldp.socketA().toString(),
                    "--interval",
                    "PT0.5S",
                    "--resync",
                    "PT1M");
            Running controller = Running.start(
                    Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", apstra.password()),
                    "controller",
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "--identity",
                    "fabricbinder-0",
                    "--topology-source",
                    "lldp,static",
                    "--topology",
                    staticTopology.toString(),
                    "--topology-refresh",
                    "PT1S",
                    "--ipam-dir",
                    dir.resolve("ipam").toString(),
                    "--window",
                    "PT0.2S",
                    "--apstra-url",
                    apstra.baseUrl().toString(),
                    "--blueprint",
                    apstra.blueprintId());
            try {
                await(
                        () -> neighbourPort(client).equals("xe-0/0/12"),
                        () -> "the agent to publish the leaf's port; published: " + published(client) + "\nagent: "
                                + agent.err() + "\nlldpd: " + lldp.logs());
                GenericKubernetesResource published = client.genericKubernetesResources(NodeAgent.RESOURCE)
                        .withName("worker-1")
                        .get();
                assertThat(published.getMetadata().getOwnerReferences())
                        .singleElement()
                        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Node"));

                await(() -> controller.out().contains("watching all namespaces"), "the controller to start");
                cluster.createAll(NAD.formatted("blue", 101));
                cluster.createAll(POD.formatted("web-1", "blue", "0000:3b:02.1"));

                await(() -> tagged(apstra).equals(List.of("leaf1 xe-0/0/12 101")), "exactly leaf1 xe-0/0/12 tagged");

                // The leaf moves the cable to another port: the next reconcile moves the tag.
                lldp.lldpcliMust(
                        lldp.socketB(),
                        "configure ports " + LldpdPair.B + " lldp portidsubtype local 532 description xe-0/0/13");
                await(
                        () -> neighbourPort(client).equals("xe-0/0/13"),
                        () -> "the agent to publish the new port; published: " + published(client));
                await(() -> tagged(apstra).equals(List.of("leaf1 xe-0/0/13 101")), "the tag moved to xe-0/0/13");

                // A static entry disagreeing with LLDP: an error naming both, nothing new tagged.
                Files.writeString(staticTopology, """
                        links:
                          - {node: worker-2, nic: ens1f0, leaf: leaf1, port: xe-0/0/10}
                          - {node: worker-1, nic: %s, leaf: leaf1, port: xe-0/0/10}
                        """.formatted(pf));
                await(
                        () -> controller.out().contains("topology error")
                                && controller.out().contains("lldp says worker-1/0000:3b:00.0 -> leaf1 xe-0/0/13")
                                && controller
                                        .out()
                                        .contains("static:topology.yaml says worker-1/" + pf + " -> leaf1 xe-0/0/10"),
                        "a conflict error naming both sources");
                cluster.createAll(NAD.formatted("red", 102));
                cluster.createAll(POD.formatted("web-2", "red", "0000:3b:02.0"));
                await(
                        () -> client.v1().events().inAnyNamespace().list().getItems().stream()
                                .anyMatch(e -> e.getInvolvedObject().getName().equals("web-2")
                                        && e.getMessage().contains("no topology link for node worker-1")),
                        "a Warning Event: the new pod's PF is unmapped");
                // The pass that reported web-2 has applied before it reported: its tags are final.
                long passes = passes(controller.out());
                assertThat(tagged(apstra))
                        .as("nothing new tagged, nothing untagged")
                        .containsExactly("leaf1 xe-0/0/13 101");
                // One more pass with the conflict still there (a NAD no pod uses causes one): still nothing.
                cluster.createAll(NAD.formatted("green", 103));
                await(() -> passes(controller.out()) > passes, "one more reconcile pass");
                assertThat(tagged(apstra))
                        .as("nothing new tagged, nothing untagged, a pass later")
                        .containsExactly("leaf1 xe-0/0/13 101");
            } finally {
                controller.stop();
                agent.stop();
            }
            assertThat(controller.code()).as(controller.err()).isZero();
            assertThat(agent.code()).as(agent.err()).isZero();
        }
    }

    private static final String NAD = """
            apiVersion: k8s.cni.cncf.io/v1
            kind: NetworkAttachmentDefinition
            metadata:
              name: %1$s
              namespace: tenant
              annotations: {fabricbinder.io/extend-to-fabric: "true"}
            spec:
              config: '{"cniVersion": "1.0.0", "name": "%1$s", "type": "sriov", "vlan": %2$d}'
            """;

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: %1$s
              namespace: tenant
              uid: uid-%1$s
              annotations:
                k8s.v1.cni.cncf.io/networks: '[{"name": "%2$s", "interface": "net1"}]'
                k8s.v1.cni.cncf.io/network-status: '[{"name": "tenant/%2$s", "interface": "net1",
                  "device-info": {"type": "pci", "version": "1.1.0",
                                  "pci": {"pci-address": "%3$s", "pf-pci-address": "0000:3b:00.0"}}}]'
            spec:
              nodeName: worker-1
              containers: [{name: app, image: registry.example/app:1}]
            status: {phase: Running}
            """;

    private static String neighbourPort(KubernetesClient client) {
        GenericKubernetesResource r = client.genericKubernetesResources(NodeAgent.RESOURCE)
                .withName("worker-1")
                .get();
        if (r == null) {
            return "";
        }
        @SuppressWarnings("unchecked")
        FabricBinderNode.Parsed p =
                FabricBinderNode.parse(client.getKubernetesSerialization().convertValue(r, Map.class));
        FabricBinderNode n = p.node();
        if (n == null || n.physicalFunctions().isEmpty()) {
            return "";
        }
        return n.physicalFunctions()
                .get(0)
                .findNeighbor()
                .map(x -> x.switchPortName().orElse(""))
                .orElse("");
    }

    private static List<String> tagged(ApstraEmulator apstra) {
        return apstra.taggedVlans(Stage.DEPLOYED).stream()
                .map((PortVlan v) -> v.leaf() + " " + v.port() + " " + v.vlanId())
                .sorted()
                .toList();
    }

    /** How many reconcile passes the controller has reported. */
    private static long passes(String controllerOut) {
        return controllerOut.lines().filter(l -> l.startsWith("reconciled: ")).count();
    }

    private static String published(KubernetesClient client) {
        GenericKubernetesResource r = client.genericKubernetesResources(NodeAgent.RESOURCE)
                .withName("worker-1")
                .get();
        return r == null ? "nothing" : client.getKubernetesSerialization().asJson(r);
    }

    /** A CLI command running on its own thread until interrupted. */
    private record Running(Thread thread, StringWriter outText, StringWriter errText, AtomicInteger exit) {
        static Running start(Map<String, String> env, String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger code = new AtomicInteger(-1);
            Thread t = new Thread(
                    () -> code.set(
                            FabricBinderCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args)),
                    args[0]);
            t.start();
            return new Running(t, out, err, code);
        }

        String out() {
            return outText.toString();
        }

        String err() {
            return errText.toString() + "\nout:\n" + outText;
        }

        int code() {
            return exit.get();
        }

        void stop() throws InterruptedException {
            thread.interrupt();
            thread.join(30_000);
        }
    }
}
