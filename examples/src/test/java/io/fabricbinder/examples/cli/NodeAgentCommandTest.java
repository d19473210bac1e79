package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.cni.AgentProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fabricbinder node-agent --ipam-socket} serves the plugin's protocol from a file store, without Kubernetes. */
class NodeAgentCommandTest {
    @TempDir
    Path tmp;

    @Test
    void servesIpamOnAPrivateSocketUntilInterruptedAndCountsTheRequests() throws Exception {
        Path socket = tmp.resolve("run/ipam.sock");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        AtomicReference<CliRun> result = new AtomicReference<>();
        Thread agent = new Thread(() -> result.set(CliRun.of(
                "node-agent",
                "--ipam-socket",
                socket.toString(),
                "--ipam-dir",
                tmp.resolve("store").toString(),
                "--metrics-bind-address",
                "127.0.0.1:" + port)));
        agent.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        // bind creates the socket, then the agent makes it 0600 (before that, with the default umask,
        // only root may connect anyway: connecting needs write permission)
        while (!(Files.exists(socket)
                        && PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))
                                .equals("rw-------"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                .isEqualTo("rw-------");
        String conf =
                "{\"cniVersion\":\"1.0.0\",\"name\":\"cli\",\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.68.0.0/24\"}}";
        AgentProtocol.Response r = call(
                socket,
                Map.of(
                        "CNI_COMMAND", "ADD",
                        "CNI_CONTAINERID", "c1",
                        "CNI_NETNS", "/run/netns/x",
                        "CNI_IFNAME", "net1",
                        "CNI_ARGS", "K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p;K8S_POD_UID=u"),
                conf);
        assertThat(r.exitCode()).isZero();
        assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).contains("\"address\":\"10.68.0.");
        AgentProtocol.Response check = call(
                socket,
                Map.of(
                        "CNI_COMMAND", "CHECK",
                        "CNI_CONTAINERID", "c1",
                        "CNI_NETNS", "/run/netns/x",
                        "CNI_IFNAME", "net1",
                        "CNI_ARGS", "K8S_POD_NAMESPACE=ns;K8S_POD_NAME=p;K8S_POD_UID=u"),
                conf); // no prevResult: code 7
        assertThat(check.exitCode()).isEqualTo(7);

        HttpResponse<String> metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("fabricbinder_cni_requests_total{command=\"ADD\",code=\"0\"} 1\n")
                .contains("fabricbinder_cni_requests_total{command=\"CHECK\",code=\"7\"} 1\n")
                .contains("fabricbinder_cni_request_duration_seconds_count{command=\"ADD\"} 1\n")
                .contains("fabricbinder_cni_request_duration_seconds_bucket{command=\"ADD\",le=\"+Inf\"} 1\n");
        agent.interrupt();
        agent.join(30_000);
        assertThat(agent.isAlive()).isFalse();
        assertThat(socket).doesNotExist();
    }

    @Test
    void metricsNeedTheIpamSocket() {
        CliRun run = CliRun.of("node-agent", "--node-name", "n1", "--metrics-bind-address", ":0");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--metrics-bind-address").contains("--ipam-socket");
    }

    @Test
    void needsExactlyOneStore() {
        CliRun none =
                CliRun.of("node-agent", "--ipam-socket", tmp.resolve("s.sock").toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--ipam-dir").contains("--etcd-endpoints");
        CliRun nothing = CliRun.of("node-agent");
        assertThat(nothing.code()).isEqualTo(2);
        assertThat(nothing.err()).contains("--ipam-socket");
    }

    private static AgentProtocol.Response call(Path socket, Map<String, String> env, String stdin) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            AgentProtocol.writeRequest(Channels.newOutputStream(ch), env, stdin.getBytes(StandardCharsets.UTF_8));
            return AgentProtocol.readResponse(Channels.newInputStream(ch));
        }
    }
}
