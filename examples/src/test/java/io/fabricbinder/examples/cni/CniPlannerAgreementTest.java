package io.fabricbinder.examples.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabricbinder.cni.AgentProtocol;
import io.fabricbinder.cni.agent.CniHandler;
import io.fabricbinder.core.AddressBook;
import io.fabricbinder.core.AllocationAction;
import io.fabricbinder.core.ClusterSnapshot;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.InMemoryFabricGateway;
import io.fabricbinder.core.IpAllocationEntry;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller agrees with the plugin (issue 16 item 8): for the example cluster, the CNI plugin's
 * handler serves web-1's ADD from the NAD's own config (as sriov-cni would pass it), and the planner
 * over the same store then shows that address as {@code unchanged} for web-1 — one pool, one owner,
 * no second address.
 */
class CniPlannerAgreementTest {
    private static final Path MANIFESTS = Path.of("manifests");

    @TempDir
    Path tmp;

    @Test
    void planShowsThePluginsAddressAsUnchanged() throws IOException {
        JsonNode nad = null;
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (JsonNode doc : yaml.readerFor(JsonNode.class)
                .<JsonNode>readValues(Files.readString(MANIFESTS.resolve("cluster/nads.yaml")))
                .readAll()) {
            if (doc.path("metadata").path("name").asText().equals("blue-web")) {
                nad = doc;
            }
        }
        assertThat(nad).isNotNull();
        String config = nad.path("spec").path("config").asText();

        try (FileIpPoolStore store = FileIpPoolStore.open(Files.createDirectories(tmp.resolve("ipam")))) {
            IpAllocator allocator = IpAllocator.create(store);
            CniHandler handler = new CniHandler(allocator, store);
            AgentProtocol.Response add = handler.handle(
                    Map.of(
                            "CNI_COMMAND", "ADD",
                            "CNI_CONTAINERID", "sandbox-web-1",
                            "CNI_NETNS", "/run/netns/web-1",
                            "CNI_IFNAME", "net1",
                            "CNI_ARGS",
                                    "IgnoreUnknown=1;K8S_POD_NAMESPACE=tenant-blue;K8S_POD_NAME=web-1;"
                                            + "K8S_POD_UID=6b8f2d0e-1a11-4c1e-9a01-000000000001"),
                    config.getBytes(StandardCharsets.UTF_8));
            assertThat(add.exitCode())
                    .as(new String(add.stdout(), StandardCharsets.UTF_8))
                    .isZero();
            String address = new ObjectMapper()
                    .readTree(add.stdout())
                    .path("ips")
                    .path(0)
                    .path("address")
                    .asText();

            FabricBinder binder = FabricBinder.builder()
                    .gateway(new InMemoryFabricGateway())
                    .addressBook(AddressBook.of(allocator))
                    .build();
            ClusterSnapshot snapshot = new ClusterSnapshot(
                    Manifests.parse(MANIFESTS.resolve("cluster")),
                    Topology.merge(List.of(StaticTopologyFile.read(MANIFESTS.resolve("topology.yaml")))));
            Plan plan = binder.plan(snapshot);
            List<IpAllocationEntry> web1 = plan.ipAllocations().stream()
                    .filter(e -> e.pod().endsWith("web-1"))
                    .toList();
            assertThat(web1).singleElement().satisfies(e -> {
                assertThat(e.action()).isEqualTo(AllocationAction.UNCHANGED);
                assertThat(e.cidr()).isEqualTo(address);
                assertThat(e.interfaceName()).isEqualTo("net1");
            });
        }
    }
}
