package io.fabricbinder.examples.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabricbinder.examples.metrics.CniMetrics;
import io.fabricbinder.examples.metrics.ProbeServer;
import io.fabricbinder.examples.node.NodeAgent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fabricbinder node-agent}: the long-running process of the node DaemonSet. Two duties, each
 * on its own: with a node name ({@code --node-name} or {@code $NODE_NAME}) it publishes this node's
 * SR-IOV PFs and their LLDP neighbours as a cluster-scoped {@code FabricBinderNode} (see {@link
 * NodeAgent}); with {@code --ipam-socket} it serves the {@code fabricbinder-ipam} CNI plugin from the
 * central IP pool ({@link IpamSocketOptions}), which needs no Kubernetes connection. Runs until
 * interrupted.
 */
@Command(
        name = "node-agent",
        mixinStandardHelpOptions = true,
        description = {
            "Runs on every SR-IOV node (DaemonSet): discovers the node's SR-IOV PFs and VFs from sysfs, "
                    + "reads the PFs' LLDP neighbours from the host's lldpd (lldpcli -f json0) and publishes "
                    + "them as the cluster-scoped FabricBinderNode named after the node (fabricbinder.io/"
                    + "v1alpha1), owned by the Node. Publishes at start, when something changed (checked "
                    + "every --interval) and at every --resync; writes only when the content changed.",
            "lldpd not running is a discovery problem in the published status, not a failure. When the API "
                    + "server cannot be reached the agent keeps discovering and publishes when it returns.",
            "With --ipam-socket it also serves the fabricbinder-ipam CNI plugin: the plugin forwards each CNI "
                    + "ADD/DEL/CHECK/STATUS/GC over that root-only socket and the agent allocates from the "
                    + "central IP pool (--ipam-dir or --etcd-endpoints); this needs no Kubernetes connection, "
                    + "and without a node name (--node-name, $NODE_NAME) or with --no-inventory the agent "
                    + "serves IPAM only. Runs until interrupted."
        })
