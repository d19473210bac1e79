package io.fabricbinder.examples.cli;

import io.fabricbinder.core.AddressBook;
import io.fabricbinder.ipam.FileIpPoolStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where the IP allocations live, for {@code plan} and {@code apply} (a picocli mixin): a directory
 * (the ipam module's file store) or etcd. {@code plan} reads it so that an attachment holding an
 * address shows as {@code unchanged}; {@code apply} allocates and releases in it.
 */
final class IpamOptions {

    static final Path DEFAULT_DIR = Path.of(".fabricbinder-ipam");

    @Option(
            names = "--ipam-dir",
            paramLabel = "DIR",
            description = "File-backed IP pool store shared by every apply (default: .fabricbinder-ipam; "
                    + "plan only reads it, and only if it exists).")
    @Nullable
    Path ipamDir;

    @Option(
            names = "--etcd-endpoints",
            paramLabel = "URL[,URL...]",
            split = ",",
            description = "Keep the IP pools in etcd instead (client URLs, e.g. http://127.0.0.1:2379), "
                    + "under the key prefix --etcd-prefix.")
    List<URI> etcdEndpoints = new ArrayList<>();

    @Option(
            names = "--etcd-prefix",
            defaultValue = "fabricbinder/",
            paramLabel = "PREFIX",
            description = "Key prefix of the IP pools in etcd (default: ${DEFAULT-VALUE}).")
    String etcdPrefix = "fabricbinder/";

    /** An operator mistake in the IPAM options, already phrased for the user. */
    static final class InvalidIpamException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidIpamException(String message) {
            super(message);
        }
    }

    /** An opened store and the address book over it; close it when done. */
    record Opened(AddressBook addressBook, @Nullable IpPoolStore store) implements AutoCloseable {
        @Override
        public void close() {
            if (store != null) {
                store.close();
            }
        }
    }

    /**
     * Opens the store for writing ({@code apply}).
     *
     * @throws InvalidIpamException for a path that is not a usable directory, or bad options
     */
    Opened openForApply() {
        if (!etcdEndpoints.isEmpty()) {
            return etcd();
        }
        Path dir = ipamDir != null ? ipamDir : DEFAULT_DIR;
        return file(dir, true);
    }

    /**
     * Opens the store for reading ({@code plan}): the given one, else the default directory if it
     * exists, else an empty in-memory one (nothing allocated yet).
     */
    Opened openForPlan() {
        if (!etcdEndpoints.isEmpty()) {
            return etcd();
        }
        if (ipamDir == null && !Files.exists(DEFAULT_DIR)) {
            return new Opened(AddressBook.inMemory(), null);
        }
        Path dir = ipamDir != null ? ipamDir : DEFAULT_DIR;
        if (!Files.exists(dir)) {
            throw new InvalidIpamException("--ipam-dir " + dir + ": no such directory (apply creates it;"
                    + " leave the option out to plan against an empty IPAM)");
        }
        return file(dir, false);
    }

    private Opened etcd() {
        if (ipamDir != null) {
            throw new InvalidIpamException("--ipam-dir and --etcd-endpoints exclude each other: choose one store");
        }
        try {
            EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                    .endpoints(etcdEndpoints.stream().map(URI::toString).toList())
                    .keyPrefix(etcdPrefix)
                    .build();
            return new Opened(AddressBook.of(IpAllocator.create(store)), store);
        } catch (IllegalArgumentException e) {
            throw new InvalidIpamException("--etcd-endpoints/--etcd-prefix: " + e.getMessage());
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
            FileIpPoolStore store = FileIpPoolStore.open(dir);
            return new Opened(AddressBook.of(IpAllocator.create(store)), store);
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
