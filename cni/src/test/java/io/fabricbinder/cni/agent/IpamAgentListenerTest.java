package io.fabricbinder.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.cni.AgentProtocol;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IpamAgent.RequestListener}: the seam the node agent's request metrics hang on. */
class IpamAgentListenerTest {
    @TempDir
    Path tmp;

    @Test
    void everyAnsweredRequestIsReportedWithItsCommandCodeAndTime() throws IOException {
        InMemoryIpPoolStore store = new InMemoryIpPoolStore();
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Long> nanos = new CopyOnWriteArrayList<>();
        Path socket = tmp.resolve("ipam.sock");
        try (IpamAgent agent = IpamAgent.start(
                socket,
                new CniHandler(IpAllocator.create(store), store),
                Duration.ofSeconds(3),
                (command, code, took) -> {
                    seen.add(command + " " + code);
                    nanos.add(took);
                })) {
            String conf = CniHandlerTest.conf("1.0.0");
            assertThat(call(agent.socket(), CniHandlerTest.env("ADD", "c1", "web-0", "uid-1"), conf)
                            .exitCode())
                    .isZero();
            assertThat(call(agent.socket(), CniHandlerTest.env("DEL", "c1", "web-0", "uid-1"), conf)
                            .exitCode())
                    .isZero();
            assertThat(call(agent.socket(), CniHandlerTest.env("ADD", "c2", "web-1", "uid-2"), "not json")
                            .exitCode())
                    .isEqualTo(6);
            // Reported once each, after the answer was written: the caller may read it first.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        assertThat(seen).containsExactly("ADD 0", "DEL 0", "ADD 6");
        assertThat(nanos).allSatisfy(n -> assertThat(n).isPositive());
    }

    static AgentProtocol.Response call(Path socket, Map<String, String> env, String stdin) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            AgentProtocol.writeRequest(Channels.newOutputStream(ch), env, stdin.getBytes(StandardCharsets.UTF_8));
            return AgentProtocol.readResponse(Channels.newInputStream(ch));
        }
    }
}
