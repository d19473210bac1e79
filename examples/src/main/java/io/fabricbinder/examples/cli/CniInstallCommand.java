package io.fabricbinder.examples.cli;

import io.fabricbinder.cni.NodeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fabricbinder cni-install}: what the DaemonSet's init container runs. Installs the
 * self-contained {@code fabricbinder-ipam} plugin directory ({@code cni/target/fabricbinder-ipam},
 * in the image at {@code /opt/fabricbinder/fabricbinder-ipam}) into the CNI bin directory and writes
 * the plugin's node configuration with mode 0600. Every file becomes visible atomically: the
 * directory (the forwarder, the Java plugin and its runtime) under {@code
 * <bin-dir>/fabricbinder-ipam.d/<content hash>/} is copied aside and renamed into place, then the
 * symbolic link {@code <bin-dir>/fabricbinder-ipam -> fabricbinder-ipam.d/<content hash>/fabricbinder-ipam}
 * is made aside and renamed over the old one, so a runtime exec'ing the plugin meanwhile runs
 * either the old or the new one. The link is relative, so it holds wherever the host's bin
 * directory is mounted; the forwarder finds the Java plugin next to its own resolved path.
 */
@Command(
        name = "cni-install",
        mixinStandardHelpOptions = true,
        description = {
            "Installs the fabricbinder-ipam CNI plugin into --bin-dir (atomically: written aside, then renamed) "
                    + "and writes its node configuration {\"socket\": ...} with mode 0600 under --conf-dir "
                    + "(fabricbinder.d/fabricbinder-ipam.conf). Idempotent."
        })
final class CniInstallCommand implements Callable<Integer> {
    /** What a fabricbinder-ipam directory holds; the first missing one is named. */
    private static final List<String> REQUIRED = List.of(
            "runtime/bin/java",
            "lib/fabricbinder-cni.jar",
            "lib/jackson-core.jar",
            "fabricbinder-ipam-jvm",
            "fabricbinder-ipam");

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bin-dir",
            required = true,
            paramLabel = "DIR",
            description = "CNI plugin directory, e.g. /host/opt/cni/bin.")
    Path binDir = Path.of("/opt/cni/bin");

    @Option(
            names = "--conf-dir",
            required = true,
            paramLabel = "DIR",
            description = "CNI configuration directory, e.g. /host/etc/cni/net.d.")
    Path confDir = Path.of("/etc/cni/net.d");

    @Option(
            names = "--socket",
            required = true,
            paramLabel = "PATH",
            description = "The node agent's socket as the host sees it (node-agent --ipam-socket), e.g. "
                    + "/run/fabricbinder/ipam.sock.")
    Path socket = Path.of("/run/fabricbinder/ipam.sock");

    @Option(
            names = "--source",
            paramLabel = "DIR",
            description = "The fabricbinder-ipam directory to install (default: $FABRICBINDER_IPAM_HOME, else "
                    + "/opt/fabricbinder/fabricbinder-ipam).")
    @Nullable
    Path source;

    CniInstallCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path given = source;
        Path src = given != null
                ? given
                : Path.of(env.getOrDefault("FABRICBINDER_IPAM_HOME", "/opt/fabricbinder/fabricbinder-ipam"));
        for (String required : REQUIRED) {
            if (!Files.isRegularFile(src.resolve(required))) {
                err.println("fabricbinder cni-install: --source " + src + " is not a fabricbinder-ipam directory ("
                        + required + " is missing; build it with ./mvnw package)");
                return FabricBinderCli.EXIT_INPUT_ERRORS;
            }
        }
        if (!socket.isAbsolute()) {
            err.println("fabricbinder cni-install: --socket must be an absolute path: " + socket);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        Files.createDirectories(binDir);
        String id = contentId(src);
        Path homes = Files.createDirectories(binDir.resolve("fabricbinder-ipam.d"));
        Path home = homes.resolve(id);
        if (!Files.isRegularFile(home.resolve(".complete"))) {
            Path tmp =
                    homes.resolve(".tmp-" + id + "-" + ProcessHandle.current().pid());
            deleteTree(tmp);
            copyTree(src, tmp);
            Files.writeString(tmp.resolve(".complete"), id + "\n");
            try {
                Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp); // a concurrent install of the same content won
            }
        }
        linkAtomically(binDir.resolve("fabricbinder-ipam"), Path.of("fabricbinder-ipam.d", id, "fabricbinder-ipam"));
        Path confFile = confDir.resolve("fabricbinder.d").resolve("fabricbinder-ipam.conf");
        Path confParent = Objects.requireNonNull(confFile.getParent());
        if (!Files.isDirectory(confParent)) {
            Files.createDirectories(
                    confParent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String json = "{\"socket\":" + jsonString(socket.toString()) + "}\n";
        writeAtomically(confFile, json, "rw-------");
        out.println("fabricbinder cni-install: " + binDir.resolve("fabricbinder-ipam") + " -> " + home);
        out.println("fabricbinder cni-install: " + confFile + " (0600) -> socket " + socket);
        if (!confFile.toAbsolutePath().toString().endsWith(NodeConfig.DEFAULT_PATH.substring(1))) {
            out.println("fabricbinder cni-install: note: the plugin reads " + NodeConfig.DEFAULT_PATH
                    + " on the host unless " + NodeConfig.ENV_OVERRIDE + " is set");
        }
        return 0;
    }

    /** Points {@code link} at {@code target}: a new link made aside, then renamed over the old file. */
    private static void linkAtomically(Path link, Path target) throws IOException {
        Path tmp = link.resolveSibling(
                "." + link.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, target);
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes {@code text} to a temporary file next to {@code target} with {@code mode}, then renames. */
    static void writeAtomically(Path target, String text, String mode) throws IOException {
        Path tmp = target.resolveSibling(
                "." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode)); // umask-proof
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String contentId(Path src) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : List.of(
                    "lib/fabricbinder-cni.jar",
                    "lib/jackson-core.jar",
                    "runtime/release",
                    "fabricbinder-ipam",
                    "fabricbinder-ipam-jvm")) {
                Path p = src.resolve(f);
                if (Files.isRegularFile(p)) {
                    sha.update(Files.readAllBytes(p));
                }
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path rel = from.relativize(p);
                Path dst = to.resolve(rel.toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p :
                    all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < ' ') {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
