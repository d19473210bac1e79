package io.fabricbinder.examples.cli;

import io.fabricbinder.cni.agent.CniHandler;
import io.fabricbinder.cni.agent.IpamAgent;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The node agent's IPAM service options ({@code --ipam-socket} with {@code --ipam-dir} or {@code
 * --etcd-endpoints}), as a picocli mixin so the {@code node-agent} command stays thin: {@link
 * #start(IpamAgent.RequestListener)} opens the store and serves the {@code fabricbinder-ipam} plugin on the socket. Needs no
 * Kubernetes connection.
 */
final class IpamSocketOptions {

    @Option(
            names = "--ipam-socket",
            paramLabel = "PATH",
            description = "Serve the fabricbinder-ipam CNI plugin on this unix domain socket (created 0600, "
                    + "its directory 0700), e.g. /run/fabricbinder/ipam.sock; needs --ipam-dir or --etcd-endpoints.")
    @Nullable
    Path socket;

    /** The store the plugin's requests are served from (the same options as the controller's). */
    @Mixin
    IpamStoreOptions store = new IpamStoreOptions();

    @Option(
            names = "--etcd-timeout",
            defaultValue = "PT1.5S",
            paramLabel = "DURATION",
            description = "Per-request etcd timeout (default: ${DEFAULT-VALUE}); the plugin answers code 11 "
                    + "(try again later) after 4.5 s in any case.")
    Duration etcdTimeout = Duration.ofMillis(1500);

    /** Whether IPAM serving was asked for. */
    boolean enabled() {
        return socket != null;
    }

    /** A problem with the options, or null. */
    @Nullable
    String problem() {
        if (socket == null) {
            return store.storeGiven() ? "--ipam-dir and --etcd-endpoints need --ipam-socket" : null;
        }
        if ((store.ipamDir == null) == store.etcdEndpoints.isEmpty()) {
            return "--ipam-socket needs exactly one store: --ipam-dir DIR or --etcd-endpoints URL,...";
        }
        try {
            store.check();
        } catch (IpamStoreOptions.InvalidIpamException e) {
            return e.getMessage();
        }
        return null;
    }

    /** A running IPAM service: the agent and the store it owns. */
    static final class Running implements AutoCloseable {
        final IpamAgent agent;
        private final IpamStoreOptions.Opened store;

        Running(IpamAgent agent, IpamStoreOptions.Opened store) {
            this.agent = agent;
            this.store = store;
        }

        @Override
        public void close() {
            agent.close();
            store.close();
        }
    }

    /**
     * Opens the store and starts serving, telling {@code listener} about every answered request;
     * {@link #problem()} must be null and {@link #enabled()} true.
     */
    Running start(IpamAgent.RequestListener listener) throws IOException {
        Path s = socket;
        if (s == null) {
            throw new IllegalStateException("--ipam-socket is not set");
        }
        IpamStoreOptions.Opened opened = store.open(null, etcdTimeout); // no default: one store is named
        warmUp(opened.store());
        try {
            return new Running(
                    IpamAgent.start(
                            s,
                            new CniHandler(opened.allocator(), opened.store()),
                            IpamAgent.DEFAULT_DEADLINE,
                            listener),
                    opened);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * Reads the store once or twice before serving. An etcd client connects lazily: without this the
     * first ADD after the agent starts pays for the gRPC channel's set-up inside its deadline and, on a
     * loaded node, answers "try again later" (seen in the system test at load 12-15). A store that
     * cannot be reached yet is not an error here: each request reports it with code 11.
     */
    private static void warmUp(IpPoolStore store) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                store.find("cni/status");
                return;
            } catch (IpPoolStoreException e) {
                // not reachable (yet): the next attempt, or the first request, tries again
            }
        }
    }
}