final class NodeAgentCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--node-name",
            paramLabel = "NAME",
            description = "This node's Kubernetes name (default: $NODE_NAME, set from spec.nodeName by the "
                    + "DaemonSet's downward API).")
    @Nullable
    String nodeName;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file to use.")
    @Nullable
    Path kubeconfig;

    @Option(
            names = "--sysfs-root",
            defaultValue = "/host/sys",
            paramLabel = "DIR",
            description = "The host's sysfs (default: ${DEFAULT-VALUE}, the host's /sys mounted in the pod).")
    Path sysfsRoot = Path.of("/host/sys");

    @Option(
            names = "--device-plugin-config",
            paramLabel = "FILE",
            description = "sriov-network-device-plugin config.json; when given, each PF lists the device-plugin "
                    + "resources its VFs are in.")
    @Nullable
    Path devicePluginConfig;

    @Option(
            names = "--lldpcli",
            defaultValue = "lldpcli",
            paramLabel = "PROGRAM",
            description = "The lldpcli program run as `lldpcli [-u SOCKET] -f json0 show neighbors details` "
                    + "(default: ${DEFAULT-VALUE}; an empty value turns LLDP off).")
    String lldpcli = "lldpcli";

    @Option(
            names = "--lldpd-socket",
            paramLabel = "PATH",
            description = "lldpd's control socket (lldpcli -u); default: lldpcli's own (/run/lldpd.socket). "
                    + "Mount the host's /run/lldpd.socket into the pod and name it here.")
    @Nullable
    String lldpdSocket;

    @Option(
            names = "--interval",
            defaultValue = "PT30S",
            paramLabel = "DURATION",
            description =
                    "How often sysfs and LLDP are read to notice changes (ISO-8601, default: " + "${DEFAULT-VALUE}).")
    Duration interval = Duration.ofSeconds(30);

    @Option(
            names = "--resync",
            defaultValue = "PT10M",
            paramLabel = "DURATION",
            description = "How often the published object is read back and rewritten if it differs (deleted "
                    + "or edited by someone else), even without a change here (default: ${DEFAULT-VALUE}).")
    Duration resync = Duration.ofMinutes(10);

    @Option(names = "--no-inventory", description = "Do not publish the FabricBinderNode (serve only the IPAM socket).")
    boolean noInventory;

    @Mixin
    IpamSocketOptions ipam = new IpamSocketOptions();

    @Option(
            names = "--metrics-bind-address",
            defaultValue = "0",
            paramLabel = "[HOST]:PORT",
            description = "Serve Prometheus /metrics here, e.g. :8082: the CNI requests this agent answered, by "
                    + "command and code, and their latency (default: ${DEFAULT-VALUE}, off).")
    String metricsAddress = "0";

    @Option(
            names = "--once",
            description = "Discover and publish once, then exit (0 when published, 1 when the API server "
                    + "could not be reached).")
    boolean once;

    /** The exit code of a {@code --once} run. */
    private int onceResult;

    NodeAgentCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String node = nodeName != null ? nodeName : env.get("NODE_NAME");
        boolean inventory = !noInventory && node != null && !node.isBlank();
        String problem = ipam.problem();
        if (problem != null) {
            err.println("fabricbinder node-agent: " + problem);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (!inventory && !ipam.enabled()) {
            err.println("fabricbinder node-agent: nothing to do: --node-name is required to publish this node's "
                    + "inventory (or set $NODE_NAME), --ipam-socket PATH to serve the CNI plugin; give one or both");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (once && (!inventory || ipam.enabled())) {
            err.println("fabricbinder node-agent: --once publishes the inventory once: --node-name is required "
                    + "(or $NODE_NAME), and --ipam-socket is not taken");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        InetSocketAddress metricsAt;
        try {
            metricsAt = ProbeServer.address(metricsAddress);
        } catch (IllegalArgumentException e) {
            err.println("fabricbinder node-agent: --metrics-bind-address: " + e.getMessage());
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (metricsAt != null && !ipam.enabled()) {
            err.println("fabricbinder node-agent: --metrics-bind-address serves the CNI request metrics and needs "
                    + "--ipam-socket");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (interval.isNegative() || interval.isZero() || resync.isNegative() || resync.isZero()) {
            err.println("fabricbinder node-agent: --interval and --resync must be positive");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        String devicePluginJson = null;
        if (devicePluginConfig != null) {
            try {
                devicePluginJson = Files.readString(devicePluginConfig, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("fabricbinder node-agent: --device-plugin-config " + devicePluginConfig + ": "
                        + e.getMessage());
                return FabricBinderCli.EXIT_INPUT_ERRORS;
            }
        }
        boolean interrupted = false;
        CniMetrics metrics = new CniMetrics();
        // The IPAM socket first: pods on this node must get addresses even while the API server is away.
        try (IpamSocketOptions.@Nullable Running running = ipam.enabled() ? ipam.start(metrics) : null;
                @Nullable
                        ProbeServer probes = metricsAt == null
                                ? null
                                : ProbeServer.start(metricsAt, null, metrics::scrape, () -> true, () -> true)) {
            if (running != null) {
                Runtime.getRuntime().addShutdownHook(new Thread(running::close, "fabricbinder-ipam-shutdown"));
                out.println("fabricbinder node-agent: serving fabricbinder-ipam on " + running.agent.socket());
                out.flush();
            }
            if (probes != null) {
                out.println("fabricbinder node-agent: serving /metrics on "
                        + probes.addresses().get(0));
                out.flush();
            }
            if (!inventory) {
                if (running != null) {
                    running.agent.awaitClosed();
                }
                return 0;
            }
            interrupted = publish(requireNode(node), devicePluginJson, out);
        } catch (IpamStoreOptions.InvalidIpamException e) {
            err.println("fabricbinder node-agent: " + e.getMessage());
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        } catch (InterruptedException e) {
            interrupted = true; // asked to stop: the agent is closed, the socket removed
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (once) {
            return onceResult;
        }
        out.println("fabricbinder node-agent " + node + ": stopped");
        out.flush();
        return 0;
    }

    private static String requireNode(@Nullable String node) {
        if (node == null) {
            throw new IllegalStateException("no node name");
        }
        return node;
    }

    /** Publishes the inventory until interrupted (or once); true when interrupted. */
    private boolean publish(String node, @Nullable String devicePluginJson, PrintWriter out) throws IOException {
        Config config = kubeconfig == null
                ? Config.autoConfigure(null)
                : Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            NodeAgent.Builder b = NodeAgent.builder(client, node)
                    .sysfsRoot(sysfsRoot)
                    .lldp(NodeAgent.lldpcli(lldpcli, lldpdSocket))
                    .interval(interval)
                    .resync(resync)
                    .log(line -> {
                        out.println(line);
                        out.flush();
                    });
            if (devicePluginJson != null) {
                b.devicePluginConfig(devicePluginJson);
            }
            NodeAgent agent = b.build();
            if (once) {
                onceResult = agent.publishOnce() ? 0 : FabricBinderCli.EXIT_FAILURE;
                return false;
            }
            try {
                agent.run();
            } catch (InterruptedException e) {
                return true; // set again once the client is closed
            }
        }
        return false;
    }
}
