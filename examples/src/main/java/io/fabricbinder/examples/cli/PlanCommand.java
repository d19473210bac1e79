package io.fabricbinder.examples.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fabricbinder plan}: the CI tool, offline by default. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "Reads Kubernetes manifests (NetworkAttachmentDefinitions, pods, VirtualNetworkRouters, "
                    + "SriovNetworkNodeStates) and the topology, and prints the fabric plan: virtual "
                    + "networks, routing zones, leaf-port VLAN bindings and IP allocations.",
            "Without --apstra-url the fabric is taken as empty. Nothing is changed anywhere.",
            "Exit codes: 0 no errors, 2 input errors or conflicts (the valid part is still planned and "
                    + "printed), 1 unexpected failure."
        })
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--manifests",
            required = true,
            paramLabel = "DIR_OR_FILE",
            description = "A manifest file, or a directory read recursively (*.yaml, *.yml, *.json).")
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

    @Option(
            names = "--apstra-url",
            paramLabel = "URL",
            description = "Read the current fabric from this Apstra (read-only) instead of assuming it empty.")
    @Nullable
    URI apstraUrl;

    @Option(names = "--blueprint", paramLabel = "ID", description = "Blueprint id (with --apstra-url).")
    @Nullable
    String blueprint;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (apstraUrl != null && blueprint == null) {
            err.println("fabricbinder plan: --blueprint is required with --apstra-url");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        PlanInputs inputs = PlanInputs.load(manifests, topology);
        if (output == OutputFormat.json) {
            out.println(inputs.problemsJson());
        } else {
            out.println(inputs.summary());
            inputs.printProblems(err);
        }
        out.flush();
        int unavailable = NotAvailable.report(
                err, "plan", "planning the fabric", "the core module's FabricBinder.plan(snapshot)");
        return inputs.hasErrors() ? FabricBinderCli.EXIT_INPUT_ERRORS : unavailable;
    }
}
