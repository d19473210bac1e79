package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourcePoolsTest {

    private static ResourcePools pools(SriovReport report, String json) {
        return ResourcePools.compute(report, DevicePluginConfig.parse(json));
    }

    private static List<String> addresses(ResourcePools pools, String resource) {
        return pools.findPool(resource).orElseThrow().devices().stream()
                .map(d -> d.pciAddress().toString())
                .toList();
    }

    @Test
    void vendorDeviceDriverSelectorsAreAndedAndPfWithVfsIsNotOffered(@TempDir Path tmp) {
        SriovReport report = SriovDiscovery.at(SriovFixtures.intelNode(tmp).sys).discover();

        ResourcePools pools = pools(report, """
                {"resourceList":[{"resourceName":"iavf_vfs",
                  "selectors":{"vendors":["8086"],"devices":["154c"],"drivers":["iavf"]}},
                 {"resourceName":"all_intel","selectors":{"vendors":["8086"]}}]}""");

        assertThat(addresses(pools, "intel.com/iavf_vfs"))
                .containsExactly("0000:3b:02.0", "0000:3b:02.1", "0000:3b:02.2");
        // first match wins: the iavf VFs are taken; ens1f0 (PF with VFs) is never a candidate;
        // ens1f1 (0 VFs) and eno1 (plain NIC) are offered as whole functions
        assertThat(addresses(pools, "intel.com/all_intel"))
                .containsExactly("0000:00:1f.6", "0000:3b:00.1", "0000:3b:02.3");
        ResourcePool pool = pools.findPool("intel.com/iavf_vfs").orElseThrow();
        assertThat(pool.environmentVariable()).isEqualTo("PCIDEVICE_INTEL_COM_IAVF_VFS");
        assertThat(pool.devices().get(1).pfName()).isEqualTo("ens1f0");
        assertThat(pool.devices().get(1).vfIndex()).isEqualTo(1);
        assertThat(pool.devices().get(1).numaNode()).isZero();
    }

    @Test
    void pfNamesRangesAreCaseInsensitiveAndSelectorListIsFirstMatch(@TempDir Path tmp) {
        SriovReport report = SriovDiscovery.at(SriovFixtures.intelNode(tmp).sys).discover();

        ResourcePools pools = pools(report, """
                {"resourceList":[
                  {"resourceName":"leaf_a","resourcePrefix":"example.com","excludeTopology":true,
                   "selectors":[{"pfNames":["ENS1F0#0,2-2"]},{"rootDevices":["0000:3b:00.0#3"],"drivers":["vfio-pci"]}]},
                  {"resourceName":"rest","selectors":[{"pfNames":["ens1f0"]}]}]}""");

        assertThat(addresses(pools, "example.com/leaf_a"))
                .containsExactly("0000:3b:02.0", "0000:3b:02.2", "0000:3b:02.3");
        assertThat(pools.findPool("example.com/leaf_a").orElseThrow().devices())
                .allSatisfy(d -> assertThat(d.numaNode()).isEqualTo(-1));
        assertThat(addresses(pools, "intel.com/rest")).containsExactly("0000:3b:02.1");
        assertThat(pools.findPoolOf(PciAddress.parse("0000:3b:02.1"))
                        .orElseThrow()
                        .resource())
                .isEqualTo("intel.com/rest");
    }

    @Test
    void malformedRangesSelectNothingAndSayWhy(@TempDir Path tmp) {
        SriovReport report = SriovDiscovery.at(SriovFixtures.intelNode(tmp).sys).discover();

        ResourcePools pools = pools(report, """
                {"resourceList":[{"resourceName":"bad","selectors":[{"pfNames":["ens1f0#1#2","ens1f0#a-b","ens1f0#3-1"]}]}]}""");

        assertThat(addresses(pools, "intel.com/bad")).isEmpty();
        assertThat(pools.notes()).hasSize(3).allSatisfy(n -> assertThat(n).contains("malformed"));
    }

    @Test
    void linkTypeAndRdmaFilters(@TempDir Path tmp) {
        SriovReport mlx =
                SriovDiscovery.at(SriovFixtures.mellanoxNode(tmp, true).sys).discover();

        ResourcePools pools = pools(mlx, """
                {"resourceList":[
                  {"resourceName":"ib","selectors":{"linkTypes":["infiniband"]}},
                  {"resourceName":"rdma","selectors":{"isRdma":true,"linkTypes":["ether"],"vendors":["15b3"]}}]}""");

        assertThat(addresses(pools, "intel.com/ib")).isEmpty();
        assertThat(addresses(pools, "intel.com/rdma")).containsExactly("0000:5e:00.2", "0000:5e:00.3");
    }

    @Test
    void needVhostNetIsNotASelectorAsInTheDevicePlugin(@TempDir Path tmp) {
        // sriov-network-device-plugin: on a node without /dev/vhost-net it logs a warning and still
        // serves the VFs. The fixture node has no class/misc/vhost-net.
        SriovReport without = SriovDiscovery.at(SriovFixtures.mellanoxNode(tmp.resolve("a"), false).sys)
                .discover();
        assertThat(without.vhostNetAvailable()).isFalse();
        String config = """
                {"resourceList":[{"resourceName":"vhost","selectors":{"vendors":["15b3"],"needVhostNet":true}}]}""";

        ResourcePools pools = pools(without, config);

        assertThat(addresses(pools, "intel.com/vhost")).containsExactly("0000:5e:00.2", "0000:5e:00.3");
        assertThat(pools.notes())
                .containsExactly("intel.com/vhost: selectors[0] sets needVhostNet but this host has no"
                        + " /dev/vhost-net; the device plugin still serves the selected VFs (without vhost-net),"
                        + " and so does this pool");

        // With /dev/vhost-net: the same VFs, no note.
        SysfsFixture fx = SriovFixtures.mellanoxNode(tmp.resolve("b"), false);
        fx.mkdirs("class/misc/vhost-net");
        SriovReport with = SriovDiscovery.at(fx.sys).discover();
        assertThat(with.vhostNetAvailable()).isTrue();
        ResourcePools withPools = pools(with, config);
        assertThat(addresses(withPools, "intel.com/vhost")).containsExactly("0000:5e:00.2", "0000:5e:00.3");
        assertThat(withPools.notes()).isEmpty();
    }

    @Test
    void defaultRouteInterfacesAreNeverOffered(@TempDir Path tmp) {
        SriovReport report = SriovDiscovery.at(SriovFixtures.intelNode(tmp).sys).discover();
        String route = """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                eno1\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
                eno1\t0000A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
                ens1f1\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0
                """;

        Set<String> defaults = ResourcePools.defaultRouteInterfaces(route);
        ResourcePools pools = ResourcePools.compute(
                report,
                DevicePluginConfig.parse(
                        "{\"resourceList\":[{\"resourceName\":\"pfs\",\"selectors\":{\"vendors\":[\"8086\"],\"devices\":[\"15b8\",\"1572\"]}}]}"),
                defaults);

        assertThat(defaults).containsExactly("eno1");
        assertThat(addresses(pools, "intel.com/pfs")).containsExactly("0000:3b:00.1");
    }

    @Test
    void unsupportedDeviceTypesAndSelectorsAreEmptyWithNotes(@TempDir Path tmp) {
        SriovReport report = SriovDiscovery.at(SriovFixtures.intelNode(tmp).sys).discover();

        ResourcePools pools = pools(report, """
                {"resourceList":[{"resourceName":"acc","deviceType":"accelerator","selectors":{"vendors":["8086"]}},
                                 {"resourceName":"ddp","selectors":{"ddpProfiles":["GTPv1-U"]}}]}""");

        assertThat(addresses(pools, "intel.com/acc")).isEmpty();
        assertThat(addresses(pools, "intel.com/ddp")).isEmpty();
        assertThat(pools.notes()).hasSize(2);
    }

    @Test
    void everySelectorFieldThatIsNotEvaluatedIsNamedWithItsPoolAndSelector(@TempDir Path tmp) {
        SriovReport report = SriovDiscovery.at(SriovFixtures.intelNode(tmp).sys).discover();

        ResourcePools pools = pools(report, """
                {"resourceList":[{"resourceName":"ib","selectors":[{"drivers":["nope"]},
                                   {"drivers":["iavf"],"pKeys":["0x7fff"],"vdpaType":"vhost"}]},
                                 {"resourceName":"ddp","selectors":{"drivers":["iavf"],"ddpProfiles":["GTPv1-U"]}},
                                 {"resourceName":"rest","selectors":{"drivers":["iavf"],"pfname":["ens1f0"]}}]}""");

        assertThat(pools.notes())
                .containsExactly(
                        "resourceList[2] (rest).selectors.pfname: unknown key, ignored",
                        "intel.com/ib: selectors[1].pKeys, selectors[1].vdpaType not evaluated (needs devlink,"
                                + " ethtool or vDPA data that sysfs does not carry); this selector matches nothing",
                        "intel.com/ddp: selectors[0].ddpProfiles not evaluated (needs devlink, ethtool or vDPA"
                                + " data that sysfs does not carry); this selector matches nothing");
        assertThat(addresses(pools, "intel.com/ib")).isEmpty();
        assertThat(addresses(pools, "intel.com/ddp")).isEmpty();
        // the misspelt key is ignored (as the plugin does), with the note above: all iavf VFs match
        assertThat(addresses(pools, "intel.com/rest")).containsExactly("0000:3b:02.0", "0000:3b:02.1", "0000:3b:02.2");
    }
}
