package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.apstra.ApstraFabricGateway;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            description = "text (default) or json (the plan's JSON contract).")
    OutputFormat output = OutputFormat.text;

    @Mixin
    ApstraOptions apstra = new ApstraOptions();

    PlanCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PlanInputs inputs = PlanInputs.load(manifests, topology);
        Plan plan;
        if (apstra.apstraUrl == null) {
            // No Apstra: plan against an empty fabric, no credentials, no network.
            plan = FabricBinder.builder().build().plan(inputs.snapshot());
        } else {
            ApstraTarget target;
            try {
                target = apstra.resolve(env);
            } catch (ApstraTarget.InvalidTargetException e) {
                err.println("fabricbinder plan: " + e.getMessage());
                return FabricBinderCli.EXIT_INPUT_ERRORS;
            }
            try (ApstraClient client = target.client()) {
                plan = FabricBinder.builder()
                        .gateway(ApstraFabricGateway.builder()
                                .client(client)
                                .blueprintId(target.blueprint())
                                .build())
                        .build()
                        .plan(inputs.snapshot());
            } catch (ApstraException e) {
                err.println("fabricbinder plan: cannot read the fabric from " + target.url() + ": " + e.getMessage());
                return FabricBinderCli.EXIT_FAILURE;
            }
        }
        PlanInputs.print(plan, output, out, err);
        return plan.errors().isEmpty() ? 0 : FabricBinderCli.EXIT_INPUT_ERRORS;
    }
}
