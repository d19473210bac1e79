package io.fabricbinder.examples.cli;

import io.fabricbinder.examples.node.NodeAgent;
import io.fabricbinder.sriov.DevicePluginConfig;
import io.fabricbinder.sriov.LldpNeighbor;
import io.fabricbinder.sriov.LldpNeighbors;
import io.fabricbinder.sriov.NodeInventory;
import io.fabricbinder.sriov.ResourcePools;
import io.fabricbinder.sriov.SriovDiscovery;
import io.fabricbinder.sriov.SriovReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fabricbinder sriov-inventory}: what this node's SR-IOV wiring looks like, as JSON. */
@Command(
        name = "sriov-inventory",
        mixinStandardHelpOptions = true,
        description = {
            "Prints this node's SR-IOV inventory as JSON: PFs with their VFs (SR-IOV Network Operator "
                    + "field names), the device-plugin pools they fall into, LLDP neighbours of the PFs "
                    + "and discovery problems.",
            "Run it on a worker (or in a DaemonSet with the host's /sys mounted) to see what FabricBinder "
                    + "will map pods through."
        })
final class SriovInventoryCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--sysfs-root",
            defaultValue = "/sys",
            paramLabel = "DIR",
            description = "The sysfs tree to read (default: ${DEFAULT-VALUE}; /host/sys in a DaemonSet).")
    Path sysfsRoot = Path.of("/sys");

    @Option(
            names = "--device-plugin-config",
            paramLabel = "FILE",
            description = "sriov-network-device-plugin config.json; when given, pools are computed from it.")
    @Nullable
    Path devicePluginConfig;

    @Option(
            names = "--lldp-json",
            paramLabel = "FILE",
            description = "LLDP neighbours as `lldpcli -f json show neighbors` prints them.")
    @Nullable
    Path lldpJson;

    @Option(
            names = "--lldpcli",
            paramLabel = "PROGRAM",
            description = "Read the LLDP neighbours live from lldpd: run PROGRAM (default lldpcli, which the "
                    + "image holds) as `PROGRAM [-u SOCKET] -f json0 show neighbors details`, as the node agent does.")
    @Nullable
    String lldpcli;

    @Option(
            names = "--lldpd-socket",
            paramLabel = "PATH",
            description = "lldpd's control socket for the live read (implies --lldpcli lldpcli); default: "
                    + "lldpcli's own (/run/lldpd.socket).")
    @Nullable
    String lldpdSocket;

    @Option(
            names = "--node",
            paramLabel = "NAME",
            description = "Kubernetes node name (default: $NODE_NAME, else the host name).")
    @Nullable
    String node;

    SriovInventoryCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(sysfsRoot)) {
            err.println("fabricbinder sriov-inventory: --sysfs-root " + sysfsRoot + ": not a directory");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        DevicePluginConfig config = null;
        if (devicePluginConfig != null) {
            try {
                config = DevicePluginConfig.parse(Files.readString(devicePluginConfig, StandardCharsets.UTF_8));
            } catch (IOException | IllegalArgumentException e) {
                err.println("fabricbinder sriov-inventory: --device-plugin-config " + devicePluginConfig + ": "
                        + e.getMessage());
                return FabricBinderCli.EXIT_INPUT_ERRORS;
            }
        }
        boolean live = lldpcli != null || lldpdSocket != null;
        if (live && lldpJson != null) {
            err.println("fabricbinder sriov-inventory: --lldp-json and --lldpcli/--lldpd-socket exclude each other");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        List<LldpNeighbor> neighbors = List.of();
        @Nullable String lldpProblem = null;
        NodeAgent.@Nullable LldpSource source =
                live ? NodeAgent.lldpcli(lldpcli == null ? "lldpcli" : lldpcli, lldpdSocket) : null;
        if (source != null) {
            // As the node agent reads it; a failure is reported after the inventory, which is still printed.
            try {
                neighbors = LldpNeighbors.parseLldpcliJson(source.read());
            } catch (IOException | IllegalArgumentException e) {
                lldpProblem = e.getMessage();
            }
        } else if (lldpJson != null) {
            try {
                neighbors = LldpNeighbors.parseLldpcliJson(Files.readString(lldpJson, StandardCharsets.UTF_8));
            } catch (IOException | IllegalArgumentException e) {
                err.println("fabricbinder sriov-inventory: --lldp-json " + lldpJson + ": " + e.getMessage());
                return FabricBinderCli.EXIT_INPUT_ERRORS;
            }
        }
        String nodeName = node != null ? node : env.containsKey("NODE_NAME") ? env.get("NODE_NAME") : hostName();
        SriovReport report = SriovDiscovery.at(sysfsRoot).discover();
        ResourcePools pools =
                config == null ? new ResourcePools(List.of(), List.of()) : ResourcePools.compute(report, config);
        out.println(NodeInventory.of(nodeName, report, pools, neighbors).toJson());
        out.flush();
        if (!report.defects().isEmpty()) {
            err.println("fabricbinder sriov-inventory: " + report.defects().size() + " discovery problem(s) on "
                    + sysfsRoot + ", see \"problems\"");
        }
        if (lldpProblem != null) {
            err.println("fabricbinder sriov-inventory: lldp: " + lldpProblem);
            return FabricBinderCli.EXIT_FAILURE;
        }
        return 0;
    }

    /** The host name from {@code /etc/hostname}; no name-service lookup. */
    private String hostName() {
        String fromEnv = env.get("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            String name = Files.readString(Path.of("/etc/hostname"), StandardCharsets.UTF_8)
                    .strip();
            return name.isEmpty() ? "localhost" : name;
        } catch (IOException e) {
            return "localhost";
        }
    }
}
