package io.fabricbinder.examples.cli;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.fabricbinder.core.AddressBook;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.etcd.EtcdIpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where the IP pools live, one picocli mixin for every command that uses them ({@code plan},
 * {@code apply}, {@code controller}, {@code node-agent}): the ipam module's file store in a
 * directory, or etcd, over TLS with a client certificate when the endpoints are {@code https}. The
 * TLS options are spelt as etcdctl's ({@code --cacert}, {@code --cert}, {@code --key}) with an
 * {@code etcd-} prefix; the controller's earlier {@code --etcd-ca-cert} is still accepted, hidden,
 * on the command line and as a {@code --config} file key, so no deployment breaks.
 *
 * <p>The file store's default directory is the command's: {@code apply} {@value #APPLY_DIR} (which
 * {@code plan} reads only when it exists), {@code controller} {@value #CONTROLLER_DIR}; the node
 * agent has none (it needs one store named).
 */
final class IpamStoreOptions {

    static final String APPLY_DIR = ".fabricbinder-ipam";
    static final String CONTROLLER_DIR = "/var/lib/fabricbinder/ipam";
    private static final String TLS_OPTIONS = "--etcd-cacert/--etcd-cert/--etcd-key";

    @Option(
            names = "--ipam-dir",
            paramLabel = "DIR",
            description = "IP pool store in a directory (the file store; one writer host). Default: apply "
                    + APPLY_DIR + " (plan reads it only if it exists), controller " + CONTROLLER_DIR
                    + ", node-agent none.")
    @Nullable
    Path ipamDir;

    @Option(
            names = "--etcd-endpoints",
            paramLabel = "URL[,URL...]",
            split = ",",
            description = "Keep the IP pools in etcd instead of --ipam-dir (client URLs, e.g. https://etcd-0:2379);"
                    + " required for more than one controller replica or node agents on several nodes.")
    List<URI> etcdEndpoints = new ArrayList<>();

    @Option(
            names = "--etcd-prefix",
            defaultValue = "fabricbinder/",
            paramLabel = "PREFIX",
            description = "Key prefix of the IP pools in etcd (default: ${DEFAULT-VALUE}); the controller and "
                    + "the node agents must use the same.")
    String etcdPrefix = "fabricbinder/";

    @Option(
            names = "--etcd-cacert",
            paramLabel = "FILE",
            description = "PEM CA certificate(s) that signed etcd's server certificate (https endpoints).")
    @Nullable
    Path etcdCacert;

    /** The controller's spelling before the options were merged; kept so existing deployments work. */
    @Option(names = "--etcd-ca-cert", paramLabel = "FILE", hidden = true)
    @Nullable
    Path etcdCaCertOld;

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

    /**
     * An opened store, an allocator over it and the etcd client made for it (if any); close when
     * done.
     */
    record Opened(
            IpPoolStore store,
            IpAllocator allocator,
            @Nullable Client client) implements AutoCloseable {
        Opened(IpPoolStore store, @Nullable Client client) {
            this(store, IpAllocator.create(store), client);
        }

        /** The planner's view of the allocator. */
        AddressBook addressBook() {
            return AddressBook.of(allocator);
        }

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

    /** True when the pools live in etcd. */
    boolean usesEtcd() {
        return !etcdEndpoints.isEmpty();
    }

    /** True when either store is named. */
    boolean storeGiven() {
        return ipamDir != null || usesEtcd();
    }

    /** The CA file, under either spelling. */
    @Nullable
    Path caCert() {
        return etcdCacert != null ? etcdCacert : etcdCaCertOld;
    }

    /**
     * Checks the options without connecting anywhere.
     *
     * @throws InvalidIpamException naming the option at fault
     */
    void check() {
        Path ca = caCert();
        if (!usesEtcd()) {
            if (ca != null || etcdCert != null || etcdKey != null) {
                throw new InvalidIpamException(TLS_OPTIONS + " need --etcd-endpoints");
            }
            return;
        }
        if (ipamDir != null) {
            throw new InvalidIpamException("--ipam-dir and --etcd-endpoints exclude each other: choose one store");
        }
        boolean tls = etcdEndpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
        boolean plain = etcdEndpoints.stream().anyMatch(u -> !"https".equals(u.getScheme()));
        if (tls && plain) {
            throw new InvalidIpamException("--etcd-endpoints: mix of https and http endpoints " + etcdEndpoints);
        }
        if (!tls && (ca != null || etcdCert != null || etcdKey != null)) {
            throw new InvalidIpamException(TLS_OPTIONS + " need https endpoints, got " + etcdEndpoints);
        }
        if ((etcdCert == null) != (etcdKey == null)) {
            throw new InvalidIpamException("--etcd-cert and --etcd-key go together");
        }
        if (ca != null && !Files.isReadable(ca)) {
            throw new InvalidIpamException("--etcd-cacert " + ca + ": not a readable file");
        }
        if (etcdCert != null && !Files.isReadable(etcdCert)) {
            throw new InvalidIpamException("--etcd-cert " + etcdCert + ": not a readable file");
        }
        if (etcdKey != null && !Files.isReadable(etcdKey)) {
            throw new InvalidIpamException("--etcd-key " + etcdKey + ": not a readable file");
        }
    }

    /**
     * Checks and opens the store: etcd when endpoints are given, else the file store in {@code
     * --ipam-dir} or {@code defaultDir}.
     *
     * @param defaultDir the file store when neither {@code --ipam-dir} nor {@code --etcd-endpoints}
     *     is given; null when one of them must be
     * @param etcdTimeout etcd's request and connect timeout; null for the store's defaults
     * @throws InvalidIpamException for options that cannot work
     */
    Opened open(@Nullable Path defaultDir, @Nullable Duration etcdTimeout) {
        check();
        if (usesEtcd()) {
            return etcd(etcdTimeout);
        }
        Path dir = ipamDir != null ? ipamDir : defaultDir;
        if (dir == null) {
            throw new InvalidIpamException("no IP pool store: give --ipam-dir DIR or --etcd-endpoints URL,...");
        }
        return file(dir, true);
    }

    /** Opens the store for writing ({@code apply}), by default in {@value #APPLY_DIR}. */
    Opened openForApply() {
        return open(Path.of(APPLY_DIR), null);
    }

    /**
     * Opens the store for reading ({@code plan}): the given one, else {@value #APPLY_DIR} if it
     * exists, else an empty in-memory one (nothing allocated yet).
     */
    Opened openForPlan() {
        check();
        if (usesEtcd()) {
            return etcd(null);
        }
        Path dir = ipamDir;
        if (dir == null) {
            dir = Path.of(APPLY_DIR);
            if (!Files.exists(dir)) {
                InMemoryIpPoolStore empty = new InMemoryIpPoolStore();
                // As AddressBook.inMemory(): a fixed seed, so a plan's addresses are repeatable.
                return new Opened(
                        empty, IpAllocator.builder(empty).randomSeed(1).build(), null);
            }
        } else if (!Files.exists(dir)) {
            throw new InvalidIpamException("--ipam-dir " + dir + ": no such directory (apply creates it;"
                    + " leave the option out to plan against an empty IPAM)");
        }
        return file(dir, false);
    }

    private Opened etcd(@Nullable Duration timeout) {
        List<String> endpoints = etcdEndpoints.stream().map(URI::toString).toList();
        boolean tls = etcdEndpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
        EtcdIpPoolStore.Builder b = EtcdIpPoolStore.builder().keyPrefix(etcdPrefix);
        if (timeout != null) {
            b.requestTimeout(timeout).connectTimeout(timeout);
        }
        if (!tls) {
            try {
                return new Opened(b.endpoints(endpoints).build(), null);
            } catch (IllegalArgumentException e) {
                throw new InvalidIpamException("--etcd-endpoints/--etcd-prefix: " + e.getMessage());
            }
        }
        ClientBuilder cb = Client.builder().endpoints(endpoints.toArray(String[]::new));
        if (timeout != null) {
            cb.connectTimeout(timeout);
        }
        Path ca = caCert();
        Path cert = etcdCert;
        Path key = etcdKey;
        try {
            cb.sslContext(ssl -> {
                if (ca != null) {
                    ssl.trustManager(ca.toFile());
                }
                if (cert != null && key != null) {
                    ssl.keyManager(cert.toFile(), key.toFile());
                }
            });
        } catch (SSLException | IllegalArgumentException e) {
            throw new InvalidIpamException(TLS_OPTIONS + ": " + e.getMessage());
        }
        Client client = cb.build();
        try {
            // The store does not close a client handed in; Opened does.
            return new Opened(b.client(client).build(), client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static Opened file(Path dir, boolean write) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidIpamException("--ipam-dir " + dir + ": not a directory (it is a file); give a directory"
                    + " for the IP pool store");
        }
        if (write && Files.isDirectory(dir) && !Files.isWritable(dir)) {
            throw new InvalidIpamException("--ipam-dir " + dir + ": permission denied (the directory is not"
                    + " writable); give a directory this user can write");
        }
        try {
            return new Opened(FileIpPoolStore.open(dir), null);
        } catch (IpPoolStoreException e) {
            throw new InvalidIpamException(describe(dir, e));
        }
    }

    /** "not a directory" / "permission denied" / "read-only file system" for a store that cannot open. */
    static String describe(Path dir, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotDirectoryException || t instanceof java.nio.file.FileAlreadyExistsException) {
                return "--ipam-dir " + dir + ": not a directory (" + t.getMessage() + ")";
            }
            if (t instanceof AccessDeniedException) {
                return "--ipam-dir " + dir + ": permission denied (" + t.getMessage()
                        + "); give a directory this user can write";
            }
            if (t instanceof FileSystemException f) {
                String reason = String.valueOf(f.getReason()).toLowerCase(Locale.ROOT);
                if (reason.contains("read-only")) {
                    return "--ipam-dir " + dir + ": read-only file system; give a writable directory";
                }
                if (reason.contains("not permitted") || reason.contains("permission")) {
                    return "--ipam-dir " + dir + ": permission denied (" + f.getMessage()
                            + "); give a directory this user can write";
                }
                if (reason.contains("not a directory")) {
                    return "--ipam-dir " + dir + ": not a directory (" + f.getMessage() + ")";
                }
            }
        }
        return "--ipam-dir " + dir + ": cannot open the IP pool store: " + e.getMessage();
    }
}
