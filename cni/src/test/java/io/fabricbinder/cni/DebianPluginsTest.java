package io.fabricbinder.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fabricbinder-ipam as the IPAM of Debian's {@code host-device} (the stand-in for sriov-cni moving a
 * VF: one end of a veth pair is moved into a network namespace) and {@code bridge}, exec'd exactly
 * as a runtime does: they exec the packaged forwarder (this runs through failsafe, after the package
 * phase, with {@code -Dfabricbinder.ipam.packaged=true}). Needs root, iproute2 and
 * containernetworking-plugins in /usr/lib/cni. Every namespace and link has a unique name and is
 * removed.
 */
class DebianPluginsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOST_DEVICE = Path.of("/usr/lib/cni/host-device");
    private static final Path BRIDGE = Path.of("/usr/lib/cni/bridge");

    @TempDir
    Path tmp;

    private PluginHarness h;
    private final String id = HexFormat.of().formatHex(randomBytes());
    private final String netns = "fbt-" + id;
    private final String vf = "fbv" + id;
    private final String peer = "fbp" + id;
    private final String bridge = "fbb" + id;

    private static byte[] randomBytes() {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    @BeforeEach
    void setUp() throws IOException {
        boolean installed = Files.isExecutable(HOST_DEVICE) && Files.isExecutable(BRIDGE);
        if (!installed && System.getenv("CI") != null) {
            throw new IllegalStateException("Debian's containernetworking-plugins are missing from /usr/lib/cni"
                    + " (apt-get install containernetworking-plugins)");
        }
        assumeTrue(installed, "containernetworking-plugins (apt-get install containernetworking-plugins)");
        h = new PluginHarness(tmp);
        PluginHarness.sh("ip", "netns", "add", netns);
    }

    @AfterEach
    void tearDown() {
        PluginHarness.quietly("ip", "netns", "del", netns);
        PluginHarness.quietly("ip", "link", "del", vf);
        PluginHarness.quietly("ip", "link", "del", peer);
        PluginHarness.quietly("ip", "link", "del", bridge);
        if (h != null) {
            h.close();
        }
    }

    private static String ipam() {
        return "\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.77.0.10\","
                + "\"rangeEnd\":\"10.77.0.20\",\"gateway\":\"10.77.0.1\","
                + "\"routes\":[{\"dst\":\"10.78.0.0/16\",\"gw\":\"10.77.0.1\"}]}";
    }

    private static String withPrev(String conf, String result) throws IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(conf);
        c.set("prevResult", JSON.readTree(result));
        return JSON.writeValueAsString(c);
    }

    @Test
    void hostDeviceMovesTheVfStandInAndConfiguresTheAllocatedAddress() throws IOException {
        PluginHarness.sh("ip", "link", "add", vf, "type", "veth", "peer", "name", peer);
        PluginHarness.sh("ip", "link", "set", peer, "up");
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"fb-hostdev-" + id + "\",\"type\":\"host-device\","
                + "\"device\":\"" + vf + "\"," + ipam() + "}";
        Map<String, String> add = h.env("ADD", "ctr-" + id, "net1", "/run/netns/" + netns, "pod-a");
        PluginHarness.Result r = PluginHarness.exec(HOST_DEVICE, add, conf);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        JsonNode result = JSON.readTree(r.stdout());
        String cidr = result.path("ips").path(0).path("address").asText();
        assertThat(cidr).matches("10\\.77\\.0\\.(1\\d|20)/24");

        JsonNode addrs = JSON.readTree(
                PluginHarness.sh("ip", "netns", "exec", netns, "ip", "-j", "addr", "show", "dev", "net1"));
        assertThat(addrs.path(0).path("addr_info").toString())
                .contains("\"local\":\"" + cidr.substring(0, cidr.indexOf('/')) + "\"");
        String routes = PluginHarness.sh("ip", "netns", "exec", netns, "ip", "-j", "route");
        assertThat(routes).contains("\"dst\":\"10.78.0.0/16\"").contains("\"gateway\":\"10.77.0.1\"");
        assertThat(h.allocator.list(poolOf(conf))).hasSize(1);

        PluginHarness.Result check = PluginHarness.exec(
                HOST_DEVICE,
                h.env("CHECK", "ctr-" + id, "net1", "/run/netns/" + netns, "pod-a"),
                withPrev(conf, r.stdout()));
        assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();

        PluginHarness.Result del = PluginHarness.exec(
                HOST_DEVICE,
                h.env("DEL", "ctr-" + id, "net1", "/run/netns/" + netns, "pod-a"),
                withPrev(conf, r.stdout()));
        assertThat(del.exitCode()).as(del.stdout() + del.stderr()).isZero();
        assertThat(h.allocator.list(poolOf(conf))).isEmpty();
        assertThat(PluginHarness.sh("ip", "-j", "link", "show", "dev", vf)).contains(vf);
    }

    @Test
    void bridgeDelegatesIpamAndDelReleasesEvenTwice() throws IOException {
        // Debian's bridge (plugins 1.1.1) speaks up to spec 1.0.0 and refuses a 1.1.0 configuration.
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"fb-bridge-" + id + "\",\"type\":\"bridge\","
                + "\"bridge\":\"" + bridge + "\",\"isGateway\":false," + ipam() + "}";
        PluginHarness.Result r =
                PluginHarness.exec(BRIDGE, h.env("ADD", "ctr-" + id, "eth0", "/run/netns/" + netns, "pod-b"), conf);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        JsonNode result = JSON.readTree(r.stdout());
        String cidr = null;
        for (JsonNode ip : result.path("ips")) {
            cidr = ip.path("address").asText();
        }
        assertThat(cidr).isNotNull().matches("10\\.77\\.0\\.(1\\d|20)/24");
        String addrs = PluginHarness.sh("ip", "netns", "exec", netns, "ip", "-j", "addr", "show", "dev", "eth0");
        assertThat(addrs).contains("\"local\":\"" + cidr.substring(0, cidr.indexOf('/')) + "\"");
        assertThat(PluginHarness.sh("ip", "netns", "exec", netns, "ip", "-j", "route"))
                .contains("\"dst\":\"10.78.0.0/16\"");

        for (int i = 0; i < 2; i++) {
            PluginHarness.Result del = PluginHarness.exec(
                    BRIDGE,
                    h.env("DEL", "ctr-" + id, "eth0", "/run/netns/" + netns, "pod-b"),
                    withPrev(conf, r.stdout()));
            assertThat(del.exitCode()).as(del.stdout() + del.stderr()).isZero();
        }
        assertThat(h.allocator.list(poolOf(conf))).isEmpty();
    }

    @Test
    void versionListsTheSupportedVersions() throws IOException {
        PluginHarness.Result r = PluginHarness.exec(
                h.binDir.resolve("fabricbinder-ipam"), Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.0.0\"}");
        assertThat(r.exitCode()).isZero();
        JsonNode j = JSON.readTree(r.stdout());
        assertThat(j.path("supportedVersions").toString()).isEqualTo("[\"0.4.0\",\"1.0.0\",\"1.1.0\"]");
    }

    private static io.fabricbinder.ipam.PoolSpec poolOf(String conf) throws IOException {
        JsonNode c = JSON.readTree(conf);
        @SuppressWarnings("unchecked")
        Map<String, Object> ipam = JSON.convertValue(c.path("ipam"), Map.class);
        return io.fabricbinder.ipam.IpamBlock.parse(ipam).pool(c.path("name").asText());
    }
}
