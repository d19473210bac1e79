package io.fabricbinder.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.sriov.LldpNeighbor;
import io.fabricbinder.sriov.LldpdPair;
import io.fabricbinder.sriov.NodeInventory;
import io.fabricbinder.sriov.PortIdSubtype;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image the build made ({@code target/fabricbinder-image.tar}, Jib's OCI tar) is what the
 * manifests in {@code deploy/} run: its config says a numeric non-root user and our entrypoint,
 * and {@code fabricbinder quickstart} runs in it under runc with a read-only root filesystem, as
 * uid 65532, with no capabilities and only a loopback network; in the same sandbox the image's
 * {@code lldpcli} reads a real lldpd through a bind-mounted control socket, as the node agent does
 * in the DaemonSet. Runs after {@code package} (failsafe); needs root and Debian's skopeo, umoci,
 * runc and lldpd (with iproute2), which {@code .ci/run} installs.
 */
class ImageSmokeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TAR =
            Path.of(System.getProperty("fabricbinder.image.tar", "target/fabricbinder-image.tar"));
    private static final String NONROOT = "65532";

    private static @Nullable Path unpackedWork;
    private static @Nullable Path unpackedRootfs;
    private static Path unpackedConfig = Path.of("config.json");

    @BeforeAll
    static void imageExists() {
        assertThat(TAR).as("the image tar Jib writes at package").isRegularFile();
    }

    @Test
    void configRunsFabricBinderAsNumericNonRootUser() throws Exception {
        assumeTrue(onPath("skopeo"), "needs skopeo");
        JsonNode config = JSON.readTree(run(List.of("skopeo", "inspect", "--config", "oci-archive:" + TAR), 60));

        JsonNode c = config.path("config");
        assertThat(c.path("User").asText()).isEqualTo(NONROOT + ":" + NONROOT);
        assertThat(texts(c.path("Entrypoint")))
                .startsWith("/opt/java/bin/java")
                .contains("-XX:-UsePerfData", "@/app/jib-classpath-file", "@/app/jib-main-class-file");
        assertThat(c.path("Cmd").isMissingNode()
                        || c.path("Cmd").isNull()
                        || c.path("Cmd").isEmpty())
                .as("no default arguments: the manifests say which subcommand")
                .isTrue();
        // Reproducible: Jib's epoch timestamps, not the build time.
        assertThat(config.path("created").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(config.path("rootfs").path("diff_ids")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void quickstartRunsUnderRuncReadOnlyAsNonRoot(@TempDir Path dir) throws Exception {
        assumeTrue(isRoot(), "needs root for runc");
        assumeTrue(onPath("skopeo") && onPath("umoci") && onPath("runc"), "needs skopeo, umoci and runc");
        Path rootfs = unpacked();

        assertThat(rootfs.resolve("opt/java/bin/java")).isExecutable();
        assertThat(rootfs.resolve("opt/java/legal/java.base")).isDirectory();
        assertThat(rootfs.resolve("opt/NOTICE")).isRegularFile();
        // The CNI plugin directory the DaemonSet's init container installs on the node (cni-install's default).
        assertThat(rootfs.resolve("opt/fabricbinder/fabricbinder-ipam/fabricbinder-ipam"))
                .isExecutable();
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");

        ObjectNode config = (ObjectNode) JSON.readTree(unpackedConfig.toFile());
        ObjectNode process = (ObjectNode) config.path("process");
        // umoci carries the image config over: the user and the entrypoint are the image's.
        assertThat(process.path("user").path("uid").asInt()).isEqualTo(65532);
        assertThat(process.path("user").path("gid").asInt()).isEqualTo(65532);
        assertThat(texts(process.path("args"))).startsWith("/opt/java/bin/java");

        Ran quickstart = runc(dir, List.of("quickstart"), c -> {});
        assertThat(quickstart.code()).as(quickstart.out()).isZero();
        assertThat(quickstart.out())
                .contains("6 fabric changes applied", "every leaf port was untagged")
                .containsPattern("Done in [0-9.]+ s");
    }

    /**
     * The node agent's LLDP source works in the image: a real lldpd (in a network namespace the
     * test makes, hearing a "leaf" lldpd over a veth pair) has its control socket bind-mounted into
     * the container at the path the DaemonSet mounts the host's, and {@code fabricbinder
     * sriov-inventory --lldpd-socket} in the container runs the image's {@code lldpcli} (by name,
     * through the image's PATH, as the node agent does) and prints the leaf's neighbour. The
     * container is the same sandbox as above (uid 65532, read-only root, no capabilities); the
     * socket is lldpd's {@code 0770 _lldpd:_lldpd}: without lldpd's group the read is refused (the
     * inventory is still printed, exit code 1), with it as a supplementary group it works.
     */
    @Test
    void lldpcliInTheImageReadsARealLldpdThroughTheMountedSocket(@TempDir Path dir) throws Exception {
        assumeTrue(isRoot(), "needs root for runc");
        assumeTrue(onPath("skopeo") && onPath("umoci") && onPath("runc"), "needs skopeo, umoci and runc");
        assumeTrue(LldpdPair.available(), "needs ip, lldpd and lldpcli");
        Path rootfs = unpacked();
        assertThat(rootfs.resolve("usr/sbin/lldpcli")).isExecutable();
        // lldpd drops privileges to _lldpd, which must reach its control socket below this directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lldpDir = Files.createDirectory(dir.resolve("lldp"));

        try (LldpdPair lldp = LldpdPair.start(
                lldpDir,
                List.of("configure system hostname node-1", "configure lldp tx-interval 1"),
                List.of(
                        "configure system hostname leaf1.smoke.example",
                        "configure lldp tx-interval 1",
                        "configure ports " + LldpdPair.B + " lldp portidsubtype local 531 description xe-0/0/12"))) {
            // The host side hears the leaf first, so the container reads a neighbour that is there.
            lldp.awaitNeighbor(lldp.socketA(), "json0", n -> n.chassisName().equals("leaf1.smoke.example"));
            int lldpdGid = (Integer) Files.getAttribute(lldp.socketA(), "unix:gid");

            List<String> inventory = List.of(
                    "sriov-inventory", "--sysfs-root=/sys", "--node=node-1", "--lldpd-socket=/run/lldpd.socket");
            Consumer<ObjectNode> socket = c -> {
                ObjectNode mount = ((ArrayNode) c.path("mounts")).addObject();
                mount.put("destination", "/run/lldpd.socket");
                mount.put("type", "bind");
                mount.put("source", lldp.socketA().toString());
                mount.putArray("options").add("bind").add("nosuid").add("nodev").add("noexec");
            };
            Consumer<ObjectNode> lldpdGroup =
                    c -> ((ObjectNode) c.path("process").path("user"))
                            .putArray("additionalGids")
                            .add(lldpdGid);

            // Without lldpd's group (or DAC_OVERRIDE, the DaemonSet's choice for its uid 0) the socket is closed.
            Ran denied = runc(dir.resolve("denied"), inventory, socket);
            Ran allowed = runc(dir.resolve("allowed"), inventory, socket.andThen(lldpdGroup));

            assertThat(denied.code()).as(denied.out()).isEqualTo(1);
            assertThat(denied.out()).contains("lldp: lldpcli exited with 1", "Permission denied");
            assertThat(allowed.code()).as(allowed.out()).isZero();
            String out = allowed.out();
            List<LldpNeighbor> heard = NodeInventory.fromJson(
                            out.substring(Math.max(0, out.indexOf('{')), out.lastIndexOf('}') + 1))
                    .neighbors();
            assertThat(heard)
                    .as("lldpcli's answer in the container; output:%n%s", out)
                    .anySatisfy(n -> {
                        assertThat(n.localInterface()).isEqualTo(lldp.interfaceA());
                        assertThat(n.chassisName()).isEqualTo("leaf1.smoke.example");
                        assertThat(n.portId()).isEqualTo("531");
                        assertThat(n.portIdSubtype()).isEqualTo(PortIdSubtype.LOCALLY_ASSIGNED);
                        assertThat(n.portDescription()).isEqualTo("xe-0/0/12");
                    });
        }
    }

    /** The image unpacked once for every test (umoci takes a while): its rootfs. */
    private static synchronized Path unpacked() throws Exception {
        if (unpackedRootfs == null) {
            Path work = Files.createTempDirectory("fabricbinder-image-smoke");
            run(List.of("skopeo", "copy", "-q", "oci-archive:" + TAR, "oci:" + work.resolve("layout") + ":smoke"), 120);
            Path bundle = work.resolve("bundle");
            run(List.of("umoci", "unpack", "--image", work.resolve("layout") + ":smoke", bundle.toString()), 180);
            unpackedConfig = bundle.resolve("config.json");
            unpackedRootfs = bundle.resolve("rootfs");
            unpackedWork = work;
        }
        return unpackedRootfs;
    }

    @AfterAll
    static void removeUnpacked() throws IOException {
        if (unpackedWork != null) {
            try (var files = Files.walk(unpackedWork)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Runs the image's entrypoint with {@code args} under runc in a bundle of its own (under {@code
     * dir}) over the shared rootfs, as the manifests' restricted securityContext asks: read-only
     * root, no capabilities, no privilege escalation, no tty (there is none in a test).
     */
    private static Ran runc(Path dir, List<String> args, Consumer<ObjectNode> adjust) throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(unpackedConfig.toFile());
        ObjectNode process = (ObjectNode) config.path("process");
        process.put("terminal", false);
        process.put("noNewPrivileges", true);
        args.forEach(((ArrayNode) process.path("args"))::add);
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            caps.putArray(set);
        }
        ObjectNode root = (ObjectNode) config.path("root");
        root.put("readonly", true);
        root.put("path", Objects.requireNonNull(unpackedRootfs).toString());
        adjust.accept(config);
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        JSON.writeValue(bundle.resolve("config.json").toFile(), config);

        String id = "fbsmoke-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try {
            return exec(List.of("runc", "run", "--bundle", bundle.toString(), id), 300);
        } finally {
            // The container is gone when runc run returns; after a timeout it is not.
            new ProcessBuilder("runc", "delete", "--force", id)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Ran ran = exec(command, timeoutSeconds);
        assertThat(ran.code())
                .as("%s exit code; output:%n%s", command, ran.out())
                .isZero();
        return ran.out();
    }

    /** A finished command: its exit code and its output (stdout and stderr together). */
    private record Ran(int code, String out) {}

    private static Ran exec(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("fabricbinder-image", ".log");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Ran(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static boolean onPath(String tool) {
        for (String d : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
