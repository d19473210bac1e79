package io.fabricbinder.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that connects and never sends its whole request does not hold a thread of the agent: the
 * agent hangs up once the deadline has passed, and goes on serving others.
 */
class IpamAgentHangUpTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(30)
    void aClientThatSendsNothingIsHungUpOnAndOthersAreServed() throws IOException {
        InMemoryIpPoolStore store = new InMemoryIpPoolStore();
        try (IpamAgent agent = IpamAgent.start(
                        tmp.resolve("ipam.sock"),
                        new CniHandler(IpAllocator.create(store), store),
                        Duration.ofMillis(300));
                SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX);
                SocketChannel partial = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.connect(UnixDomainSocketAddress.of(agent.socket()));
            partial.connect(UnixDomainSocketAddress.of(agent.socket()));
            partial.write(ByteBuffer.wrap(new byte[] {0x46, 0x42})); // half of the magic
            // Blocks until the agent closes the connection: end of stream, never an answer (an agent
            // that kept it would hang here until @Timeout fails the test)
            assertThat(silent.read(ByteBuffer.allocate(16))).isEqualTo(-1);
            assertThat(partial.read(ByteBuffer.allocate(16))).isEqualTo(-1);

            String conf = CniHandlerTest.conf("1.0.0");
            assertThat(IpamAgentListenerTest.call(
                                    agent.socket(), CniHandlerTest.env("ADD", "c1", "web-0", "uid-1"), conf)
                            .exitCode())
                    .isZero();
        }
    }
}
