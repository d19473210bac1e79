package io.fabricbinder.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivered {@code target/fabricbinder-ipam/} directory (built in the package phase; this runs
 * in the integration-test phase through failsafe): it works with no Java on PATH, also after being
 * copied elsewhere, and the copy's Java plugin still loads its classes from its class-data archive.
 * The forwarder's own behaviour is {@link ForwarderTest}'s.
 */
class PackagedPluginTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONF = "{\"cniVersion\":\"1.1.0\",\"name\":\"packaged\",\"type\":\"x\","
            + "\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.67.0.0/24\",\"gateway\":\"10.67.0.1\"}}";

    @TempDir
    Path tmp;

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    @Test
    void runsWithoutJavaOnPathAfterBeingCopiedElsewhere() throws IOException {
        Path built = Path.of("target/fabricbinder-ipam").toAbsolutePath();
        assertThat(built.resolve("fabricbinder-ipam")).isExecutable();
        Path copy = tmp.resolve("opt/cni/bin/fabricbinder-ipam.d");
        copyTree(built, copy);
        Path exe = copy.resolve("fabricbinder-ipam");
        Path log = tmp.resolve("class-load.log");

        Map<String, String> noJava = new HashMap<>(Map.of("CNI_COMMAND", "VERSION", "PATH", "/nonexistent"));
        PluginHarness.Result v = PluginHarness.exec(exe, noJava, "");
        assertThat(v.exitCode()).as(v.stderr()).isZero();
        assertThat(JSON.readTree(v.stdout()).path("supportedVersions")).hasSize(3);

        try (PluginHarness h = new PluginHarness(tmp.resolve("h"))) {
            Map<String, String> env = h.env("ADD", "ctr1", "net1", "/run/netns/none", "pod-a");
            env.put("PATH", "/nonexistent");
            env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
            // the Java plugin itself, as the forwarder runs it when it cannot forward
            PluginHarness.Result add = PluginHarness.exec(copy.resolve("fabricbinder-ipam-jvm"), env, CONF);
            assertThat(add.exitCode()).as(add.stdout() + add.stderr()).isZero();
            assertThat(JSON.readTree(add.stdout())
                            .path("ips")
                            .path(0)
                            .path("address")
                            .asText())
                    .startsWith("10.67.0.");
            env.put("CNI_COMMAND", "ADD");
            env.remove("JAVA_TOOL_OPTIONS");
            PluginHarness.Result again = PluginHarness.exec(exe, env, CONF);
            assertThat(again.stdout()).as("the forwarder's answer").isEqualTo(add.stdout());
            env.put("CNI_COMMAND", "DEL");
            PluginHarness.Result del = PluginHarness.exec(exe, env, CONF);
            assertThat(del.exitCode()).as(del.stdout() + del.stderr()).isZero();
        }
        assertThat(Files.readString(log)).contains("io.fabricbinder.cni.Plugin source: shared objects file");
    }
}
