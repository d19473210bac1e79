package io.fabricbinder.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options {@code plan} and {@code apply} share: where the manifests and the static topology
 * are, and how the plan is printed. A picocli mixin, so both commands spell and document them the
 * same way.
 */
final class PlanInputOptions {

    @Option(
            names = "--manifests",
            required = true,
            paramLabel = "DIR_OR_FILE",
            description = "A manifest file, or a directory read recursively (*.yaml, *.yml, *.json). A path that"
                    + " is missing, empty or not UTF-8 stops the command (exit 2) before anything is planned;"
                    + " a document that cannot be read keeps everything (nothing is deleted or untagged).")
    Path manifests = Path.of(".");

    @Option(
            names = "--topology",
            required = true,
            paramLabel = "FILE",
            description = "Static topology: links: [{node, nic, leaf, port}].")
    Path topology = Path.of("topology.yaml");

    @Option(
            names = "--output",
            defaultValue = "text",
            paramLabel = "text|json",
            description = "text (default) or json (the plan's JSON contract).")
    OutputFormat output = OutputFormat.text;

    /**
     * Reads the manifests and the topology; bad content becomes errors in the snapshot.
     *
     * @throws PlanInputs.UnreadableInputException if a source cannot be read at all
     */
    PlanInputs load() {
        return PlanInputs.load(manifests, topology);
    }
}
