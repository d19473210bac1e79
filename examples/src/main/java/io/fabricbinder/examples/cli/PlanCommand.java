package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.InMemoryFabricGateway;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.apstra.ApstraFabricGateway;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code fabricbinder plan}: the CI tool, offline by default. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "Reads Kubernetes manifests (NetworkAttachmentDefinitions, pods, VirtualNetworkRouters, "
                    + "SriovNetworkNodeStates) and the topology, and prints the fabric plan: virtual "
                    + "networks, routing zones, leaf-port VLAN bindings and IP allocations.",
            "Without --apstra-url the fabric is taken as empty. With it, the topology is checked against "
                    + "the blueprint's leafs and ports. The IPAM store (--ipam-dir, default "
                    + ".fabricbinder-ipam if it exists, or --etcd-endpoints) is read, so an attachment that "
                    + "holds an address shows as unchanged. Nothing is changed anywhere.",
            "Exit codes: 0 no errors, 2 input errors or conflicts (the valid part is still planned and "
                    + "printed), 1 unexpected failure."
        })
final class PlanCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    PlanInputOptions inputs = new PlanInputOptions();

    @Mixin
    IpamStoreOptions ipam = new IpamStoreOptions();

    @Mixin
    ApstraOptions apstra = new ApstraOptions();

    PlanCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PlanInputs loaded = inputs.load();
        Plan plan;
        try (IpamStoreOptions.Opened store = ipam.openForPlan()) {
            if (apstra.apstraUrl == null) {
                // No Apstra: plan against an empty fabric, no credentials, no network.
                plan = FabricBinder.builder()
                        .gateway(new InMemoryFabricGateway())
                        .addressBook(store.addressBook())
                        .build()
                        .plan(loaded.snapshot());
            } else {
                ApstraTarget target;
                try {
                    target = apstra.resolve(env);
                } catch (ApstraTarget.InvalidTargetException e) {
                    err.println("fabricbinder plan: " + e.getMessage());
                    return FabricBinderCli.EXIT_INPUT_ERRORS;
                }
                try (ApstraClient client = target.client()) {
                    ApstraProblems.checkBlueprint(client, target);
                    plan = FabricBinder.builder()
                            .gateway(ApstraFabricGateway.builder()
                                    .client(client)
                                    .blueprintId(target.blueprint())
                                    .build())
                            .addressBook(store.addressBook())
                            .build()
                            .plan(loaded.snapshot());
                } catch (ApstraException e) {
                    return ApstraProblems.report("plan", e, target, err);
                }
            }
        } catch (IpamStoreOptions.InvalidIpamException | ApstraTarget.InvalidTargetException e) {
            err.println("fabricbinder plan: " + e.getMessage());
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        PlanInputs.print(plan, inputs.output, out, err);
        return plan.errors().isEmpty() ? 0 : FabricBinderCli.EXIT_INPUT_ERRORS;
    }
}
