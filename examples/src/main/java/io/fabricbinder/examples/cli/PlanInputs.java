package io.fabricbinder.examples.cli;

import io.fabricbinder.core.ClusterSnapshot;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.manifest.ManifestError;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologySource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The inputs {@code plan} and {@code apply} share: the Kubernetes manifests and the static
 * topology, read into a {@link ClusterSnapshot}. Nothing here throws for bad content: a missing
 * path, a bad manifest or a bad topology entry is an error in the snapshot, which the planner
 * carries into the plan's {@code errors}, naming object and field.
 */
record PlanInputs(ClusterSnapshot snapshot) {

    PlanInputs {
        Objects.requireNonNull(snapshot, "snapshot");
    }

    static PlanInputs load(Path manifestPath, Path topologyPath) {
        ManifestSet manifests = Files.exists(manifestPath)
                ? Manifests.parse(manifestPath)
                : ManifestSet.builder()
                        .error(new ManifestError(
                                manifestPath.toString(), "", "no such file or directory (--manifests)"))
                        .build();
        TopologySource source =
                Files.isRegularFile(topologyPath) ? StaticTopologyFile.read(topologyPath) : missing(topologyPath);
        return new PlanInputs(new ClusterSnapshot(manifests, Topology.merge(List.of(source))));
    }

    private static TopologySource missing(Path path) {
        String name = "static:" + path.getFileName();
        TopologySource.Result result = new TopologySource.Result(
                List.of(),
                List.of(new Diagnostic("Topology " + name, "", "no such file: " + path + " (--topology)")),
                List.of());
        return new TopologySource() {
            @Override
            public String name() {
                return name;
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
