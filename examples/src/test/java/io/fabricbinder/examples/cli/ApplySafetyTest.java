package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.Credentials;
import io.fabricbinder.apstra.MutexLock;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 items 5, 7 and 8 and the deletion guard, through the CLI as a user runs it against the
 * Apstra emulator over HTTP. (Item 3, the lock, is {@link ApplyLockCrashTest}.)
 */
class ApplySafetyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.regex.Pattern DOCUMENT_SEPARATOR = java.util.regex.Pattern.compile("(?m)^---\\s*$");

    private ApstraEmulator apstra;
    private Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeEach
    void startApstra() {
        apstra = ApstraEmulator.builder()
                .topology(BundledExamples.emulatorFabric())
                .start();
        env = Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", apstra.password());
    }

    @AfterEach
    void stopApstra() {
        apstra.close();
    }

    // ------------------------------------------------------------------ item 5: topology vs blueprint

    @Test
    void aTopologyLinkToAPortTheBlueprintLacksIsAPlanErrorAndNeverUntagsTheRightPort() throws IOException {
        assertThat(apply(PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY).code())
                .isZero();
        Path typo = dir.resolve("topology.yaml");
        Files.writeString(
                typo,
                Files.readString(PlanCommandTest.TOPOLOGY)
                        .replace(
                                "{node: worker-2, nic: ens1f0, leaf: leaf1, port: xe-0/0/11}",
                                "{node: worker-2, nic: ens1f0, leaf: leaf1, port: xe-0/0/99}")
                        .replace(
                                "{node: worker-3, nic: ens1f0, leaf: leaf2, port: xe-0/0/12}",
                                "{node: worker-3, nic: ens1f0, leaf: leaf9, port: xe-0/0/12}"));

        CliRun plan = CliRun.withEnv(env, common("plan", PlanCommandTest.CLUSTER, typo));
        assertThat(plan.code()).as(plan.err()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(plan.err())
                .contains("Topology worker-2/ens1f0", "leaf leaf1 has no interface 'xe-0/0/99'")
                .contains("Topology worker-3/ens1f0", "the blueprint has no leaf 'leaf9'");
        assertThat(plan.out()).contains("0 ports to tag, 0 to untag").doesNotContain("- untag");

        CliRun first = apply(PlanCommandTest.CLUSTER, typo);
        CliRun second = apply(PlanCommandTest.CLUSTER, typo);

        for (CliRun run : List.of(first, second)) {
            assertThat(run.code()).as(run.err()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
            assertThat(run.out()).contains("Apply: NO_CHANGES").doesNotContain("nothing needed writing");
        }
        assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                .as("the ports of the unmapped NICs keep their tags")
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .containsExactlyInAnyOrder(
                        tuple("leaf1", "xe-0/0/10", 101),
                        tuple("leaf1", "xe-0/0/11", 101),
                        tuple("leaf2", "xe-0/0/12", 102));
        assertThat(apply(PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY).code())
                .isZero();
    }

    // ------------------------------------------------------------------ deletion guard

    @Test
    void theDeletionGuardRefusesRemovingEverythingUntilAllowedAndLetsOneNadGo() throws IOException {
        assertThat(apply(PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY).code())
                .isZero();
        List<PortVlan> before = apstra.taggedVlans(Stage.DEPLOYED);
        int deploys = apstra.callCount("PUT /api/blueprints/{bp}/deploy");

        // A manifest directory that holds only the node states: no NAD, no pod.
        Path nodesOnly = copyCluster(doc -> doc.contains("kind: SriovNetworkNodeState"));
        CliRun refused = apply(nodesOnly, PlanCommandTest.TOPOLOGY);

        assertThat(refused.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        assertThat(refused.out())
                .contains("Apply: REFUSED", "deletion guard", "everything FabricBinder owns", "--allow-bulk-delete");
        assertThat(apstra.taggedVlans(Stage.DEPLOYED)).isEqualTo(before);
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(deploys);
        assertThat(apstra.designTagLabels()).isEmpty();

        // Deleting one NAD (blue-db and its pod) of the example cluster goes through.
        Path withoutDb = copyCluster(doc -> !doc.contains("name: blue-db") && !doc.contains("name: db-1"));
        CliRun oneNad = apply(withoutDb, PlanCommandTest.TOPOLOGY);
        assertThat(oneNad.code()).as(oneNad.err()).isZero();
        assertThat(oneNad.out()).contains("- virtual network tenant-blue/blue-db", "Apply: APPLIED");

        CliRun allowed =
                CliRun.withEnv(env, concat(applyArgs(nodesOnly, PlanCommandTest.TOPOLOGY), "--allow-bulk-delete"));
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(apstra.taggedVlans(Stage.DEPLOYED)).isEmpty();
    }

    @Test
    void theDeletionGuardsRefusalIsPrintedExactlyOnceInTextMode() throws IOException {
        assertThat(apply(PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY).code())
                .isZero();
        Path nodesOnly = copyCluster(doc -> doc.contains("kind: SriovNetworkNodeState"));

        CliRun refused = apply(nodesOnly, PlanCommandTest.TOPOLOGY);

        assertThat(refused.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
        String printed = refused.out() + refused.err();
        assertThat(occurrences(printed, "deletion guard: "))
                .as("the refusal in%n%s", printed)
                .isEqualTo(1);
        assertThat(refused.out()).contains("Apply: REFUSED, deletion guard: the plan removes everything");
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    // ------------------------------------------------------------------ item 7: outputs

    @Test
    void applyJsonSaysWhatHappenedAndPlanReadsTheIpamStore() throws IOException {
        CliRun run = CliRun.withEnv(
                env, concat(applyArgs(PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY), "--output", "json"));

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(json.path("virtualNetworks")).hasSize(2);
        JsonNode apply = json.path("apply");
        assertThat(apply.path("status").asText()).isEqualTo("APPLIED");
        assertThat(apply.path("fabricChangesApplied").asInt()).isPositive();
        assertThat(apply.path("allocated")).hasSize(4);
        apply.path("allocated")
                .forEach(a -> assertThat(a.path("address").asText()).startsWith("10.10."));
        assertThat(apply.path("released")).isEmpty();

        CliRun plan = CliRun.withEnv(
                env,
                concat(
                        common("plan", PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY),
                        "--ipam-dir",
                        dir.resolve("ipam").toString(),
                        "--output",
                        "json"));
        assertThat(plan.code()).as(plan.err()).isZero();
        JsonNode allocations = JSON.readTree(plan.out()).path("ipAllocations");
        assertThat(allocations).hasSize(4);
        allocations.forEach(a -> {
            assertThat(a.path("action").asText()).isEqualTo("unchanged");
            assertThat(a.path("address").asText()).startsWith("10.10.");
        });
        CliRun text = CliRun.withEnv(
                env,
                concat(
                        common("plan", PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY),
                        "--ipam-dir",
                        dir.resolve("ipam").toString()));
        assertThat(text.out()).contains("No changes").doesNotContain("+ allocate");
    }

    @Test
    void aRefusedApplyChangesNothingNotEvenTheIpam() throws IOException {
        try (ApstraClient other = ApstraClient.builder()
                        .baseUrl(apstra.baseUrl())
                        .credentials(new Credentials(apstra.username(), apstra.password()))
                        .build();
                MutexLock held = other.blueprint(apstra.blueprintId())
                        .mutex()
                        .tryLock("terraform apply by alice")
                        .orElseThrow()) {
            CliRun run = CliRun.withEnv(
                    env,
                    concat(
                            applyArgs(PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY),
                            "--output",
                            "json",
                            "--lock-wait",
                            "PT0S"));

            assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_FAILURE);
            JsonNode apply = JSON.readTree(run.out()).path("apply");
            assertThat(apply.path("status").asText()).isEqualTo("REFUSED");
            assertThat(apply.path("message").asText())
                    .contains("terraform apply by alice", "DELETE /api/design/tags/" + held.tagId());
            assertThat(apply.path("allocated")).isEmpty();
            assertThat(apply.path("released")).isEmpty();
        }
        CliRun plan = CliRun.withEnv(
                env,
                concat(
                        common("plan", PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY),
                        "--ipam-dir",
                        dir.resolve("ipam").toString()));
        assertThat(plan.out()).as("nothing was allocated").contains("4 addresses to allocate");
    }

    // ------------------------------------------------------------------ item 8: operator errors

    @Test
    void anIpamDirThatIsAFileIsAnInputErrorSayingNotADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("ipam-file"), "x");

        CliRun run = CliRun.withEnv(env, withIpamDir(file));

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--ipam-dir " + file, "not a directory").doesNotContain("unexpected failure");
    }

    @Test
    void anIpamDirThatCannotBeWrittenIsAnInputErrorSayingPermissionDenied() throws IOException {
        Path target;
        if ("root".equals(System.getProperty("user.name"))) {
            // root writes everywhere chmod forbids; sysfs refuses new directories even to root.
            target = Path.of("/sys/fabricbinder-ipam-" + ProcessHandle.current().pid());
        } else {
            Path readOnly = Files.createDirectory(dir.resolve("read-only"));
            assertThat(readOnly.toFile().setWritable(false, false)).isTrue();
            target = readOnly.resolve("ipam");
        }

        CliRun run = CliRun.withEnv(env, withIpamDir(target));

        assertThat(run.code()).as(run.err()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err())
                .containsAnyOf("permission denied", "read-only file system")
                .doesNotContain("unexpected failure");
    }

    @Test
    void aWrongPasswordIsAnInputErrorThatSaysWhatToCheck() {
        CliRun run = CliRun.withEnv(
                Map.of("APSTRA_USER", apstra.username(), "APSTRA_PASSWORD", "not-the-password"),
                applyArgs(PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY));

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err())
                .contains("rejected the login of user '" + apstra.username() + "'", "401")
                .contains("check --user (or APSTRA_USER) and the password")
                .doesNotContain("not-the-password")
                .doesNotContain("cannot reach");
    }

    @Test
    void anUnknownBlueprintIsAnInputErrorListingTheKnownOnes() {
        String[] args = applyArgs(PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY);
        args[Arrays.asList(args).indexOf("--blueprint") + 1] = "no-such-blueprint";

        CliRun run = CliRun.withEnv(env, args);

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err())
                .contains("blueprint no-such-blueprint not found", "known: " + apstra.blueprintId())
                .doesNotContain("cannot reach");
    }

    @Test
    void httpsToThePlainHttpPortFailsInSecondsWithATlsHint() {
        String[] args = common("plan", PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY);
        String http = apstra.baseUrl().toString();
        args[Arrays.asList(args).indexOf("--apstra-url") + 1] = http.replace("http://", "https://");

        CliRun run = CliRun.withEnv(env, args);

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err())
                .contains("TLS", "plain-HTTP port", "http://127.0.0.1:" + apstra.port())
                .doesNotContain("deadline");
    }

    @Test
    void applyHelpDocumentsTheNewFlags() {
        CliRun help = CliRun.of("apply", "--help");

        assertThat(help.out())
                .contains("--allow-bulk-delete", "--max-delete-share", "--lock-lease", "--lock-wait")
                .contains("--ipam-dir", "--etcd-endpoints", "Deletion guard", "Blueprint lock");
    }

    // ------------------------------------------------------------------ helpers

    private CliRun apply(Path manifests, Path topology) {
        return CliRun.withEnv(env, applyArgs(manifests, topology));
    }

    private String[] applyArgs(Path manifests, Path topology) {
        return concat(
                common("apply", manifests, topology),
                "--ipam-dir",
                dir.resolve("ipam").toString());
    }

    private String[] withIpamDir(Path ipamDir) {
        return concat(
                common("apply", PlanCommandTest.CLUSTER, PlanCommandTest.TOPOLOGY), "--ipam-dir", ipamDir.toString());
    }

    private String[] common(String command, Path manifests, Path topology) {
        return new String[] {
            command,
            "--manifests",
            manifests.toString(),
            "--topology",
            topology.toString(),
            "--apstra-url",
            apstra.baseUrl().toString(),
            "--blueprint",
            apstra.blueprintId()
        };
    }

    /** A copy of the example cluster with only the YAML documents {@code keep} accepts. */
    private Path copyCluster(Predicate<String> keep) throws IOException {
        Path out = Files.createTempDirectory(dir, "cluster");
        try (var files = Files.list(PlanCommandTest.CLUSTER)) {
            for (Path f : files.toList()) {
                List<String> kept = new ArrayList<>();
                for (String doc : DOCUMENT_SEPARATOR.split(Files.readString(f, StandardCharsets.UTF_8), -1)) {
                    if (doc.contains("kind:") && keep.test(doc)) {
                        kept.add(doc.strip() + "\n");
                    }
                }
                if (!kept.isEmpty()) {
                    Files.writeString(out.resolve(f.getFileName()), String.join("---\n", kept));
                }
            }
        }
        return out;
    }

    static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
