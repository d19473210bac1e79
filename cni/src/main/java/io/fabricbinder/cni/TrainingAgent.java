package io.fabricbinder.cni;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build-time only: a stand-in node agent for the training run that records the plugin's class
 * archive, so the archive holds the classes of a whole successful ADD (request written, answer
 * read, socket closed), not only those up to a failed connect. Serves {@code count} requests on
 * the socket with a fixed ADD result, then exits. Not a node agent: it allocates nothing.
 *
 * <p>Usage: {@code java -cp fabricbinder-cni.jar io.fabricbinder.cni.TrainingAgent SOCKET [COUNT]}
 */
public final class TrainingAgent {
    private static final byte[] RESULT =
            "{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"}]}\n".getBytes(StandardCharsets.UTF_8);

    private TrainingAgent() {}

    /**
     * Serves the requests, then exits.
     *
     * @param args the socket path and, optionally, how many requests to serve (default 1)
     * @throws IOException if the socket cannot be served
     */
    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            for (int i = 0; i < count; i++) {
                try (SocketChannel ch = server.accept()) {
                    AgentProtocol.readRequest(Channels.newInputStream(ch));
                    AgentProtocol.writeResponse(Channels.newOutputStream(ch), 0, RESULT);
                }
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }
}
