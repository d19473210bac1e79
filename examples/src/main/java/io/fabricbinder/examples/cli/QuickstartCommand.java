package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.Credentials;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.core.AddressBook;
import io.fabricbinder.core.ClusterSnapshot;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.IpAllocationEntry;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.PlanChange;
import io.fabricbinder.core.PortAction;
import io.fabricbinder.core.PortBinding;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.apstra.ApstraFabricGateway;
import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.Pod;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

    /** The order the pods are deleted in: web-1 first, so its port stays tagged for web-3. */
    private static final List<String> DELETION_ORDER =
            List.of("tenant-blue/web-1", "tenant-blue/web-3", "tenant-blue/web-2", "tenant-blue/db-1");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long started = System.nanoTime();
        Progress progress = new Progress(out, 6);
        out.println("FabricBinder quickstart: SR-IOV pods onto an Apstra-managed fabric, end to end.");
        out.println();

        progress.step("Starting the Apstra emulator (in this process, loopback only)");
        try (ApstraEmulator apstra = ApstraEmulator.builder()
                        .topology(BundledExamples.emulatorFabric())
                        .start();
                ApstraClient client = ApstraClient.builder()
                        .baseUrl(apstra.baseUrl())
                        .credentials(new Credentials(apstra.username(), apstra.password()))
                        .build()) {
            progress.done(apstra.baseUrl() + ", blueprint " + apstra.blueprintId());
            FabricBinder binder = FabricBinder.builder()
                    .gateway(ApstraFabricGateway.builder()
                            .client(client)
                            .blueprintId(apstra.blueprintId())
                            .build())
                    .addressBook(AddressBook.of(IpAllocator.create(new InMemoryIpPoolStore())))
                    .build();

            progress.step("Reading the example cluster (examples/manifests, bundled in the jar)");
            Cluster cluster = Cluster.load();
            if (!cluster.problems().isEmpty()) {
                out.println();
                cluster.problems().forEach(p -> err.println("error: " + p));
                return FabricBinderCli.EXIT_FAILURE;
            }
            progress.done(cluster.nads().nads().size() + " NADs, "
                    + cluster.pods().pods().size() + " pods, 1 VNR, "
                    + cluster.topology().links().size() + " cabled PFs");
            cluster.describe().forEach(l -> out.println("      " + l));
            out.println("      Fabric before:");
            indent(out, FabricView.render(apstra, Stage.DEPLOYED), "        ");

            progress.step("Creating the NADs, the VirtualNetworkRouter and the pods, then reconciling");
            Map<String, Integer> before = apstra.callCounts();
            Plan plan = binder.plan(cluster.snapshot(Set.of()));
            ReconcileResult result = binder.apply(plan);
            List<String> calls = FabricView.calls(before, apstra.callCounts());
            progress.done(
                    result.isSuccess()
                            ? result.fabric().message()
                            : "FAILED: " + result.fabric().message());
            out.println("      The plan:");
            indent(out, plan.toText().lines().toList(), "        ");
            out.println("      What it took: " + calls.get(0));
            indent(out, calls.subList(1, calls.size()), "        ");
            if (!result.isSuccess()) {
                result.errors().forEach(e -> err.println("error: " + e));
                return FabricBinderCli.EXIT_FAILURE;
            }

            progress.heading("The fabric now (deployed blueprint version " + apstra.deployedVersion()
                    + "), and each pod's address");
            indent(out, FabricView.render(apstra, Stage.DEPLOYED), "      ");
            out.println("      Pod addresses (central IPAM, in-memory):");
            for (IpAllocationEntry a : result.allocated()) {
                out.println(String.format(
                        Locale.ROOT,
                        "        %-22s %-5s %-12s on %s",
                        a.pod(),
                        a.interfaceName(),
                        a.cidr(),
                        a.virtualNetwork()));
            }

            progress.heading("Deleting the pods one at a time, reconciling after each");
            Set<String> deleted = new LinkedHashSet<>();
            Plan previous = plan;
            for (String pod : DELETION_ORDER) {
                deleted.add(pod);
                Map<String, Integer> countsBefore = apstra.callCounts();
                Plan next = binder.plan(cluster.snapshot(deleted));
                ReconcileResult r = binder.apply(next);
                List<String> took = FabricView.calls(countsBefore, apstra.callCounts());
                out.println("      - delete " + pod + ": " + took.get(0).replace(":", ""));
                describePorts(out, pod, previous, next);
                r.released()
                        .forEach(a -> out.println(
                                "          released " + a.cidr() + " (" + a.interfaceName() + " of " + a.pod() + ")"));
                if (!r.isSuccess()) {
                    r.errors().forEach(e -> err.println("error: " + e));
                    return FabricBinderCli.EXIT_FAILURE;
                }
                previous = next;
            }

            progress.heading(
                    "The fabric after the last pod left (deployed blueprint version " + apstra.deployedVersion() + ")");
            indent(out, FabricView.render(apstra, Stage.DEPLOYED), "      ");
            out.println();
            out.println(String.format(
                    Locale.ROOT,
                    "Done in %.1f s. The networks stay (their NADs still exist); every leaf port was untagged once"
                            + " the last pod behind it left.",
                    (System.nanoTime() - started) / 1e9));
            out.flush();
            return 0;
        }
    }

    /** For the pod just deleted: which of its leaf ports were untagged and which stay for others. */
    private static void describePorts(PrintWriter out, String pod, Plan previous, Plan next) {
        Map<PortBinding.Key, PlanChange.PortBindingChange> now = new HashMap<>();
        next.portBindings().forEach(c -> now.put(c.binding().key(), c));
        for (PlanChange.PortBindingChange was : previous.portBindings()) {
            PortBinding b = was.binding();
            if (!b.pods().contains(pod)) {
                continue;
            }
            PlanChange.PortBindingChange c = now.get(b.key());
            String where = b.leaf() + " " + b.port() + " VLAN " + b.vlan() + " (" + b.virtualNetwork() + ")";
            if (c == null || c.action() == PortAction.UNTAG) {
                out.println("          untagged " + where + ": " + pod + " was the last pod behind it");
            } else {
                out.println("          kept     " + where + ": still used by "
                        + String.join(", ", c.binding().pods()));
            }
        }
    }

    private static void indent(PrintWriter out, List<String> lines, String prefix) {
        lines.forEach(l -> out.println(l.isBlank() ? "" : prefix + l));
        out.flush();
    }

    /** The bundled seed cluster. */
    record Cluster(ManifestSet nads, ManifestSet vnr, ManifestSet pods, ManifestSet nodeStates, Topology topology) {
        static Cluster load() {
            return new Cluster(
                    BundledExamples.manifests(BundledExamples.NADS),
                    BundledExamples.manifests(BundledExamples.VNR),
                    BundledExamples.manifests(BundledExamples.PODS),
                    BundledExamples.manifests(BundledExamples.NODE_STATES),
                    Topology.of(StaticTopologyFile.parse(
                                    "static:" + BundledExamples.TOPOLOGY,
                                    BundledExamples.text(BundledExamples.TOPOLOGY))
                            .links()));
        }

        List<Diagnostic> problems() {
            List<Diagnostic> all = new ArrayList<>();
            for (ManifestSet s : List.of(nads, vnr, pods, nodeStates)) {
                all.addAll(s.errors());
            }
            return all;
        }

        /** The whole cluster without the pods named. */
        ClusterSnapshot snapshot(Set<String> deletedPods) {
            ManifestSet.Builder b = ManifestSet.builder();
            nads.nads().forEach(b::add);
            vnr.virtualNetworkRouters().forEach(b::add);
            nodeStates.nodeStates().forEach(b::add);
            pods.pods().stream().filter(p -> !deletedPods.contains(p.key())).forEach(b::add);
            return new ClusterSnapshot(b.build(), topology);
        }

        List<String> describe() {
            List<String> lines = new ArrayList<>();
            for (NetworkAttachmentDefinition nad : nads.nads()) {
                lines.add(String.format(
                        Locale.ROOT,
                        "NAD %-22s VLAN %-5s labels %s",
                        nad.key(),
                        nad.findVlan().map(String::valueOf).orElse("-"),
                        new TreeMap<>(nad.labels())));
            }
            vnr.virtualNetworkRouters()
                    .forEach(r -> lines.add(String.format(
                            Locale.ROOT,
                            "VNR %-22s %s, routes networks labelled %s",
                            r.key(),
                            r.type().spelling(),
                            new TreeMap<>(r.virtualNetworkSelector().matchLabels()))));
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

        /** A step whose result is the lines printed below it. */
        void heading(String what) {
            step++;
            out.println("[" + step + "/" + steps + "] " + what + ":");
            out.flush();
        }

        void done(String result) {
            long ms = (System.nanoTime() - started) / 1_000_000;
            out.println(result + " (" + ms + " ms)");
            out.flush();
        }
    }
}
