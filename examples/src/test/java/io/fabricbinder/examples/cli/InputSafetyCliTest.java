package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.SecurityZoneView;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.VirtualNetworkView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 items 1, 4 and 6 through {@code fabricbinder apply} against the emulator over HTTP: input
 * that cannot be read, invalid pods and names Kubernetes would reject never remove anything from the
 * fabric.
 */
class InputSafetyCliTest {

    private ApstraEmulator apstra;
    private Map<String, String> env;

    @TempDir
    Path dir;

    private Path cluster;
    private List<VirtualNetworkView> networks;
    private List<SecurityZoneView> zones;
    private List<PortVlan> tagged;

    @BeforeEach
    void applyTheExampleCluster() throws IOException {
        apstra = ApstraEmulator.builder()
                .topology(BundledExamples.emulatorFabric())
                .start();
        env = Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", apstra.password());
        cluster = dir.resolve("cluster");
        Files.createDirectories(cluster);
        try (Stream<Path> files = Files.list(PlanCommandTest.CLUSTER)) {
            for (Path f : files.toList()) {
                Files.copy(f, cluster.resolve(f.getFileName()));
            }
        }
        CliRun first = apply(cluster);
        assertThat(first.code()).as(first.err()).isZero();
        networks = apstra.virtualNetworks(Stage.DEPLOYED);
        zones = apstra.securityZones(Stage.DEPLOYED);
        tagged = apstra.taggedVlans(Stage.DEPLOYED);
        assertThat(networks).hasSize(2);
        assertThat(tagged).hasSize(3);
    }

    @AfterEach
    void stopApstra() {
        apstra.close();
    }

    private CliRun apply(Path manifests) {
        return CliRun.withEnv(
                env,
                "apply",
                "--manifests",
                manifests.toString(),
                "--topology",
                PlanCommandTest.TOPOLOGY.toString(),
                "--apstra-url",
                apstra.baseUrl().toString(),
                "--blueprint",
                apstra.blueprintId(),
                "--ipam-dir",
                dir.resolve("ipam").toString());
    }

    private void assertFabricKeepsEverything() {
        assertThat(apstra.virtualNetworks(Stage.STAGING)).containsExactlyInAnyOrderElementsOf(networks);
        assertThat(apstra.securityZones(Stage.STAGING)).containsExactlyInAnyOrderElementsOf(zones);
        assertThat(apstra.taggedVlans(Stage.STAGING)).containsExactlyInAnyOrderElementsOf(tagged);
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED)).containsExactlyInAnyOrderElementsOf(networks);
        assertThat(apstra.taggedVlans(Stage.DEPLOYED)).containsExactlyInAnyOrderElementsOf(tagged);
    }

    @Test
    void aMissingManifestPathIsAnInputErrorAndChangesNothing() {
        CliRun run = apply(dir.resolve("doesnotexist"));

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("doesnotexist", "no such file or directory", "--manifests");
        assertThat(run.out()).doesNotContain("APPLIED");
        assertFabricKeepsEverything();
    }

    @Test
    void anEmptyDirectoryIsAnInputErrorAndChangesNothing() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        CliRun run = apply(empty);

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("holds no *.yaml");
        assertFabricKeepsEverything();
    }

    @Test
    void oneNonUtf8ByteIsAnInputErrorNamingFileOffsetAndLine() throws IOException {
        Path nads = cluster.resolve("nads.yaml");
        byte[] bytes = Files.readAllBytes(nads);
        int offset = new String(bytes, StandardCharsets.UTF_8).indexOf("blue-db");
        bytes[offset] = (byte) 0xe9; // Latin-1 'é', as an editor with the wrong encoding writes it
        Files.write(nads, bytes);

        CliRun run = apply(cluster);

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("nads.yaml", "not valid UTF-8", "byte offset " + offset, "(line ");
        assertFabricKeepsEverything();
    }

    @Test
    void aSyntaxErrorInOneDocumentDeletesAndUntagsNothing() throws IOException {
        Path nads = cluster.resolve("nads.yaml");
        Files.writeString(nads, Files.readString(nads).replace("  name: blue-db\n", "  name: [blue-db\n"));

        CliRun run = apply(cluster);

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.out() + run.err()).contains("nads.yaml#2", "syntax error (line ");
        assertFabricKeepsEverything();
    }

    @Test
    void anInvalidPodThatIsTheLastPodBehindAPortKeepsItsPortTagged() throws IOException {
        Path pods = cluster.resolve("pods.yaml");
        String text = Files.readString(pods);
        // db-1 is the only pod behind leaf2 xe-0/0/12; give it garbage network-status JSON.
        int db = text.indexOf("name: db-1");
        int status = text.indexOf("[{\"name\": \"tenant-blue/blue-db\"", db);
        Files.writeString(pods, text.substring(0, status) + "garbage " + text.substring(status));

        CliRun run = apply(cluster);

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.out() + run.err()).contains("Pod tenant-blue/db-1");
        assertFabricKeepsEverything();
    }

    @Test
    void aNadNameKubernetesRejectsIsAnErrorAndCreatesNothing() throws IOException {
        Files.writeString(cluster.resolve("evil.yaml"), """
                apiVersion: k8s.cni.cncf.io/v1
                kind: NetworkAttachmentDefinition
                metadata:
                  name: "x') or 1=1 --"
                  namespace: tenant-blue
                  annotations: {fabricbinder.io/extend-to-fabric: "true"}
                spec:
                  config: '{"cniVersion": "1.0.0", "type": "sriov", "vlan": 150}'
                """);

        CliRun run = apply(cluster);

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.out() + run.err()).contains("metadata.name", "DNS-1123 subdomain");
        assertFabricKeepsEverything();

        // Removing the file is all it takes: the next apply is clean.
        Files.delete(cluster.resolve("evil.yaml"));
        CliRun again = apply(cluster);
        assertThat(again.code()).as(again.err()).isZero();
        assertFabricKeepsEverything();
    }
}
