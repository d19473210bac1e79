package io.fabricbinder.examples.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.core.AddressBook;
import io.fabricbinder.core.EventDrivenReconciler;
import io.fabricbinder.core.FabricBinder;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.apstra.ApstraFabricGateway;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.examples.controller.FabricBinderController;
import io.fabricbinder.examples.controller.IpamReclaimer;
import io.fabricbinder.examples.controller.RouterStatusWriter;
import io.fabricbinder.examples.controller.TopologyFeed;
import io.fabricbinder.examples.metrics.ControllerMetrics;
import io.fabricbinder.examples.metrics.MeasuredScheduler;
import io.fabricbinder.examples.metrics.ProbeServer;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.PoolUsage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fabricbinder controller}: runs {@link FabricBinderController} fed into FabricBinder's
 * event mode against an Apstra, until interrupted.
 */
@Command(
        name = "controller",
        mixinStandardHelpOptions = true,
        description = {
            "Runs FabricBinder as a Kubernetes controller: informers on NetworkAttachmentDefinitions, "
                    + "Pods, VirtualNetworkRouters and SriovNetworkNodeStates feed the event mode, which "
                    + "coalesces each burst into one plan and one Apstra commit; leader election on a "
                    + "coordination Lease so only one replica applies; problems reported as Events on "
                    + "the offending object.",
            "The Kubernetes connection comes from --kubeconfig, else the in-cluster service account or "
                    + "$KUBECONFIG. Runs until interrupted.",
            "Every option can also be set in the YAML file given with --config (key: the long option name "
                    + "without dashes); the command line wins."
        })
