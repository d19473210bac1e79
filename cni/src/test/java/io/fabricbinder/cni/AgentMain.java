package io.fabricbinder.cni;

import io.fabricbinder.cni.agent.CniHandler;
import io.fabricbinder.cni.agent.IpamAgent;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.etcd.EtcdIpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A node agent in its own JVM, for tests that kill it with SIGKILL: {@code AgentMain SOCKET file DIR}
 * or {@code AgentMain SOCKET etcd URL,URL,URL PREFIX}. Prints "ready" when it listens.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        IpPoolStore store = args[1].equals("file")
                ? FileIpPoolStore.open(Path.of(args[2]))
                : EtcdIpPoolStore.builder()
                        .endpoints(Arrays.asList(args[2].split(",", -1)))
                        .keyPrefix(args[3])
                        .requestTimeout(Duration.ofMillis(1500))
                        .connectTimeout(Duration.ofMillis(1500))
                        .build();
        IpamAgent agent = IpamAgent.start(socket, new CniHandler(IpAllocator.create(store), store));
        System.out.println("ready");
        System.out.flush();
        agent.awaitClosed();
    }
}
