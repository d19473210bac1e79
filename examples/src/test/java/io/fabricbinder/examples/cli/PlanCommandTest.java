package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
    static final Path CLUSTER = Path.of("manifests/cluster");
    static final Path TOPOLOGY = Path.of("manifests/topology.yaml");

    private static final String BAD_NAD = """
            apiVersion: k8s.cni.cncf.io/v1
            kind: NetworkAttachmentDefinition
            metadata:
              name: red
              namespace: tenant-red
              annotations:
                fabricbinder.io/extend-to-fabric: "true"
            spec:
              config: '{"cniVersion": "1.0.0", "name": "red", "type": "sriov", "vlan": 5000,
                        "ipam": {"type": "fabricbinder-ipam", "subnet": "10.9.0.0/24"}}'
            """;

    @Test
    void validManifestsAreReadAndThePlannerIsNotAvailableInThisBuildYet() {
        CliRun run = CliRun.of("plan", "--manifests", CLUSTER.toString(), "--topology", TOPOLOGY.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(run.out()).contains("Read 2 NetworkAttachmentDefinitions, 3 pods", "5 links to 2 leafs");
        assertThat(run.err()).contains("planning the fabric is not available in this build");
        assertThat(run.err()).doesNotContain("error:");
    }

    @Test
    void manifestErrorsExitTwoAndNameObjectAndFieldOnStderr(@TempDir Path dir) throws Exception {
        Path manifests = dir.resolve("red.yaml");
        Files.writeString(manifests, BAD_NAD);

        CliRun run = CliRun.of("plan", "--manifests", manifests.toString(), "--topology", TOPOLOGY.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("error: NetworkAttachmentDefinition tenant-red/red: spec.config.vlan");
    }

    @Test
    void jsonOutputCarriesTheErrorsInThePlanContractShape(@TempDir Path dir) throws Exception {
        Path manifests = dir.resolve("red.yaml");
        Files.writeString(manifests, BAD_NAD);

        CliRun run = CliRun.of(
                "plan", "--manifests", manifests.toString(), "--topology", TOPOLOGY.toString(), "--output", "json");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        JsonNode error = new ObjectMapper().readTree(run.out()).path("errors").get(0);
        assertThat(error.path("object").asText()).isEqualTo("NetworkAttachmentDefinition tenant-red/red");
        assertThat(error.path("field").asText()).isEqualTo("spec.config.vlan");
        assertThat(error.path("message").asText()).contains("5000");
    }

    @Test
    void topologyErrorsNameTheLinkAndField(@TempDir Path dir) throws Exception {
        Path topology = dir.resolve("topology.yaml");
        Files.writeString(topology, """
                links:
                  - {node: worker-1, nic: ens1f0, leaf: leaf1, port: xe-0/0/10}
                  - {node: worker-2, nic: ens1f0, leaf: leaf1, port: xe-0/0/10}
                """);

        CliRun run = CliRun.of("plan", "--manifests", CLUSTER.toString(), "--topology", topology.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err())
                .contains(
                        "error: topology topology.yaml: links[1].port: leaf1 xe-0/0/10 is already cabled to worker-1");
    }

    @Test
    void missingManifestPathIsAnInputError(@TempDir Path dir) {
        CliRun run =
                CliRun.of("plan", "--manifests", dir.resolve("none").toString(), "--topology", TOPOLOGY.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("no such file or directory (--manifests)");
    }
}
