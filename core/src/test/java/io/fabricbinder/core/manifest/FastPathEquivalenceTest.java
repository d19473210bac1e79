package io.fabricbinder.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The parse with the fast block-YAML reader gives exactly the result of the SnakeYAML-only parse:
 * objects, errors, warnings and document numbering. BadInputTest and ManifestPropertyTest also check
 * every input they parse through {@link #parseBothWays}.
 */
class FastPathEquivalenceTest {

    /** Parses both ways, asserts the results are identical, and returns the (fast) result. */
    static ManifestSet parseBothWays(String name, String text) {
        ManifestSet fast = Manifests.parse(name, text);
        ManifestSet snake = Manifests.parseWithSnakeYamlOnly(name, text);
        assertThat(fast.nads()).as("NADs of %s", name).isEqualTo(snake.nads());
        assertThat(fast.pods()).as("pods of %s", name).isEqualTo(snake.pods());
        assertThat(fast.virtualNetworkRouters()).as("VNRs of %s", name).isEqualTo(snake.virtualNetworkRouters());
        assertThat(fast.nodeStates()).as("node states of %s", name).isEqualTo(snake.nodeStates());
        assertThat(fast.errors()).as("errors of %s", name).isEqualTo(snake.errors());
        assertThat(fast.warnings()).as("warnings of %s", name).isEqualTo(snake.warnings());
        assertThat(fast.skippedCount()).as("skipped in %s", name).isEqualTo(snake.skippedCount());
        return fast;
    }

    @Test
    void everyTestResourceParsesIdentically() throws IOException, URISyntaxException {
        Path root = Objects.requireNonNull(
                Path.of(Objects.requireNonNull(getClass().getResource("/manifests"))
                                .toURI())
                        .getParent(),
                "parent of /manifests");
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
                    .sorted()
                    .toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(7);
        int objects = 0;
        for (Path f : files) {
            ManifestSet set = parseBothWays(root.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8));
            objects += set.nads().size() + set.pods().size() + set.nodeStates().size();
        }
        assertThat(objects).isGreaterThan(5);
    }

    @Test
    void someExampleManifestsAreReadByTheFastReader() throws IOException, URISyntaxException {
        // Keeps the equivalence above from holding only because everything was declined.
        Path dir = Path.of(Objects.requireNonNull(getClass().getResource("/manifests/example"))
                .toURI());
        int read = 0;
        int docs = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.sorted().toList()) {
                for (String doc : Files.readString(f, StandardCharsets.UTF_8).split("(?m)^---$", -1)) {
                    docs++;
                    if (BlockYamlReader.read(doc) != BlockYamlReader.DECLINED) {
                        read++;
                    }
                }
            }
        }
        System.out.printf("example documents: %d, read by the fast reader: %d%n", docs, read);
        assertThat(read).isPositive();
    }

    @Test
    void generatedStreamsWithAndWithoutSyntaxErrorsParseIdentically() {
        String good = ManifestParseBenchmark.generate(50, 200);
        ManifestSet set = parseBothWays("big.yaml", good);
        assertThat(set.pods()).hasSize(200);

        // a syntax error: the document-by-document path, same numbering both ways
        String pod7 = "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-7\n";
        String bad = good.replace(pod7, "---\nkind: [oops\n" + pod7);
        ManifestSet withError = parseBothWays("big.yaml", bad);
        assertThat(withError.errors())
                .singleElement()
                .satisfies(e -> assertThat(e.object()).isEqualTo("big.yaml#58"));
        assertThat(withError.pods()).hasSize(200);

        // a document only SnakeYAML reads, among fast ones
        String mixed = good.replace("  name: pod-9\n", "  name: &anchor pod-9\n  uid: *anchor\n");
        assertThat(parseBothWays("big.yaml", mixed).findPod("ns-9", "pod-9")).isPresent();

        // bad objects, a null document, a list document, directives and inline markers
        parseBothWays("m.yaml", "---\n~\n---\n- a\n- kind: Pod\n---\nkind: Pod\nmetadata: {}\n");
        parseBothWays("d.yaml", "%YAML 1.1\n---\n" + good.substring(4, 2000));
        parseBothWays("i.yaml", "--- |\n  text\n---\n" + good.substring(4, 2000));
        parseBothWays("crlf.yaml", good.substring(0, 3000).replace("\n", "\r\n"));
    }
}
