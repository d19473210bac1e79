package io.fabricbinder.examples.cli;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.fabricbinder.cni.agent.CniHandler;
import io.fabricbinder.cni.agent.IpamAgent;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.etcd.EtcdIpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
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

    @Option(
            names = "--ipam-dir",
            paramLabel = "DIR",
            description = "IP pool store: a directory shared by every agent and the controller (file store).")
    @Nullable
    Path dir;

    @Option(
            names = "--etcd-endpoints",
            split = ",",
            paramLabel = "URL",
            description = "IP pool store: etcd client URLs, comma-separated, e.g. https://10.0.0.5:2379.")
    List<URI> etcdEndpoints = List.of();

    @Option(
            names = "--etcd-prefix",
            defaultValue = "fabricbinder/",
            paramLabel = "PREFIX",
            description = "Key prefix in etcd (default: ${DEFAULT-VALUE}); the controller must use the same.")
    String etcdPrefix = "fabricbinder/";

    @Option(names = "--etcd-cacert", paramLabel = "FILE", description = "PEM CA bundle that signed etcd's certificate.")
    @Nullable
    Path etcdCacert;

    @Option(
            names = "--etcd-cert",
            paramLabel = "FILE",
            description = "PEM client certificate for etcd (with --etcd-key).")
    @Nullable
    Path etcdCert;

    @Option(names = "--etcd-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --etcd-cert.")
    @Nullable
    Path etcdKey;

    @Option(
            names = "--etcd-timeout",
            defaultValue = "PT1.5S",
            paramLabel = "DURATION",
            description = "Per-request etcd timeout (default: ${DEFAULT-VALUE}); the plugin answers code 11 "
                    + "(try again later) after 4.5 s in any case.")
    Duration etcdTimeout = Duration.ofMillis(1500);

    private @Nullable Client tlsClient;

    /** Whether IPAM serving was asked for. */
    boolean enabled() {
        return socket != null;
    }

    /** A problem with the options, or null. */
    @Nullable
    String problem() {
        if (socket == null) {
            return dir != null || !etcdEndpoints.isEmpty()
                    ? "--ipam-dir and --etcd-endpoints need --ipam-socket"
                    : null;
        }
        if ((dir == null) == etcdEndpoints.isEmpty()) {
            return "--ipam-socket needs exactly one store: --ipam-dir DIR or --etcd-endpoints URL,...";
        }
        if ((etcdCert == null) != (etcdKey == null)) {
            return "--etcd-cert and --etcd-key go together";
        }
        if (dir != null && (etcdCacert != null || etcdCert != null)) {
            return "--etcd-cacert/--etcd-cert/--etcd-key only apply with --etcd-endpoints";
        }
        return null;
    }

    /** A running IPAM service: the agent and the store it owns. */
    static final class Running implements AutoCloseable {
        final IpamAgent agent;
        private final IpPoolStore store;
        private final @Nullable Client client;

        Running(IpamAgent agent, IpPoolStore store, @Nullable Client client) {
            this.agent = agent;
            this.store = store;
            this.client = client;
        }

        @Override
        public void close() {
            agent.close();
            store.close();
            if (client != null) {
                client.close();
            }
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
        IpPoolStore store = openStore();
        try {
            return new Running(
                    IpamAgent.start(
                            s, new CniHandler(IpAllocator.create(store), store), IpamAgent.DEFAULT_DEADLINE, listener),
                    store,
                    tlsClient);
        } catch (RuntimeException e) {
            store.close();
            if (tlsClient != null) {
                tlsClient.close();
            }
            throw e;
        }
    }

    private IpPoolStore openStore() throws IOException {
        Path d = dir;
        if (d != null) {
            return FileIpPoolStore.open(d);
        }
        List<String> urls = etcdEndpoints.stream().map(URI::toString).toList();
        EtcdIpPoolStore.Builder b = EtcdIpPoolStore.builder()
                .keyPrefix(etcdPrefix)
                .requestTimeout(etcdTimeout)
                .connectTimeout(etcdTimeout);
        if (etcdCacert == null && etcdCert == null) {
            return b.endpoints(urls).build();
        }
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (etcdCacert != null) {
            ssl.trustManager(etcdCacert.toFile());
        }
        Path cert = etcdCert;
        Path key = etcdKey;
        if (cert != null && key != null) {
            ssl.keyManager(cert.toFile(), key.toFile());
        }
        ClientBuilder cb =
                Client.builder().endpoints(urls.toArray(String[]::new)).sslContext(ssl.build());
        Client client = cb.build();
        tlsClient = client; // the store does not close a client handed in; Running does
        return b.client(client).build();
    }
}
