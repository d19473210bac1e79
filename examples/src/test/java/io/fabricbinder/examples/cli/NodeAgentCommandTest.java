package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.cni.AgentProtocol;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
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
    void servesIpamOnAPrivateSocketUntilInterrupted() throws Exception {
        Path socket = tmp.resolve("run/ipam.sock");
        AtomicReference<CliRun> result = new AtomicReference<>();
        Thread agent = new Thread(() -> result.set(CliRun.of(
                "node-agent",
                "--ipam-socket",
                socket.toString(),
                "--ipam-dir",
                tmp.resolve("store").toString())));
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
        agent.interrupt();
        agent.join(30_000);
        assertThat(agent.isAlive()).isFalse();
        assertThat(socket).doesNotExist();
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
