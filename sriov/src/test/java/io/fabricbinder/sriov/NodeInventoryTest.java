package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeInventoryTest {

    private static NodeInventory intelInventory(Path tmp) {
        SriovReport report = SriovDiscovery.at(SriovFixtures.intelNode(tmp).sys).discover();
        ResourcePools pools = ResourcePools.compute(
                report,
                DevicePluginConfig.parse(
                        "{\"resourceList\":[{\"resourceName\":\"leaf_vfs\",\"selectors\":{\"pfNames\":[\"ens1f0#0-2\"]}}]}"));
        return NodeInventory.of(
                "worker-1", report, pools, LldpNeighbors.parseLldpcliJson(LldpNeighborsTest.JSON0_JUNOS_LOCAL));
    }

    @Test
    void jsonRoundTripKeepsEverything(@TempDir Path tmp) {
        NodeInventory inv = intelInventory(tmp);

        NodeInventory back = NodeInventory.fromJson(inv.toJson());

        assertThat(back).isEqualTo(inv);
        assertThat(back.toJson()).isEqualTo(inv.toJson());
    }

    @Test
    void jsonUsesOperatorFieldNames(@TempDir Path tmp) throws Exception {
        JsonNode doc = Json.MAPPER.readTree(intelInventory(tmp).toJson());

        JsonNode pf = doc.path("interfaces").get(1);
        assertThat(pf.path("name").asText()).isEqualTo("ens1f0");
        assertThat(pf.path("pciAddress").asText()).isEqualTo("0000:3b:00.0");
        assertThat(pf.path("deviceID").asText()).isEqualTo("1572");
        assertThat(pf.path("totalvfs").asInt()).isEqualTo(64);
        assertThat(pf.path("numVfs").asInt()).isEqualTo(4);
        assertThat(pf.path("linkType").asText()).isEqualTo("ETH");
        assertThat(pf.path("Vfs").get(0).path("vfID").asInt()).isZero();
        assertThat(pf.path("Vfs").get(0).path("pciAddress").asText()).isEqualTo("0000:3b:02.0");
        assertThat(doc.path("pools").get(0).path("resource").asText()).isEqualTo("intel.com/leaf_vfs");
        assertThat(doc.path("pools").get(0).path("envVar").asText()).isEqualTo("PCIDEVICE_INTEL_COM_LEAF_VFS");
        assertThat(doc.path("neighbors").get(0).path("switchPort").asText()).isEqualTo("xe-0/0/12");
        assertThat(doc.path("neighbors").get(0).path("switchPortSource").asText())
                .isEqualTo("PORT_DESCRIPTION");
        assertThat(doc.path("problems").get(0).has("defect")).isFalse();
    }

    @Test
    void podNetworkStatusResolvesToVfPfAndSwitchPort(@TempDir Path tmp) {
        NodeInventory inv = NodeInventory.fromJson(intelInventory(tmp).toJson());
        String status = """
                [{"name":"ovn-kubernetes","interface":"eth0","ips":["10.128.0.5"],"default":true},
                 {"name":"apps/sriov-leaf","interface":"net1","ips":["10.56.217.171/24"],
                  "device-info":{"type":"pci","version":"1.1.0",
                                 "pci":{"pci-address":"0000:3b:02.1","pf-pci-address":"0000:3b:00.0"}}},
                 {"name":"apps/elsewhere","interface":"net2",
                  "device-info":{"type":"pci","version":"1.0.0","pci":{"pci-address":"0000:af:02.0"}}}]""";

        NodeInventory.Resolution r = inv.resolveAll(PodDevices.fromNetworkStatus(status));

        assertThat(r.resolved()).singleElement().satisfies(a -> {
            assertThat(a.node()).isEqualTo("worker-1");
            assertThat(a.device().network()).isEqualTo("apps/sriov-leaf");
            assertThat(a.device().interfaceName()).isEqualTo("net1");
            assertThat(a.findVirtualFunction().orElseThrow().vfId()).isEqualTo(1);
            assertThat(a.physicalFunction().name()).isEqualTo("ens1f0");
            assertThat(a.findNeighbor().orElseThrow().switchHostname()).isEqualTo("leaf1");
            assertThat(a.findNeighbor().orElseThrow().switchPort()).isEqualTo("xe-0/0/12");
        });
        assertThat(r.unresolved()).extracting(d -> d.pciAddress().toString()).containsExactly("0000:af:02.0");
    }

    @Test
    void podEnvironmentResolvesToo(@TempDir Path tmp) {
        NodeInventory inv = intelInventory(tmp);

        List<PodDevice> devices = PodDevices.fromEnvironment(Map.of("PCIDEVICE_INTEL_COM_LEAF_VFS", "0000:3b:02.2"));

        assertThat(inv.resolve(devices.get(0))).hasValueSatisfying(a -> {
            assertThat(a.device().origin()).isEqualTo("PCIDEVICE_INTEL_COM_LEAF_VFS");
            assertThat(a.physicalFunction().pciAddress()).isEqualTo(PciAddress.parse("0000:3b:00.0"));
            assertThat(a.findNeighbor()).isPresent();
        });
    }

    @Test
    void malformedNetworkStatusNamesTheEntry() {
        assertThatThrownBy(() -> PodDevices.fromNetworkStatus(
                        "[{\"name\":\"a/b\",\"device-info\":{\"type\":\"pci\",\"pci\":{\"pci-address\":\"zz\"}}}]"))
                .hasMessageContaining("network-status[0].device-info.pci.pci-address");
        assertThatThrownBy(() -> PodDevices.fromNetworkStatus("{}")).hasMessageContaining("JSON list");
    }

    @Test
    void inventoryFromNewerSchemaOrWithoutNodeIsRejected() {
        assertThatThrownBy(() -> NodeInventory.fromJson("{\"schemaVersion\":99,\"nodeName\":\"n\"}"))
                .hasMessageContaining("schemaVersion 99");
        assertThatThrownBy(() -> NodeInventory.fromJson("{\"schemaVersion\":1}"))
                .hasMessageContaining("nodeName");
    }
}
