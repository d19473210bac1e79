package io.fabricbinder.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exec'd plugin process: stdout carries only the CNI result or error JSON, the exit status is
 * non-zero on error, node-configuration problems and an unreachable or silent agent have their
 * codes and name what is wrong.
 */
class PluginProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONF = "{\"cniVersion\":\"1.0.0\",\"name\":\"net-p\",\"type\":\"x\","
            + "\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.66.0.0/24\"}}";

    @TempDir
    Path tmp;

    private Path launcher() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        PluginHarness.writeLauncher(bin.resolve("fabricbinder-ipam"));
        return bin.resolve("fabricbinder-ipam");
    }

    private static Map<String, String> env(String command, Path nodeConfig) {
        return Map.of(
                "CNI_COMMAND",
                command,
                "CNI_CONTAINERID",
                "ctr1",
                "CNI_NETNS",
                "/run/netns/none",
                "CNI_IFNAME",
                "net1",
                "CNI_ARGS",
                "K8S_POD_NAMESPACE=demo;K8S_POD_NAME=p;K8S_POD_UID=u1",
                NodeConfig.ENV_OVERRIDE,
                nodeConfig.toString());
    }

    private static JsonNode error(PluginHarness.Result r, int code, String... mentions) throws IOException {
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isNotZero();
        JsonNode j = JSON.readTree(r.stdout());
        assertThat(j.path("code").asInt()).as(r.stdout()).isEqualTo(code);
        for (String m : mentions) {
            assertThat(j.path("msg").asText() + " " + j.path("details").asText())
                    .contains(m);
        }
        assertThat(j.path("cniVersion").asText()).isEqualTo("1.0.0");
        return j;
    }

    @Test
    void nodeConfigurationMissingWorldReadableDirectoryOrWithoutSocketIsRefused() throws IOException {
        Path exe = launcher();
        Path missing = tmp.resolve("nope.conf");
        error(PluginHarness.exec(exe, env("ADD", missing), CONF), 100, missing.toString(), "missing");

        Path open = tmp.resolve("open.conf");
        Files.writeString(open, "{\"socket\":\"/run/x.sock\"}");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        error(PluginHarness.exec(exe, env("ADD", open), CONF), 100, open.toString(), "0600");

        Path dir = Files.createDirectory(tmp.resolve("dir.conf"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        error(PluginHarness.exec(exe, env("ADD", dir), CONF), 100, dir.toString(), "unreadable");

        Path noSocket = tmp.resolve("nosocket.conf");
        Files.writeString(noSocket, "{\"sock\":\"/run/x.sock\"}");
        Files.setPosixFilePermissions(noSocket, PosixFilePermissions.fromString("rw-------"));
        error(PluginHarness.exec(exe, env("ADD", noSocket), CONF), 100, "socket");
    }

    @Test
    void garbageStdinIsCode6AndVersionNeedsNoConfiguration() throws IOException {
        Path exe = launcher();
        PluginHarness.Result r = PluginHarness.exec(exe, env("ADD", tmp.resolve("nope.conf")), "{not json");
        assertThat(r.exitCode()).isNotZero();
        assertThat(JSON.readTree(r.stdout()).path("code").asInt()).isEqualTo(6);
        PluginHarness.Result v = PluginHarness.exec(exe, Map.of("CNI_COMMAND", "VERSION"), "");
        assertThat(v.exitCode()).isZero();
        assertThat(JSON.readTree(v.stdout()).path("supportedVersions")).hasSize(3);
    }

    @Test
    void aVariableTooLongToForwardIsCode4NamingIt() throws IOException {
        Path exe = launcher();
        Path conf = PluginHarness.writeNodeConfig(tmp.resolve("n.conf"), tmp.resolve("absent.sock"));
        Map<String, String> env = new java.util.HashMap<>(env("ADD", conf));
        env.put("CNI_ARGS", "K8S_POD_NAMESPACE=demo;K8S_POD_NAME=p;K8S_POD_UID=u1;X=" + "a".repeat(70_000));
        error(PluginHarness.exec(exe, env, CONF), 4, "CNI_ARGS", "65535");
    }

    @Test
    void agentUnreachableIsCode11() throws IOException {
        Path exe = launcher();
        Path conf = PluginHarness.writeNodeConfig(tmp.resolve("n.conf"), tmp.resolve("absent.sock"));
        error(PluginHarness.exec(exe, env("ADD", conf), CONF), 11, "unreachable");
    }

    @Test
    void silentAgentIsCode11WithinFiveSeconds() throws IOException {
        Path exe = launcher();
        Path sock = tmp.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread acceptor = new Thread(() -> {
                try (SocketChannel ch = server.accept()) {
                    Thread.sleep(10_000); // accepts and never answers
                    assertThat(ch.isOpen()).isTrue();
                } catch (IOException | InterruptedException e) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Path conf = PluginHarness.writeNodeConfig(tmp.resolve("n.conf"), sock);
            long t0 = System.nanoTime();
            PluginHarness.Result r = PluginHarness.exec(exe, env("ADD", conf), CONF);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            error(r, 11, "did not answer");
            // The plugin's own deadline is 4.5 s; JVM start-up on a loaded machine comes on top.
            assertThat(ms).isLessThan(5_000 + 2_000);
            acceptor.interrupt();
        }
    }

    @Test
    void addAndDelThroughTheAgentPrintOnlyTheResult() throws IOException {
        try (PluginHarness h = new PluginHarness(tmp.resolve("h"))) {
            Path exe = h.binDir.resolve("fabricbinder-ipam");
            PluginHarness.Result add = PluginHarness.exec(exe, env("ADD", h.nodeConfig), CONF);
            assertThat(add.exitCode()).as(add.stdout() + add.stderr()).isZero();
            JsonNode j = JSON.readTree(add.stdout());
            assertThat(j.path("ips").path(0).path("address").asText()).startsWith("10.66.0.");
            assertThat(add.stdout().trim()).startsWith("{").endsWith("}");
            PluginHarness.Result del = PluginHarness.exec(exe, env("DEL", h.nodeConfig), CONF);
            assertThat(del.exitCode()).isZero();
            assertThat(del.stdout()).isEmpty();
        }
    }
}
