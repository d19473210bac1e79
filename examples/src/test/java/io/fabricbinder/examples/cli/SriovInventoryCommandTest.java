package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SriovInventoryCommandTest {

    @Test
    void printsTheNodeInventoryWithPoolsFromTheDevicePluginConfig(@TempDir Path tmp) throws Exception {
        SysfsTree sysfs = new SysfsTree(tmp).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 2);
        Path config = tmp.resolve("config.json");
        Files.writeString(
                config,
                "{\"resourceList\": [{\"resourceName\": \"sriov_fabric\","
                        + " \"selectors\": {\"pfNames\": [\"ens1f0\"], \"drivers\": [\"iavf\"]}}]}");

        CliRun run = CliRun.of(
                "sriov-inventory",
                "--sysfs-root",
                sysfs.sys.toString(),
                "--device-plugin-config",
                config.toString(),
                "--node",
                "worker-1");

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.path("nodeName").asText()).isEqualTo("worker-1");
        assertThat(doc.path("interfaces").get(0).path("pciAddress").asText()).isEqualTo("0000:3b:00.0");
        assertThat(doc.path("interfaces").get(0).toString()).contains("0000:3b:02.0", "0000:3b:02.1");
        assertThat(doc.path("pools").get(0).path("resourceName").asText()).isEqualTo("sriov_fabric");
        assertThat(doc.path("pools").get(0).toString()).contains("0000:3b:02.0", "0000:3b:02.1");
    }

    @Test
    void nodeNameDefaultsToTheNodeNameVariable(@TempDir Path tmp) throws Exception {
        SysfsTree sysfs = new SysfsTree(tmp).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 1);

        CliRun run = CliRun.withEnv(
                Map.of("NODE_NAME", "worker-9"), "sriov-inventory", "--sysfs-root", sysfs.sys.toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).path("nodeName").asText())
                .isEqualTo("worker-9");
    }

    @Test
    void invalidDevicePluginConfigIsAnInputError(@TempDir Path tmp) throws Exception {
        SysfsTree sysfs = new SysfsTree(tmp).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 1);
        Path config = tmp.resolve("config.json");
        Files.writeString(config, "{\"resourceList\": [{\"resourceName\": \"bad name!\"}]}");

        CliRun run = CliRun.of(
                "sriov-inventory", "--sysfs-root", sysfs.sys.toString(), "--device-plugin-config", config.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--device-plugin-config", "resourceName");
    }

    @Test
    void missingSysfsRootIsAnInputError(@TempDir Path tmp) {
        CliRun run =
                CliRun.of("sriov-inventory", "--sysfs-root", tmp.resolve("nope").toString(), "--node", "n");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--sysfs-root", "not a directory");
    }

    @Test
    void lldpNeighboursOfThePfsAreIncluded(@TempDir Path tmp) throws Exception {
        SysfsTree sysfs = new SysfsTree(tmp).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 1);
        Path lldp = tmp.resolve("lldp.json");
        Files.writeString(lldp, """
                {"lldp":{"interface":{"ens1f0":{"via":"LLDP","rid":"1",
                  "chassis":{"leaf1":{"id":{"type":"mac","value":"00:00:00:00:00:02"},"descr":"Juniper Networks"}},
                  "port":{"id":{"type":"ifname","value":"xe-0/0/10"},"descr":"xe-0/0/10","ttl":"120"}}}}}""");

        CliRun run = CliRun.of(
                "sriov-inventory",
                "--sysfs-root",
                sysfs.sys.toString(),
                "--node",
                "worker-1",
                "--lldp-json",
                lldp.toString());

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode neighbor =
                new ObjectMapper().readTree(run.out()).path("neighbors").get(0);
        assertThat(neighbor.path("localInterface").asText()).isEqualTo("ens1f0");
        assertThat(neighbor.path("chassisName").asText()).isEqualTo("leaf1");
        assertThat(neighbor.path("switchPort").asText()).isEqualTo("xe-0/0/10");
    }

    @Test
    void lldpOutputWithoutTheLldpMemberIsAnInputError(@TempDir Path tmp) throws Exception {
        SysfsTree sysfs = new SysfsTree(tmp).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 1);
        Path lldp = tmp.resolve("lldp.json");
        Files.writeString(lldp, "{\"x\": 1}");

        CliRun run = CliRun.of(
                "sriov-inventory", "--sysfs-root", sysfs.sys.toString(), "--node", "n", "--lldp-json", lldp.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--lldp-json", "'lldp'");
    }

    // The live read against a real lldpd: ImageSmokeTest, with the image's own lldpcli.
    @Test
    void anLldpdThatCannotBeReadIsAFailureAfterTheInventory(@TempDir Path tmp) throws Exception {
        SysfsTree sysfs = new SysfsTree(tmp).pf("0000:3b:00.0", "ens1f0", "3c:fd:fe:00:00:01", 1);

        String root = "--sysfs-root=" + sysfs.sys;
        CliRun run =
                CliRun.of("sriov-inventory", root, "--node=worker-1", "--lldpcli=" + tmp.resolve("no-such-lldpcli"));
        CliRun both = CliRun.of(
                "sriov-inventory", root, "--lldp-json=" + tmp.resolve("lldp.json"), "--lldpd-socket=/run/lldpd.socket");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(new ObjectMapper().readTree(run.out()).path("nodeName").asText())
                .isEqualTo("worker-1");
        assertThat(run.err()).contains("fabricbinder sriov-inventory: lldp: ", "no-such-lldpcli");
        assertThat(both.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(both.err()).contains("--lldp-json and --lldpcli/--lldpd-socket exclude each other");
    }
}
