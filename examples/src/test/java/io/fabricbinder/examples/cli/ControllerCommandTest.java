package io.fabricbinder.examples.cli;

import static io.fabricbinder.examples.testing.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.examples.testing.MockCluster;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerCommandTest {
    @Test
    void eachReplicaNeedsAnIdentity() {
        CliRun run = CliRun.withEnv(Map.of(), "controller", "--topology", PlanCommandTest.TOPOLOGY.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--identity is required");
    }

    @Test
    void aNegativeReclaimGraceIsAnInputError() {
        CliRun run = CliRun.withEnv(
                Map.of(),
                "controller",
                "--identity",
                "x",
                "--topology",
                PlanCommandTest.TOPOLOGY.toString(),
                "--ipam-reclaim-grace",
                "-PT1M");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--ipam-reclaim-grace must not be negative");
    }

    @Test
    void reconcilesTheClusterOntoTheFabricAndReportsBadObjectsAsEvents(@TempDir Path dir) throws Exception {
        try (MockCluster cluster = MockCluster.start();
                ApstraEmulator apstra = ApstraEmulator.builder()
                        .topology(BundledExamples.emulatorFabric())
                        .start()) {
            KubernetesClient client = cluster.client();
            Path kubeconfig = cluster.kubeconfig(dir);
            // A leak in the store: an address the CNI plugin gave a pod that is gone, in a pool no NAD
            // names (its NAD was deleted too). The controller's leak reclaim releases it.
            PoolSpec leakyPool = PoolSpec.of("deleted-net", IpRange.ofSubnet("10.99.0.0/24"));
            Owner ghost = new Owner("tenant-blue", "ghost-0", "0b6c8f2e-0000-4c1f-9d55-00000000dead", "net1");
            try (FileIpPoolStore store = FileIpPoolStore.open(Files.createDirectories(dir.resolve("ipam")))) {
                IpAllocator.create(store).allocate(leakyPool, ghost);
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger code = new AtomicInteger(-1);
            String[] args = {
                "controller",
                "--kubeconfig",
                kubeconfig.toString(),
                "--identity",
                "fabricbinder-0",
                "--topology",
                PlanCommandTest.TOPOLOGY.toString(),
                "--ipam-dir",
                dir.resolve("ipam").toString(),
                "--window",
                "PT0.2S",
                "--ipam-reclaim-grace",
                "PT1S",
                "--apstra-url",
                apstra.baseUrl().toString(),
                "--blueprint",
                apstra.blueprintId()
            };
            Map<String, String> env = Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", apstra.password());
            Thread thread = new Thread(
                    () -> code.set(
                            FabricBinderCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args)),
                    "controller-command");
            @Nullable PoolSpec web1Pool = null;
            @Nullable Owner renamed = null;
            thread.start();
            try {
                await(() -> out.toString().contains("watching all namespaces"), "the controller to start");
                for (String file : List.of(
                        BundledExamples.NADS, BundledExamples.VNR, BundledExamples.NODE_STATES, BundledExamples.PODS)) {
                    cluster.createAll(BundledExamples.text(file));
                }
                cluster.createAll("""
                        apiVersion: k8s.cni.cncf.io/v1
                        kind: NetworkAttachmentDefinition
                        metadata: {name: red, namespace: tenant-blue, labels: {tenant: blue},
                                   annotations: {fabricbinder.io/extend-to-fabric: "true"}}
                        spec:
                          config: '{"cniVersion": "1.0.0", "name": "red", "type": "sriov", "vlan": 5000,
                                    "ipam": {"type": "fabricbinder-ipam", "subnet": "10.10.9.0/24"}}'
                        """);

                await(() -> apstra.taggedVlans(Stage.DEPLOYED).size() == 3, "three tagged leaf ports, deployed");
                // An address the plugin gave a live pod under an interface name the planner does not
                // know (a runtime that does not name interfaces net<n>). With reclaim on, a reconcile
                // never releases: only the plugin's DEL or reclaim (pod gone) may, and the pod lives.
                String web1 = client.pods()
                        .inNamespace("tenant-blue")
                        .withName("web-1")
                        .get()
                        .getMetadata()
                        .getUid();
                renamed = new Owner("tenant-blue", "web-1", web1, "eth9");
                try (FileIpPoolStore store = FileIpPoolStore.open(dir.resolve("ipam"))) {
                    IpAllocator allocator = IpAllocator.create(store);
                    web1Pool = allocator.poolNames().stream()
                            .map(name -> allocator.storedPool(name).orElseThrow())
                            .filter(pool -> allocator.list(pool).stream()
                                    .anyMatch(a -> a.owner().podUid().equals(web1)))
                            .findFirst()
                            .orElseThrow();
                    allocator.allocate(Objects.requireNonNull(web1Pool), Objects.requireNonNull(renamed));
                }
                await(
                        () -> {
                            try (FileIpPoolStore store = FileIpPoolStore.open(dir.resolve("ipam"))) {
                                return IpAllocator.create(store)
                                        .find(leakyPool, ghost)
                                        .isEmpty();
                            }
                        },
                        "the leaked address reclaimed");
                await(
                        () -> events(client).stream()
                                .anyMatch(e -> e.getInvolvedObject().getName().equals("red")),
                        "a Warning Event on the bad NAD");
            } finally {
                thread.interrupt();
                thread.join(20_000);
            }

            Event red = events(client).stream()
                    .filter(e -> e.getInvolvedObject().getName().equals("red"))
                    .findFirst()
                    .orElseThrow();
            assertThat(red.getMessage()).contains("spec.config.vlan", "5000");
            assertThat(thread.isAlive()).isFalse();
            assertThat(code.get()).as(err.toString()).isZero();
            assertThat(err.toString()).isEmpty();
            assertThat(out.toString()).contains("reconciled: APPLIED").contains("fabricbinder-0: stopped");

            // A restarted controller plans the whole cluster, and still does not release the address
            // of a live pod: with reclaim on, only the plugin's DEL or reclaim (pod gone) may.
            StringWriter out2 = new StringWriter();
            Thread second = new Thread(
                    () -> FabricBinderCli.run(env, new PrintWriter(out2, true), new PrintWriter(err, true), args),
                    "controller-command-2");
            second.start();
            try {
                await(() -> out2.toString().contains("reconciled: "), "the restarted controller's first reconcile");
            } finally {
                second.interrupt();
                second.join(20_000);
            }
            try (FileIpPoolStore store = FileIpPoolStore.open(dir.resolve("ipam"))) {
                assertThat(IpAllocator.create(store)
                                .find(Objects.requireNonNull(web1Pool), Objects.requireNonNull(renamed)))
                        .as("a live pod's address under an interface name the planner does not know")
                        .isPresent();
            }
        }
    }

    private static List<Event> events(KubernetesClient client) {
        return client.v1().events().inAnyNamespace().list().getItems();
    }
}
