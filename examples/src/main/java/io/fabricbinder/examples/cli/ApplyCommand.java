package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.IpAllocationEntry;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.apstra.ApstraFabricGateway;
import java.io.PrintWriter;
import java.time.Duration;
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
            "Deletion guard: a plan that would remove every virtual network and tagged port FabricBinder "
                    + "owns, or more than --max-delete-share of them (and more than 10), is refused and "
                    + "changes nothing, neither on the fabric nor in the IPAM, unless --allow-bulk-delete.",
            "Blueprint lock: the lock tag names this process and a lease (--lock-lease), renewed while "
                    + "the apply runs and released on exit, Ctrl-C or SIGTERM; a FabricBinder lock whose "
                    + "lease ran out (a killed apply) is taken over, a lock of another tool never.",
            "Exit codes: 0 no errors, 2 input errors or conflicts (the valid part is still applied) and "
                    + "operator mistakes (IPAM directory, credentials, TLS, unknown blueprint), 1 "
                    + "unexpected failure (including an apply that was REFUSED or FAILED)."
        })
final class ApplyCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    PlanInputOptions inputs = new PlanInputOptions();

    @Mixin
    IpamStoreOptions ipam = new IpamStoreOptions();

    @Mixin
    ApstraOptions apstra = new ApstraOptions();

    @Option(
            names = "--allow-bulk-delete",
            description = "Apply a plan the deletion guard would refuse (it removes everything FabricBinder "
                    + "owns, or more than --max-delete-share). Check the plan first.")
    boolean allowBulkDelete;

    @Option(
            names = "--max-delete-share",
            defaultValue = "0.5",
            paramLabel = "0..1",
            description = "Largest share of the owned virtual networks and tagged ports one apply may remove "
                    + "once it removes more than 10 (default: ${DEFAULT-VALUE}).")
    double maxDeleteShare = 0.5;

    @Option(
            names = "--lock-wait",
            defaultValue = "PT30S",
            paramLabel = "DURATION",
            description = "How long to wait for the blueprint lock (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration lockWait = Duration.ofSeconds(30);

    @Option(
            names = "--lock-lease",
            defaultValue = "PT20S",
            paramLabel = "DURATION",
            description = "Lease written into the blueprint lock, renewed while the apply runs; a killed "
                    + "apply's lock is taken over once it runs out (ISO-8601, at least PT3S, default: "
                    + "${DEFAULT-VALUE}).")
    Duration lockLease = ApstraFabricGateway.DEFAULT_LOCK_LEASE;

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
        if (!(maxDeleteShare >= 0 && maxDeleteShare <= 1)) {
            err.println("fabricbinder apply: --max-delete-share must lie in 0..1, got " + maxDeleteShare);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (lockLease.compareTo(Duration.ofSeconds(3)) < 0 || lockWait.isNegative()) {
            err.println("fabricbinder apply: --lock-lease must be at least PT3S and --lock-wait not negative");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        PlanInputs loaded = inputs.load();
        ReconcileResult result;
        try (IpamStoreOptions.Opened store = ipam.openForApply();
                ApstraClient client = target.client()) {
            ApstraProblems.checkBlueprint(client, target);
            ApstraFabricGateway gateway = ApstraFabricGateway.builder()
                    .client(client)
                    .blueprintId(target.blueprint())
                    .lockWait(lockWait)
                    .lockLease(lockLease)
                    .build();
            FabricBinder binder = FabricBinder.builder()
                    .gateway(gateway)
                    .addressBook(store.addressBook())
                    .allowBulkDelete(allowBulkDelete)
                    .maxDeleteShare(maxDeleteShare)
                    .build();
            // Ctrl-C or SIGTERM while the blueprint lock is held: release it at once, not after its lease.
            Thread hook = new Thread(gateway::close, "fabricbinder-apply-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                result = binder.reconcile(loaded.snapshot());
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The JVM is stopping; the hook releases the lock.
                }
            }
        } catch (IpamStoreOptions.InvalidIpamException | ApstraTarget.InvalidTargetException e) {
            err.println("fabricbinder apply: " + e.getMessage());
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        } catch (ApstraException e) {
            return ApstraProblems.report("apply", e, target, err);
        }
        if (inputs.output == OutputFormat.json) {
            out.println(result.toJson().stripTrailing());
            result.plan().errors().forEach(e -> err.println("error: " + e));
            result.plan().warnings().forEach(w -> err.println("warning: " + w));
        } else {
            PlanInputs.print(result.plan(), inputs.output, out, err);
        }
        PrintWriter report = inputs.output == OutputFormat.json ? err : out;
        report.println("Apply: " + result.status() + ", " + result.fabric().message());
        for (IpAllocationEntry a : result.allocated()) {
            report.println("  allocated " + a.cidr() + " to " + a.pod() + " " + a.interfaceName());
        }
        for (IpAllocationEntry a : result.released()) {
            report.println("  released " + a.cidr() + " of " + a.pod() + " " + a.interfaceName());
        }
        // The plan's errors are printed with the plan, and a failure whose text is the apply's own
        // message (the deletion guard's refusal) is already on the "Apply:" line: once each.
        result.errors().stream()
                .filter(e -> !result.plan().errors().contains(e))
                .filter(e -> !e.message().equals(result.fabric().message()))
                .forEach(e -> err.println("error: " + e));
        out.flush();
        err.flush();
        if (!result.fabric().isSuccess()) {
            return FabricBinderCli.EXIT_FAILURE;
        }
        return result.errors().isEmpty() ? 0 : FabricBinderCli.EXIT_INPUT_ERRORS;
    }
}
