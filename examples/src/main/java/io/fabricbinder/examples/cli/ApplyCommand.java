package io.fabricbinder.examples.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fabricbinder apply}: plan against a live Apstra and apply the valid part. */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = {
            "Plans like `plan`, against the fabric as Apstra has it, and applies the valid part: one "
                    + "cooperative blueprint lock, one batch of port changes, one deploy.",
            "Credentials: APSTRA_USER and APSTRA_PASSWORD, or --user and --password-file.",
            "Exit codes: 0 no errors, 2 input errors or conflicts (the valid part is still applied), "
                    + "1 unexpected failure."
        })
final class ApplyCommand implements Callable<Integer> {

    private final Map<String, String> env;

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
            description = "text (default) or json.")
    OutputFormat output = OutputFormat.text;

    @Option(names = "--apstra-url", required = true, paramLabel = "URL", description = "Apstra base URL.")
    @Nullable
    URI apstraUrl;

    @Option(names = "--blueprint", required = true, paramLabel = "ID", description = "Blueprint id.")
    @Nullable
    String blueprint;

    @Option(names = "--user", paramLabel = "NAME", description = "Apstra user (default: $APSTRA_USER).")
    @Nullable
    String user;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "File holding the Apstra password (default: $APSTRA_PASSWORD).")
    @Nullable
    Path passwordFile;

    @Option(names = "--ca-cert", paramLabel = "FILE", description = "PEM CA certificate(s) to trust for Apstra.")
    @Nullable
    Path caCert;

    @Option(names = "--insecure", description = "Skip TLS certificate verification (lab use only).")
    boolean insecure;

    ApplyCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ApstraTarget.resolve(apstraUrl, blueprint, user, passwordFile, caCert, insecure, env);
        } catch (ApstraTarget.InvalidTargetException e) {
            err.println("fabricbinder apply: " + e.getMessage());
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
                err,
                "apply",
                "applying a plan",
                "the core module's FabricBinder.reconcile(snapshot) and its Apstra gateway");
        return inputs.hasErrors() ? FabricBinderCli.EXIT_INPUT_ERRORS : unavailable;
    }
}
