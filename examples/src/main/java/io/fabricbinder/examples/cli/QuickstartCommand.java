package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.core.manifest.ManifestError;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code fabricbinder quickstart}: the seed workflow end to end on an in-process Apstra emulator. */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the seed workflow end to end on an in-process Apstra emulator (2 leafs, 3 SR-IOV "
                    + "workers) with in-memory IPAM: two NADs sharing a label, pods on different "
                    + "nodes, a VirtualNetworkRouter; reconcile; then the pods go away again.",
            "Prints the plan, the Apstra calls and commits it took, the resulting fabric and each "
                    + "pod's IP. Nothing outside this process is touched."
        })
final class QuickstartCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(out, 6);
        out.println("FabricBinder quickstart: SR-IOV pods onto an Apstra-managed fabric, end to end.");
        out.println();

        progress.step("Starting the Apstra emulator (in this process, loopback only)");
        try (ApstraEmulator apstra = ApstraEmulator.builder()
                .topology(BundledExamples.topology().toEmulatorTopology())
                .start()) {
            progress.done(apstra.baseUrl() + ", blueprint " + apstra.blueprintId());

            progress.step("Reading the example cluster (examples/manifests, bundled in the jar)");
            Cluster cluster = Cluster.load();
            if (!cluster.problems().isEmpty()) {
                cluster.problems().forEach(p -> err.println("error: " + p));
                return FabricBinderCli.EXIT_FAILURE;
            }
            progress.done(cluster.nads().nads().size() + " NADs, "
                    + cluster.pods().pods().size() + " pods, 1 VNR, "
                    + BundledExamples.topology().links().size() + " cabled PFs");
            cluster.describe().forEach(l -> out.println("      " + l));
            out.println("      Fabric before:");
            FabricView.render(apstra, Stage.DEPLOYED).forEach(l -> out.println("        " + l));
            out.flush();

            progress.step("Creating the NADs, the VirtualNetworkRouter and the pods, then reconciling");
            return NotAvailable.report(
                    err,
                    "quickstart",
                    "the reconcile step",
                    "the core module's FabricBinder.reconcile(snapshot) and its Apstra gateway");
        }
    }

    /** The bundled seed cluster. */
    record Cluster(ManifestSet nads, ManifestSet vnr, ManifestSet pods, ManifestSet nodeStates) {
        static Cluster load() {
            return new Cluster(
                    BundledExamples.manifests(BundledExamples.NADS),
                    BundledExamples.manifests(BundledExamples.VNR),
                    BundledExamples.manifests(BundledExamples.PODS),
                    BundledExamples.manifests(BundledExamples.NODE_STATES));
        }

        List<ManifestError> problems() {
            List<ManifestError> all = new ArrayList<>();
            for (ManifestSet s : List.of(nads, vnr, pods, nodeStates)) {
                all.addAll(s.errors());
            }
            return all;
        }

        List<String> describe() {
            List<String> lines = new ArrayList<>();
            for (NetworkAttachmentDefinition nad : nads.nads()) {
                lines.add(String.format(
                        Locale.ROOT,
                        "NAD %-22s VLAN %-5s labels %s",
                        nad.key(),
                        nad.findVlan().map(String::valueOf).orElse("-"),
                        nad.labels()));
            }
            vnr.virtualNetworkRouters()
                    .forEach(r -> lines.add(String.format(
                            Locale.ROOT,
                            "VNR %-22s %s, routes networks labelled %s",
                            r.key(),
                            r.type().spelling(),
                            r.virtualNetworkSelector().matchLabels())));
            for (Pod pod : pods.pods()) {
                lines.add(String.format(
                        Locale.ROOT,
                        "Pod %-22s on %-9s networks %s",
                        pod.key(),
                        pod.nodeName(),
                        pod.networks().stream()
                                .map(n -> n.nadKey(pod.namespace()))
                                .collect(Collectors.joining(", "))));
            }
            return lines;
        }
    }

    /** Numbered progress lines with elapsed time, so a slow step is visible as it happens. */
    static final class Progress {
        private final PrintWriter out;
        private final int steps;
        private int step;
        private long started;

        Progress(PrintWriter out, int steps) {
            this.out = out;
            this.steps = steps;
        }

        void step(String what) {
            step++;
            started = System.nanoTime();
            out.print("[" + step + "/" + steps + "] " + what + " ... ");
            out.flush();
        }

        void done(String result) {
            long ms = (System.nanoTime() - started) / 1_000_000;
            out.println(result + " (" + ms + " ms)");
            out.flush();
        }
    }
}
