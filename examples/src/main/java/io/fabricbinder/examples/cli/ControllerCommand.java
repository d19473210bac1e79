package io.fabricbinder.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fabricbinder controller}: runs {@link
 * io.fabricbinder.examples.controller.FabricBinderController} in a cluster.
 */
@Command(
        name = "controller",
        mixinStandardHelpOptions = true,
        description = {
            "Runs FabricBinder as a Kubernetes controller: informers on NetworkAttachmentDefinitions, "
                    + "Pods, VirtualNetworkRouters and SriovNetworkNodeStates; leader election on a "
                    + "coordination Lease so only one replica applies; problems reported as Events on "
                    + "the offending object.",
            "The Kubernetes connection comes from the in-cluster service account or $KUBECONFIG."
        })
final class ControllerCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--namespace", paramLabel = "NS", description = "Watch one namespace (default: all).")
    @Nullable
    String namespace;

    @Option(
            names = "--lease-namespace",
            defaultValue = "default",
            paramLabel = "NS",
            description = "Namespace of the leader-election Lease (default: ${DEFAULT-VALUE}).")
    String leaseNamespace = "default";

    @Option(
            names = "--lease-name",
            defaultValue = "fabricbinder-controller",
            paramLabel = "NAME",
            description = "Name of the Lease the replicas compete for (default: ${DEFAULT-VALUE}).")
    String leaseName = "fabricbinder-controller";

    @Option(
            names = "--identity",
            paramLabel = "ID",
            description = "This replica's identity in the election (default: $POD_NAME).")
    @Nullable
    String identity;

    @Option(
            names = "--topology",
            paramLabel = "FILE",
            description = "Static topology: links: [{node, nic, leaf, port}].")
    @Nullable
    Path topology;

    @Option(names = "--apstra-url", paramLabel = "URL", description = "Apstra base URL.")
    @Nullable
    String apstraUrl;

    @Option(names = "--blueprint", paramLabel = "ID", description = "Blueprint id.")
    @Nullable
    String blueprint;

    ControllerCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String id = identity != null ? identity : env.get("POD_NAME");
        if (id == null || id.isBlank()) {
            err.println("fabricbinder controller: --identity is required when $POD_NAME is not set "
                    + "(each replica needs its own identity for leader election)");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        return NotAvailable.report(
                err,
                "controller",
                "reconciling the fabric from the cluster",
                "the core module's FabricBinder event mode and Apstra gateway; the watch, leader election and "
                        + "Event parts are in io.fabricbinder.examples.controller.FabricBinderController");
    }
}