final class ControllerCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file to use.")
    @Nullable
    Path kubeconfig;

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
            description = "Static topology: links: [{node, nic, leaf, port}]; required with the static source, "
                    + "re-read whenever the topology is merged.")
    @Nullable
    Path topology;

    /** Where cabling facts come from (see docs/topology.md). */
    enum TopologySourceKind {
        /** The --topology file. */
        STATIC,
        /** FabricBinderNodes published by the node agents. */
        LLDP,
        /** Apstra's cabling map (generic systems named after nodes). */
        APSTRA
    }

    @Option(
            names = "--topology-source",
            paramLabel = "SOURCE",
            split = ",",
            converter = SourceKindConverter.class,
            description = "Topology sources to merge, repeatable or comma-separated: static (the --topology "
                    + "file), lldp (FabricBinderNodes from `fabricbinder node-agent`), apstra (the blueprint's "
                    + "cabling map). Disagreements are errors and leave the NIC unmapped (default: static).")
    List<TopologySourceKind> topologySources = new ArrayList<>();

    /** Parses {@code static}, {@code lldp}, {@code apstra} in any case. */
    static final class SourceKindConverter implements CommandLine.ITypeConverter<TopologySourceKind> {
        @Override
        public TopologySourceKind convert(String value) {
            try {
                return TopologySourceKind.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a topology source (static, lldp, apstra)");
            }
        }
    }

    @Option(
            names = "--inventory-max-age",
            defaultValue = "PT1H",
            paramLabel = "DURATION",
            description = "A FabricBinderNode observed longer ago than this is a warning and still used "
                    + "(default: ${DEFAULT-VALUE}; the agents refresh it every --resync).")
    Duration inventoryMaxAge = Duration.ofHours(1);

    @Option(
            names = "--lldp-hold-time",
            defaultValue = "PT10M",
            paramLabel = "DURATION",
            description = "A NIC whose LLDP neighbour vanished keeps its last known link this long, and "
                    + "longer while pods use its port (default: ${DEFAULT-VALUE}).")
    Duration lldpHoldTime = Duration.ofMinutes(10);

    @Option(
            names = "--topology-refresh",
            defaultValue = "PT1M",
            paramLabel = "DURATION",
            description = "How often the topology is merged again even without events (Apstra's cabling map "
                    + "re-read, LLDP hold times checked; default: ${DEFAULT-VALUE}).")
    Duration topologyRefresh = Duration.ofMinutes(1);

    @Option(
            names = "--window",
            defaultValue = "PT2S",
            paramLabel = "DURATION",
            description = "How long a burst of events is collected into one reconcile (ISO-8601, default: "
                    + "${DEFAULT-VALUE}).")
    Duration window = Duration.ofSeconds(2);

    @Mixin
    ApstraOptions apstra = new ApstraOptions();

    // Added for the deployment (issue 18): the configuration file, the etcd IPAM store, probes and metrics.
    @Option(
            names = ConfigFileDefaults.OPTION,
            paramLabel = "FILE",
            description = "YAML file of settings (key: long option name without dashes, e.g. `apstra-url:`); "
                    + "read before the other options, which win over it.")
    @Nullable
    Path config;

    @Mixin
    IpamStoreOptions ipam = new IpamStoreOptions();

    @Option(
            names = "--metrics-bind-address",
            defaultValue = "0",
            paramLabel = "[HOST]:PORT",
            description = "Serve Prometheus /metrics here, e.g. :8080 (default: ${DEFAULT-VALUE}, off).")
    String metricsAddress = "0";

    @Option(
            names = "--health-probe-bind-address",
            defaultValue = "0",
            paramLabel = "[HOST]:PORT",
            description = "Serve /healthz and /readyz here, e.g. :8081 (default: ${DEFAULT-VALUE}, off).")
    String healthAddress = "0";

    @Option(
            names = "--ipam-reclaim-grace",
            defaultValue = "PT10M",
            paramLabel = "DURATION",
            description = "Release an IP allocation whose pod UID no pod has once the allocation is this old and "
                    + "the pod has been gone this long, re-checked with the API server first (leaks a CNI DEL "
                    + "never came for); every pool in the store, also pools no NAD names any more. PT0S turns "
                    + "it off (default: ${DEFAULT-VALUE}).")
    Duration ipamReclaimGrace = IpamReclaimer.DEFAULT_GRACE;

    @Option(
            names = "--allow-bulk-delete",
            description = "Turn the deletion guard off: apply plans that remove everything FabricBinder owns "
                    + "or more than --max-delete-share of it (by default such a reconcile is REFUSED and "
                    + "reported).")
    boolean allowBulkDelete;

    @Option(
            names = "--max-delete-share",
            defaultValue = "0.5",
            paramLabel = "0..1",
            description = "Largest share of the owned virtual networks and tagged ports one reconcile may "
                    + "remove once it removes more than 10 (default: ${DEFAULT-VALUE}).")
    double maxDeleteShare = 0.5;

    ControllerCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String id = identity != null ? identity : env.get("POD_NAME");
        if (id == null || id.isBlank()) {
            err.println("fabricbinder controller: --identity is required when $POD_NAME is not set "
                    + "(each replica needs its own identity for leader election)");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (spec.defaultValueProvider() instanceof ConfigFileDefaults file
                && !file.problems(spec).isEmpty()) {
            file.problems(spec).forEach(p -> err.println("fabricbinder controller: " + p));
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (ipamReclaimGrace.isNegative()) {
            err.println("fabricbinder controller: --ipam-reclaim-grace must not be negative, got " + ipamReclaimGrace);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        ApstraTarget target;
        InetSocketAddress metricsAt;
        InetSocketAddress healthAt;
        try {
            target = apstra.resolve(env);
            ipam.check();
            metricsAt = address("--metrics-bind-address", metricsAddress);
            healthAt = address("--health-probe-bind-address", healthAddress);
        } catch (IllegalArgumentException e) {
            err.println("fabricbinder controller: " + e.getMessage());
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (!(maxDeleteShare >= 0 && maxDeleteShare <= 1)) {
            err.println("fabricbinder controller: --max-delete-share must lie in 0..1, got " + maxDeleteShare);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        Set<TopologySourceKind> sources =
                topologySources.isEmpty() ? EnumSet.of(TopologySourceKind.STATIC) : EnumSet.copyOf(topologySources);
        Path staticFile = topology;
        if (sources.contains(TopologySourceKind.STATIC)) {
            if (staticFile == null) {
                err.println("fabricbinder controller: the static topology source needs --topology FILE "
                        + "(or choose --topology-source lldp,apstra)");
                return FabricBinderCli.EXIT_INPUT_ERRORS;
            }
            if (!Files.isRegularFile(staticFile)) {
                err.println("fabricbinder controller: --topology " + staticFile + ": no such file");
                return FabricBinderCli.EXIT_INPUT_ERRORS;
            }
            Topology fabric = Topology.merge(List.of(StaticTopologyFile.read(staticFile)));
            if (!fabric.errors().isEmpty()) {
                fabric.errors().forEach(e -> err.println("error: " + e));
                return FabricBinderCli.EXIT_INPUT_ERRORS;
            }
        }
        Config config = kubeconfig == null
                ? Config.autoConfigure(null)
                : Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
        ControllerMetrics metrics = new ControllerMetrics("fabricbinder", leaseName);
        // The reconcile runs on this one thread, one at a time; the event mode starts none itself.
        MeasuredScheduler scheduler = new MeasuredScheduler(metrics, "fabricbinder-reconcile");
        AtomicReference<@Nullable FabricBinderController> controllerRef = new AtomicReference<>();
        boolean interrupted = false;
        // Shutdown order matters: stop feeding events, let a reconcile in flight finish (it holds the
        // blueprint lock), and only then close the Apstra client, the IPAM store and the Kubernetes
        // client. try-with-resources closes them in that reverse order.
        try (KubernetesClient client =
                        new KubernetesClientBuilder().withConfig(config).build();
                ApstraClient apstraClient = target.client(metrics.apstraInterceptor());
                IpamStoreOptions.Opened store = ipam.open(Path.of(IpamStoreOptions.CONTROLLER_DIR), null)) {
            IpAllocator allocator = store.allocator();
            RouterStatusWriter statuses = new RouterStatusWriter(client, InstantSource.system());
            // The blueprint lock names this replica; closed on shutdown so a held lock goes at once.
            ApstraFabricGateway gateway = ApstraFabricGateway.builder()
                    .client(apstraClient)
                    .blueprintId(target.blueprint())
                    .holder("controller " + id)
                    .lockObserver(metrics.lockObserver())
                    .build();
            FabricBinder binder = FabricBinder.builder()
                    .gateway(gateway)
                    .addressBook(AddressBook.of(allocator))
                    // With leak reclaim on, an address is released only by the CNI plugin's DEL or by
                    // the reclaimer (pod UID gone for the grace period, re-checked with the API server),
                    // never by a reconcile: an informer that has not yet seen a pod the plugin just
                    // served must not free that pod's address. --ipam-reclaim-grace=PT0S restores
                    // release at reconcile.
                    .releaseAddresses(ipamReclaimGrace.isZero())
                    .allowBulkDelete(allowBulkDelete)
                    .maxDeleteShare(maxDeleteShare)
                    .build();
            AtomicReference<@Nullable TopologyFeed> feedRef = new AtomicReference<>();
            EventDrivenReconciler events = binder.eventDriven(scheduler, window, result -> {
                TopologyFeed f = feedRef.get();
                if (f != null) {
                    f.planned(result.plan());
                }
                out.println("reconciled: " + result.fabric().status() + ", "
                        + result.fabric().message() + ", "
                        + result.allocated().size() + " addresses allocated, "
                        + result.released().size()
                        + " released, " + result.errors().size() + " errors");
                out.flush();
                metrics.reconciled(result, scheduler.sinceTaskStart());
                poolUsage(metrics, allocator, result, err);
                FabricBinderController c = controllerRef.get();
                if (c != null) {
                    result.errors().forEach(e -> c.reportProblem(e.object(), e.field(), e.message()));
                    if (c.isLeader()) {
                        statuses.update(c.objects(VirtualNetworkRouter.KIND), result);
                    }
                }
            });
            // Nothing is reconciled until this replica leads with every informer synced: the
            // controller's RESYNC releases the hold (FabricBinderController.feeding).
            events.hold();
            // The topology reaches the event mode only while this replica leads: on becoming leader
            // (RESYNC) and, while leading, when a source changed.
            TopologyFeed.Builder fb = TopologyFeed.builder(events::topology)
                    .maxAge(inventoryMaxAge)
                    .holdTime(lldpHoldTime)
                    .apstraRefresh(topologyRefresh)
                    .report(line -> {
                        out.println(line);
                        out.flush();
                    });
            if (sources.contains(TopologySourceKind.STATIC) && staticFile != null) {
                fb.staticFile(staticFile);
            }
            if (sources.contains(TopologySourceKind.LLDP)) {
                fb.lldp(client);
            }
            if (sources.contains(TopologySourceKind.APSTRA)) {
                String bp = target.blueprint();
                fb.apstraCablingMap(() -> apstraClient.blueprint(bp).graph().cablingMap());
            }
            TopologyFeed feed = fb.build();
            feedRef.set(feed);
            FabricBinderController.Listener feeding = FabricBinderController.feeding(events);
            FabricBinderController controller = FabricBinderController.builder(client)
                    .identity(id)
                    .namespace(namespace)
                    .leaseNamespace(leaseNamespace)
                    .leaseName(leaseName)
                    .listener(counting(metrics, change -> {
                        if (change.type() == FabricBinderController.Change.Type.RESYNC) {
                            feed.push();
                        }
                        feeding.onChange(change);
                    }))
                    .build();
            controllerRef.set(controller);
            metrics.leader(controller::isLeader);
            Runnable refreshIfLeading = () -> {
                if (controller.isLeader()) {
                    try {
                        feed.refresh();
                    } catch (RuntimeException e) {
                        err.println("fabricbinder controller: topology refresh failed: " + e);
                    }
                }
            };
            feed.start(() -> scheduler.execute(refreshIfLeading));
            ScheduledFuture<?> refresher = scheduler.scheduleWithFixedDelay(
                    refreshIfLeading, topologyRefresh.toMillis(), topologyRefresh.toMillis(), TimeUnit.MILLISECONDS);
            // Leak reclaim runs on the reconcile thread too, so it never overlaps a reconcile's releases.
            ScheduledFuture<?> reclaiming = ipamReclaimGrace.isZero()
                    ? null
                    : reclaim(scheduler, allocator, store, controller, client, metrics, err);
            Thread hook = new Thread(
                    () -> {
                        gateway.close();
                        controller.close();
                    },
                    "fabricbinder-controller-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            ProbeServer probes = null;
            try {
                controller.start();
                probes = ProbeServer.start(
                        metricsAt, healthAt, metrics::scrape, controller::isSynced, controller::electionRunning);
                out.println("fabricbinder controller " + id + ": watching "
                        + (namespace == null ? "all namespaces" : "namespace " + namespace) + ", Lease "
                        + leaseNamespace + "/" + leaseName + ", Apstra " + target.url() + " blueprint "
                        + target.blueprint() + ", topology from "
                        + sources.toString().toLowerCase(Locale.ROOT));
                out.flush();
                controller.awaitStop();
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                // Closing talks to the API server (the Lease is released); it must not see the interrupt.
                interrupted |= Thread.interrupted();
                if (probes != null) {
                    probes.close();
                }
                refresher.cancel(false);
                if (reclaiming != null) {
                    reclaiming.cancel(false);
                }
                feed.close();
                controller.close();
                scheduler.shutdown();
                if (!scheduler.awaitTermination(60, TimeUnit.SECONDS)) {
                    err.println("fabricbinder controller: a reconcile did not finish within 60 s; stopping anyway");
                    scheduler.shutdownNow();
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The JVM is stopping; the hook closes the controller.
                }
            }
        } finally {
            scheduler.shutdownNow();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        out.println("fabricbinder controller " + id + ": stopped");
        out.flush();
        return 0;
    }

    private static @Nullable InetSocketAddress address(String option, String value) {
        try {
            return ProbeServer.address(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** Schedules leak reclaim passes: every grace/2, at most every minute, at least every second. */
    private ScheduledFuture<?> reclaim(
            MeasuredScheduler scheduler,
            IpAllocator allocator,
            IpamStoreOptions.Opened store,
            FabricBinderController controller,
            KubernetesClient client,
            ControllerMetrics metrics,
            PrintWriter err) {
        IpamReclaimer reclaimer = IpamReclaimer.builder(allocator, store.store())
                .pods(IpamReclaimer.pods(controller, client, namespace))
                .grace(ipamReclaimGrace)
                .listener((pool, owners, addresses) -> metrics.ipamReclaimed(pool, addresses))
                .build();
        long period = Math.max(1_000, Math.min(60_000, ipamReclaimGrace.toMillis() / 2));
        return scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        reclaimer.run();
                    } catch (RuntimeException e) {
                        // Nothing is released on a failed read; the next pass tries again.
                        err.println("fabricbinder controller: IPAM reclaim pass failed: " + e);
                        err.flush();
                    }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
    }

    private static FabricBinderController.Listener counting(
            ControllerMetrics metrics, FabricBinderController.Listener next) {
        return change -> {
            metrics.added();
            next.onChange(change);
        };
    }

    /** IPAM pool usage after a reconcile; reading the store must not stop the controller. */
    private static void poolUsage(
            ControllerMetrics metrics, IpAllocator allocator, ReconcileResult result, PrintWriter err) {
        try {
            for (PoolSpec pool : result.plan().pools().values()) {
                PoolUsage usage = allocator.usage(pool);
                metrics.poolUsage(usage.pool(), usage.allocated(), usage.capacity());
            }
            metrics.retainPools(
                    result.plan().pools().values().stream().map(PoolSpec::name).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            err.println("fabricbinder controller: cannot read IPAM pool usage: " + e.getMessage());
            err.flush();
        }
    }
}
