package io.fabricbinder.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.Credentials;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.core.AddressBook;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.ClusterSnapshot;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.apstra.ApstraFabricGateway;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding example ("Use it from Java") is this test's code, word for word, and it
 * runs: against the Apstra emulator, with the example cluster in {@code examples/manifests}.
 */
class ReadmeExampleTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SELF = Path.of("src/test/java/io/fabricbinder/examples/ReadmeExampleTest.java")
            .toAbsolutePath();

    @Test
    void theReadmeShowsThisCode() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Use it from Java");
        assertThat(section).as("the README's embedding section").isNotNegative();
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String shown = readme.substring(start, readme.indexOf("```", start));

        String source = Files.readString(SELF, StandardCharsets.UTF_8);
        String begin = "// README begin\n";
        int from = source.indexOf(begin) + begin.length();
        String code = source.substring(from, source.indexOf("// README end", from));

        assertThat(words(code)).isEqualTo(words(shown));
    }

    /**
     * The text with every run of white space as one space and none before a dot (a chained call on
     * its own line): formatting may differ, code may not.
     */
    private static String words(String s) {
        return s.strip().replaceAll("\\s+", " ").replace(" .", ".");
    }

    @Test
    void theReadmeExampleRunsAgainstTheEmulator(@TempDir Path stateDir) {
        try (ApstraEmulator emulator = ApstraEmulator.start()) {
            URI apstraUrl = emulator.baseUrl();
            String user = emulator.username();
            String password = emulator.password();
            String blueprintId = emulator.blueprintId();
            Path manifests = ROOT.resolve("examples/manifests/cluster");
            Path topologyFile = ROOT.resolve("examples/manifests/topology.yaml");

            runReadmeExample(apstraUrl, user, password, blueprintId, stateDir, manifests, topologyFile);

            assertThat(emulator.deployedVersion()).as("one deploy").isEqualTo(emulator.stagingVersion());
            assertThat(emulator.hasUncommittedChanges()).as("deployed").isFalse();
            assertThat(emulator.taggedVlans(io.fabricbinder.apstra.emulator.Stage.DEPLOYED))
                    .isNotEmpty();

            // Run again (a restart): the fabric follows and the addresses were kept in stateDir.
            try (ApstraClient apstra = ApstraClient.builder()
                    .baseUrl(apstraUrl)
                    .credentials(new Credentials(user, password))
                    .build()) {
                ReconcileResult again = FabricBinder.builder()
                        .gateway(ApstraFabricGateway.builder()
                                .client(apstra)
                                .blueprintId(blueprintId)
                                .build())
                        .addressBook(AddressBook.file(stateDir))
                        .build()
                        .reconcile(ClusterSnapshot.read(manifests, topologyFile));
                assertThat(again.errors()).isEmpty();
                assertThat(again.status()).isEqualTo(ApplyResult.Status.NO_CHANGES);
                assertThat(again.allocated()).isEmpty();
                assertThat(again.plan().ipAllocations()).isNotEmpty();
            }
        }
    }

    @SuppressWarnings({"SystemOut", "UnusedVariable"})
    private static void runReadmeExample(
            URI apstraUrl,
            String user,
            String password,
            String blueprintId,
            Path stateDir,
            Path manifests,
            Path topologyFile) {
        // README begin
        try (ApstraClient apstra = ApstraClient.builder()
                .baseUrl(apstraUrl) // e.g. https://apstra.example.net
                .credentials(new Credentials(user, password)) // a private CA: .tls(Tls.trusting(caPem))
                .build()) {
            FabricBinder binder = FabricBinder.builder()
                    .gateway(ApstraFabricGateway.builder()
                            .client(apstra)
                            .blueprintId(blueprintId)
                            .build())
                    .addressBook(AddressBook.file(stateDir)) // where addresses survive restarts
                    .build();
            ClusterSnapshot snapshot = ClusterSnapshot.read(manifests, topologyFile);

            System.out.println(binder.plan(snapshot).toText()); // no side effects, like terraform plan
            ReconcileResult result = binder.reconcile(snapshot); // one lock, one batch, one deploy
        }
        // README end
    }
}
