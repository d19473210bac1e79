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
    void theExampleClusterPlansTheSeedWorkflowOnAnEmptyFabric() {
        CliRun run = CliRun.of("plan", "--manifests", CLUSTER.toString(), "--topology", TOPOLOGY.toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("+ routing zone tenant-blue/blue-mesh [tenant-blue/blue-db, tenant-blue/blue-web]")
                .contains("+ virtual network tenant-blue/blue-web vlan 101 vni 10101 10.10.1.0/24")
                .contains(
                        "+ tag   leaf1 xe-0/0/10 tenant-blue/blue-web vlan 101  pods: tenant-blue/web-1, tenant-blue/web-3")
                .contains("+ tag   leaf2 xe-0/0/12 tenant-blue/blue-db vlan 102  pods: tenant-blue/db-1");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void jsonOutputFollowsThePlanContractAndIsDeterministic() throws Exception {
        String[] args = {
            "plan", "--manifests", CLUSTER.toString(), "--topology", TOPOLOGY.toString(), "--output", "json"
        };

        CliRun first = CliRun.of(args);
        CliRun second = CliRun.of(args);

        assertThat(first.code()).isZero();
        assertThat(first.out()).isEqualTo(second.out());
        JsonNode plan = new ObjectMapper().readTree(first.out());
        assertThat(plan.fieldNames())
                .toIterable()
                .contains("virtualNetworks", "routingZones", "portBindings", "ipAllocations", "errors", "warnings");
        assertThat(plan.path("portBindings")).hasSize(3);
        assertThat(plan.path("portBindings").get(0).path("action").asText()).isEqualTo("tag");
        assertThat(plan.path("ipAllocations")).hasSize(4);
        assertThat(plan.path("virtualNetworks").get(1).path("routingZone").asText())
                .isEqualTo("tenant-blue/blue-mesh");
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
    void topologyErrorsNameTheLinkAndFieldAndTheValidPartIsStillPlanned(@TempDir Path dir) throws Exception {
        Path topology = dir.resolve("topology.yaml");
        Files.writeString(topology, """
                links:
                  - {node: worker-1, nic: ens1f0, leaf: leaf1, port: xe-0/0/10}
                  - {node: worker-2, nic: ens1f0, leaf: leaf1, port: xe-0/0/10}
                  - {node: worker-3, nic: ens1f0, leaf: leaf2}
                """);

        CliRun run = CliRun.of("plan", "--manifests", CLUSTER.toString(), "--topology", topology.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err())
                .contains("error: Topology static:topology.yaml: links[2].port: is required")
                .contains("error: Topology leaf1 xe-0/0/10: node/nic: one leaf port is cabled to several NICs");
        assertThat(run.out()).contains("+ virtual network tenant-blue/blue-web vlan 101");
    }

    @Test
    void missingManifestPathIsAnInputError(@TempDir Path dir) {
        CliRun run =
                CliRun.of("plan", "--manifests", dir.resolve("none").toString(), "--topology", TOPOLOGY.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("no such file or directory (--manifests)");
    }
}
