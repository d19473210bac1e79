package io.fabricbinder.examples.cli;

import io.fabricbinder.core.ClusterSnapshot;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.manifest.UnreadableManifestException;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologySource;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The inputs {@code plan} and {@code apply} share: the Kubernetes manifests and the static
 * topology, read into a {@link ClusterSnapshot}. Bad <em>content</em> (an invalid object, a bad
 * topology entry) is an error in the snapshot, which the planner carries into the plan's {@code
 * errors}, naming object and field. A <em>source</em> that cannot be read at all — a missing path,
 * an empty file or directory, a file that is not UTF-8, a topology file that is not a {@code links}
 * list — throws {@link UnreadableInputException}: such input is not an empty cluster, and the
 * command stops (exit 2) before anything is planned against the fabric.
 */
record PlanInputs(ClusterSnapshot snapshot) {

    PlanInputs {
        Objects.requireNonNull(snapshot, "snapshot");
    }

    /** An input source that cannot be read; the CLI prints the message and exits with code 2. */
    static final class UnreadableInputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableInputException(String option, String message, @Nullable Throwable cause) {
            super(message + " (" + option + "); nothing was planned or changed", cause);
        }
    }

    static PlanInputs load(Path manifestPath, Path topologyPath) {
        ManifestSet manifests;
        try {
            manifests = Manifests.parse(manifestPath);
        } catch (UnreadableManifestException e) {
            throw new UnreadableInputException("--manifests", e.source() + ": " + e.reason(), e);
        }
        return new PlanInputs(new ClusterSnapshot(manifests, Topology.merge(List.of(topology(topologyPath)))));
    }

    /** The topology file, read once; a file that cannot be read, or holds no links list, throws. */
    private static TopologySource topology(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new UnreadableInputException("--topology", path + ": no such file", null);
        }
        TopologySource file = StaticTopologyFile.read(path);
        TopologySource.Result result;
        try {
            result = file.read();
        } catch (UncheckedIOException e) {
            throw new UnreadableInputException("--topology", path + ": cannot read: " + e.getCause(), e);
        }
        for (Diagnostic d : result.errors()) {
            // A whole-file problem (syntax, no links list) would look like a fabric without cables.
            if (d.field().isEmpty() || d.field().equals("links")) {
                throw new UnreadableInputException(
                        "--topology", path + ": " + (d.field().isEmpty() ? "" : d.field() + ": ") + d.message(), null);
            }
        }
        return new TopologySource() {
            @Override
            public String name() {
                return file.name();
            }

            @Override
            public TopologySource.Result read() {
                return result;
            }
        };
    }

    /** The plan on stdout in the chosen format; in text mode errors and warnings also on stderr. */
    static void print(Plan plan, OutputFormat output, PrintWriter out, PrintWriter err) {
        if (output == OutputFormat.json) {
            out.println(plan.toJson().stripTrailing());
        } else {
            out.print(plan.toText());
            plan.errors().forEach(e -> err.println("error: " + e));
            plan.warnings().forEach(w -> err.println("warning: " + w));
        }
        out.flush();
        err.flush();
    }
}
