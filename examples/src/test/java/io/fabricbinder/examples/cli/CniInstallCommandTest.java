package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fabricbinder cni-install} with the real {@code cni/target/fabricbinder-ipam} (built by the
 * cni module's package phase, which runs before this module's tests in a reactor build): the plugin
 * lands in the bin directory and runs from there, the node configuration is 0600, re-running is
 * idempotent and leaves no temporary files.
 */
class CniInstallCommandTest {
    private static final Path SOURCE =
            Path.of("../cni/target/fabricbinder-ipam").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void installsAtomicallyAndWritesAPrivateNodeConfiguration() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(SOURCE.resolve("fabricbinder-ipam")), "build cni/target/fabricbinder-ipam first");
        Path bin = tmp.resolve("opt/cni/bin");
        Path conf = tmp.resolve("etc/cni/net.d");
        String[] args = {
            "cni-install",
            "--bin-dir",
            bin.toString(),
            "--conf-dir",
            conf.toString(),
            "--socket",
            "/run/fabricbinder/ipam.sock",
            "--source",
            SOURCE.toString()
        };
        CliRun run = CliRun.of(args);
        assertThat(run.code()).as(run.err()).isZero();
        Path nodeConf = conf.resolve("fabricbinder.d/fabricbinder-ipam.conf");
        assertThat(Files.readString(nodeConf))
                .isEqualToIgnoringNewLines("{\"socket\":\"/run/fabricbinder/ipam.sock\"}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nodeConf)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nodeConf.getParent())))
                .isEqualTo("rwx------");
        Path launcher = bin.resolve("fabricbinder-ipam");
        assertThat(launcher).isExecutable();
        // a relative link into the installed home, so it holds wherever the host's bin dir is mounted
        assertThat(Files.isSymbolicLink(launcher)).isTrue();
        Path target = Files.readSymbolicLink(launcher);
        assertThat(target.isAbsolute()).as(target.toString()).isFalse();
        assertThat(target.toString()).startsWith("fabricbinder-ipam.d/").endsWith("/fabricbinder-ipam");
        assertThat(bin.resolve(target).resolveSibling("fabricbinder-ipam-jvm")).isExecutable();

        CliRun again = CliRun.of(args);
        assertThat(again.code()).as(again.err()).isZero();
        try (Stream<Path> files = Files.walk(bin, 2)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).noneMatch(n -> n.contains(".tmp"));
        }
        try (Stream<Path> homes = Files.list(bin.resolve("fabricbinder-ipam.d"))) {
            assertThat(homes.count()).isEqualTo(1);
        }

        ProcessBuilder pb = new ProcessBuilder(launcher.toString());
        pb.environment().clear();
        pb.environment().put("CNI_COMMAND", "VERSION");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("\"supportedVersions\":[\"0.4.0\",\"1.0.0\",\"1.1.0\"]");
    }

    @Test
    void refusesASourceThatIsNotAPluginDirectoryAndARelativeSocket() {
        CliRun run = CliRun.withEnv(
                Map.of(),
                "cni-install",
                "--bin-dir",
                tmp.resolve("bin").toString(),
                "--conf-dir",
                tmp.resolve("conf").toString(),
                "--socket",
                "/run/x.sock",
                "--source",
                tmp.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--source").contains("runtime/bin/java");
    }
}
