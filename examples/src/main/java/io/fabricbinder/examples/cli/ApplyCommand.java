package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.core.AddressBook;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.IpAllocationEntry;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.apstra.ApstraFabricGateway;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
                    + "1 unexpected failure (including Apstra refusing or failing the apply)."
        })
final class ApplyCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    PlanInputOptions inputs = new PlanInputOptions();

    @Option(
            names = "--ipam-dir",
            defaultValue = ".fabricbinder-ipam",
            paramLabel = "DIR",
            description = "File-backed IP pool store shared by every apply (default: ${DEFAULT-VALUE}).")
    Path ipamDir = Path.of(".fabricbinder-ipam");

    @Mixin
    ApstraOptions apstra = new ApstraOptions();

    ApplyCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ApstraTarget target;
        try {
            target = apstra.resolve(env);
        } catch (ApstraTarget.InvalidTargetException e) {
            err.println("fabricbinder apply: " + e.getMessage());
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        PlanInputs loaded = inputs.load();
        ReconcileResult result;
        try (ApstraClient client = target.client();
                FileIpPoolStore store = FileIpPoolStore.open(ipamDir)) {
            FabricBinder binder = FabricBinder.builder()
                    .gateway(ApstraFabricGateway.builder()
                            .client(client)
                            .blueprintId(target.blueprint())
                            .build())
                    .addressBook(AddressBook.of(IpAllocator.create(store)))
                    .build();
            result = binder.reconcile(loaded.snapshot());
        } catch (ApstraException e) {
            err.println("fabricbinder apply: cannot reach the fabric at " + target.url() + ": " + e.getMessage());
            return FabricBinderCli.EXIT_FAILURE;
        }
        PlanInputs.print(result.plan(), inputs.output, out, err);
        PrintWriter report = inputs.output == OutputFormat.json ? err : out;
        report.println(
                "Apply: " + result.fabric().status() + ", " + result.fabric().message());
        for (IpAllocationEntry a : result.allocated()) {
            report.println("  allocated " + a.address() + " to " + a.pod() + " " + a.interfaceName());
        }
        for (IpAllocationEntry a : result.released()) {
            report.println("  released " + a.address() + " of " + a.pod() + " " + a.interfaceName());
        }
        result.errors().stream()
                .filter(e -> !result.plan().errors().contains(e))
                .forEach(e -> err.println("error: " + e));
        out.flush();
        err.flush();
        if (!result.fabric().isSuccess()) {
            return FabricBinderCli.EXIT_FAILURE;
        }
        return result.errors().isEmpty() ? 0 : FabricBinderCli.EXIT_INPUT_ERRORS;
    }
}
