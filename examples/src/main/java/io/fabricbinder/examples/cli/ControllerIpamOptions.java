package io.fabricbinder.examples.cli;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.etcd.EtcdIpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where {@code fabricbinder controller} keeps the IP pools (a picocli mixin): the file store in
 * {@code --ipam-dir} (one replica: a volume only one pod writes), or etcd (two or more replicas),
 * over TLS with a client certificate when the endpoints are {@code https}. The etcd option names
 * are {@code apply}'s.
 */
final class ControllerIpamOptions {

    @Option(
            names = "--etcd-endpoints",
            paramLabel = "URL[,URL...]",
            split = ",",
            description = "Keep the IP pools in etcd instead of --ipam-dir (client URLs, e.g. "
                    + "https://etcd-0:2379); required for more than one replica.")
    List<URI> etcdEndpoints = new ArrayList<>();

    @Option(
            names = "--etcd-prefix",
            defaultValue = "fabricbinder/",
            paramLabel = "PREFIX",
            description = "Key prefix of the IP pools in etcd (default: ${DEFAULT-VALUE}).")
    String etcdPrefix = "fabricbinder/";

    @Option(
            names = "--etcd-ca-cert",
            paramLabel = "FILE",
            description = "PEM CA certificate(s) that signed etcd's server certificate (https endpoints).")
    @Nullable
    Path etcdCaCert;

    @Option(
            names = "--etcd-cert",
            paramLabel = "FILE",
            description = "PEM client certificate for etcd (with --etcd-key).")
    @Nullable
    Path etcdCert;

    @Option(names = "--etcd-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --etcd-cert.")
    @Nullable
    Path etcdKey;

    /** An operator mistake in these options, already phrased for the user. */
    static final class InvalidIpamException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidIpamException(String message) {
            super(message);
        }
    }

    /** True when the pools live in etcd. */
    boolean usesEtcd() {
        return !etcdEndpoints.isEmpty();
    }

    /**
     * Checks the options without connecting anywhere.
     *
     * @throws InvalidIpamException naming the option at fault
     */
    void check(boolean ipamDirGiven) {
        if (!usesEtcd()) {
            for (Object o : new Object[] {etcdCaCert, etcdCert, etcdKey}) {
                if (o != null) {
                    throw new InvalidIpamException("--etcd-ca-cert, --etcd-cert and --etcd-key need --etcd-endpoints");
                }
            }
            return;
        }
        if (ipamDirGiven) {
            throw new InvalidIpamException("--ipam-dir and --etcd-endpoints exclude each other: choose one store");
        }
        boolean tls = etcdEndpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
        boolean plain = etcdEndpoints.stream().anyMatch(u -> !"https".equals(u.getScheme()));
        if (tls && plain) {
            throw new InvalidIpamException("--etcd-endpoints: mix of https and http endpoints " + etcdEndpoints);
        }
        if (!tls && (etcdCaCert != null || etcdCert != null || etcdKey != null)) {
            throw new InvalidIpamException(
                    "--etcd-ca-cert/--etcd-cert/--etcd-key need https endpoints, got " + etcdEndpoints);
        }
        if ((etcdCert == null) != (etcdKey == null)) {
            throw new InvalidIpamException("--etcd-cert and --etcd-key go together");
        }
        for (Path p : new Path[] {etcdCaCert, etcdCert, etcdKey}) {
            if (p != null && !Files.isReadable(p)) {
                throw new InvalidIpamException(option(p) + " " + p + ": not a readable file");
            }
        }
    }

    private String option(Path p) {
        return p == etcdCaCert ? "--etcd-ca-cert" : p == etcdCert ? "--etcd-cert" : "--etcd-key";
    }

    /** An opened store and the etcd client it runs on (if this class made one); close when done. */
    record Opened(IpPoolStore store, @Nullable Client client) implements AutoCloseable {
        @Override
        public void close() {
            try {
                store.close();
            } finally {
                if (client != null) {
                    client.close();
                }
            }
        }
    }

    /**
     * Opens the store: etcd when endpoints are given, else the file store in {@code ipamDir}.
     *
     * @throws InvalidIpamException for options that cannot work
     */
    Opened open(Path ipamDir) {
        if (!usesEtcd()) {
            return new Opened(FileIpPoolStore.open(ipamDir), null);
        }
        List<String> endpoints = etcdEndpoints.stream().map(URI::toString).toList();
        boolean tls = etcdEndpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
        if (!tls) {
            return new Opened(
                    EtcdIpPoolStore.builder()
                            .endpoints(endpoints)
                            .keyPrefix(etcdPrefix)
                            .build(),
                    null);
        }
        ClientBuilder cb = Client.builder().endpoints(endpoints.toArray(String[]::new));
        try {
            Path ca = etcdCaCert;
            Path cert = etcdCert;
            Path key = etcdKey;
            cb.sslContext(b -> {
                if (ca != null) {
                    b.trustManager(ca.toFile());
                }
                if (cert != null && key != null) {
                    b.keyManager(cert.toFile(), key.toFile());
                }
            });
        } catch (SSLException | IllegalArgumentException e) {
            throw new InvalidIpamException("--etcd-ca-cert/--etcd-cert/--etcd-key: " + e.getMessage());
        }
        Client client = cb.build();
        EtcdIpPoolStore store;
        try {
            store = EtcdIpPoolStore.builder()
                    .client(client)
                    .keyPrefix(etcdPrefix)
                    .build();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return new Opened(store, client);
    }
}
