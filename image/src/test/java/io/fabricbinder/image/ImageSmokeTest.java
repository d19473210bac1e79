package io.fabricbinder.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image the build made ({@code target/fabricbinder-image.tar}, Jib's OCI tar) is what the
 * manifests in {@code deploy/} run: its config says a numeric non-root user and our entrypoint,
 * and {@code fabricbinder quickstart} runs in it under runc with a read-only root filesystem, as
 * uid 65532, with no capabilities and only a loopback network. Runs after {@code package} (failsafe);
 * needs root and Debian's skopeo, umoci and runc, which {@code .ci/run} installs.
 */
class ImageSmokeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TAR =
            Path.of(System.getProperty("fabricbinder.image.tar", "target/fabricbinder-image.tar"));
    private static final String NONROOT = "65532";

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

        run(List.of("skopeo", "copy", "-q", "oci-archive:" + TAR, "oci:" + dir.resolve("layout") + ":smoke"), 120);
        Path bundle = dir.resolve("bundle");
        run(List.of("umoci", "unpack", "--image", dir.resolve("layout") + ":smoke", bundle.toString()), 180);

        Path rootfs = bundle.resolve("rootfs");
        assertThat(rootfs.resolve("opt/java/bin/java")).isExecutable();
        assertThat(rootfs.resolve("opt/java/legal/java.base")).isDirectory();
        assertThat(rootfs.resolve("opt/NOTICE")).isRegularFile();
        // The CNI plugin directory the DaemonSet's init container installs on the node (cni-install's default).
        assertThat(rootfs.resolve("opt/fabricbinder/fabricbinder-ipam/fabricbinder-ipam"))
                .isExecutable();
        assertThat(Files.readString(rootfs.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");

        ObjectNode config =
                (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.path("process");
        // umoci carries the image config over: the user and the entrypoint are the image's.
        assertThat(process.path("user").path("uid").asInt()).isEqualTo(65532);
        assertThat(process.path("user").path("gid").asInt()).isEqualTo(65532);
        assertThat(texts(process.path("args"))).startsWith("/opt/java/bin/java");
        // What the Deployment's restricted securityContext asks for: read-only root, no capabilities,
        // no privilege escalation, no tty (there is none in a test).
        process.put("terminal", false);
        process.put("noNewPrivileges", true);
        ((ArrayNode) process.path("args")).add("quickstart");
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            caps.putArray(set);
        }
        ((ObjectNode) config.path("root")).put("readonly", true);
        JSON.writeValue(bundle.resolve("config.json").toFile(), config);

        String id = "fbsmoke-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try {
            String out = run(List.of("runc", "run", "--bundle", bundle.toString(), id), 300);
            assertThat(out)
                    .contains("6 fabric changes applied", "every leaf port was untagged")
                    .containsPattern("Done in [0-9.]+ s");
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
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(p.exitValue())
                    .as("%s exit code; output:%n%s", command, out)
                    .isZero();
            return out;
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
