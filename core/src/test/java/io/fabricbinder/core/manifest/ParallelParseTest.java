package io.fabricbinder.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelParseTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void parallelParseGivesExactlyTheSequentialResult() {
        String yaml = ManifestParseBenchmark.generate(1_000, 5_000);

        ManifestSet sequential = Manifests.parse("big.yaml", yaml);
        ManifestSet parallel = Manifests.parse("big.yaml", yaml, executor);

        assertThat(yaml.length()).isGreaterThan(2 << 20);
        assertThat(parallel.nads()).isEqualTo(sequential.nads()).hasSize(1_000);
        assertThat(parallel.pods()).isEqualTo(sequential.pods()).hasSize(5_000);
        assertThat(parallel.errors()).isEqualTo(sequential.errors());
    }

    @Test
    void aSyntaxErrorFallsBackToTheSequentialReportWithTheSameNumbering() {
        String yaml = ManifestParseBenchmark.generate(500, 2_000) + "---\nkind: [unclosed\n";

        ManifestSet sequential = Manifests.parse("big.yaml", yaml);
        ManifestSet parallel = Manifests.parse("big.yaml", yaml, executor);

        assertThat(parallel.errors()).isEqualTo(sequential.errors()).isNotEmpty();
        assertThat(parallel.pods()).hasSize(2_000);
    }

    @Test
    void chunksSplitOnlyBeforeDocumentMarkers() {
        String text = "a: 1\n---\nb: 2\n--- c: 3\n---x: 4\n";

        List<String> chunks = Manifests.splitAtDocumentMarkers(text, 1);

        assertThat(String.join("", chunks)).isEqualTo(text);
        assertThat(chunks).containsExactly("a: 1\n", "---\nb: 2\n", "--- c: 3\n---x: 4\n");
    }
}
