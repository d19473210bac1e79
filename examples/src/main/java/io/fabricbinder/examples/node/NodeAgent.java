package io.fabricbinder.examples.node;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabricbinder.core.topology.FabricBinderNode;
import io.fabricbinder.sriov.DevicePluginConfig;
import io.fabricbinder.sriov.LldpNeighbor;
import io.fabricbinder.sriov.LldpNeighbors;
import io.fabricbinder.sriov.NodeInventory;
import io.fabricbinder.sriov.ResourcePools;
import io.fabricbinder.sriov.SriovDiscovery;
import io.fabricbinder.sriov.SriovReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The node agent's publisher: discovers this node's SR-IOV PFs (the {@code sriov} module, over the
 * host's sysfs) and the LLDP neighbours they hear (the host's lldpd, through {@code lldpcli -f
 * json0}), and keeps the cluster-scoped {@code FabricBinderNode} named after the node up to date
 * (status as {@link FabricBinderNode#toStatus()}, an owner reference to the Node so the object goes
 * with it).
 *
 * <p>Behaviour:
 *
 * <ul>
 *   <li>{@link #tick()} (every {@link Builder#interval(Duration)} in {@link #run()}) discovers; the
 *       object is written when the content (PFs, neighbours, problems) differs from what was last
 *       published, and at every {@link Builder#resync(Duration)}, when the object is read back,
 *       re-created if someone deleted it, and its {@code observedAt} refreshed (a heartbeat the
 *       controller's maximum age is checked against). Otherwise nothing is written.
 *   <li>lldpd not running, lldpcli missing or failing, or output that is not lldpcli JSON: a problem
 *       in the published status ({@code lldp: ...}), the PFs are still published without neighbours.
 *   <li>The API server unreachable: the failure is logged, nothing is lost; the next tick publishes
 *       what is current then.
 * </ul>
 *
 * <pre>{@code
 * NodeAgent agent = NodeAgent.builder(client, "worker-1")
 *         .sysfsRoot(Path.of("/host/sys"))
 *         .lldp(NodeAgent.lldpcli("lldpcli", null))
 *         .build();
 * agent.run();   // until interrupted
 * }</pre>
 *
 * <p>{@link #tick()} and {@link #publishOnce()} are not meant to be called concurrently; {@link
 * #run()} calls them from the caller's thread.
 */
public final class NodeAgent {

    /** How the API server names the resource; given explicitly, so no API discovery is needed. */
    public static final ResourceDefinitionContext RESOURCE = new ResourceDefinitionContext.Builder()
            .withGroup("fabricbinder.io")
            .withVersion("v1alpha1")
            .withKind(FabricBinderNode.KIND)
            .withPlural(FabricBinderNode.PLURAL)
            .withNamespaced(false)
            .build();

    /** lldpd's log prefix: {@code 2026-12-07T19:51:36 [WARN/control] }. */
    private static final Pattern LOG_PREFIX = Pattern.compile("^\\S+ \\[[A-Z]+/[^\\]]*\\] ");

    /** Reads the LLDP neighbours of this host as lldpcli JSON text. */
    @FunctionalInterface
    public interface LldpSource {
        /**
         * The output of {@code lldpcli -f json0 show neighbors details} (or {@code -f json}).
         *
         * @throws IOException when it cannot be read (lldpd not running, lldpcli missing...)
         */
        String read() throws IOException;
    }

    private final KubernetesClient client;
    private final String nodeName;
    private final Path sysfsRoot;
    private final @Nullable DevicePluginConfig devicePluginConfig;
    private final @Nullable LldpSource lldp;
    private final Duration interval;
    private final Duration resync;
    private final InstantSource clock;
    private final Consumer<String> log;

    private @Nullable FabricBinderNode published;
    private @Nullable Instant lastResync;

    private NodeAgent(Builder b) {
        this.client = b.client;
        this.nodeName = b.nodeName;
        this.sysfsRoot = b.sysfsRoot;
        this.devicePluginConfig = b.devicePluginConfig;
        this.lldp = b.lldp;
        this.interval = b.interval;
        this.resync = b.resync;
        this.clock = b.clock;
        this.log = b.log;
    }

    /** Starts configuring an agent for {@code nodeName} on the caller's client (never closed here). */
    public static Builder builder(KubernetesClient client, String nodeName) {
        return new Builder(client, nodeName);
    }

    /**
     * Runs {@code program [-u socket] -f json0 show neighbors details} with a 10 s timeout. A non-zero
     * exit is an {@link IOException} carrying lldpcli's first line of error output (with lldpd not
     * running: {@code unable to connect to socket ...}). An empty {@code program} means no LLDP.
     */
    public static @Nullable LldpSource lldpcli(String program, @Nullable String socket) {
        if (program.isBlank()) {
            return null;
        }
        return () -> {
            List<String> command = new ArrayList<>(List.of(program));
            if (socket != null && !socket.isBlank()) {
                command.addAll(List.of("-u", socket));
            }
            command.addAll(List.of("-f", "json0", "show", "neighbors", "details"));
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(program + " did not answer within 10 s");
                }
                String out = new String(stdout.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
                String err = new String(stderr.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    String first =
                            err.lines().filter(l -> !l.isBlank()).findFirst().orElse("no error output");
                    // lldpcli prefixes its log lines with a time stamp; without it the problem text
                    // stays the same from one round to the next, so it is not rewritten every round.
                    String message = LOG_PREFIX.matcher(first.strip()).replaceFirst("");
                    throw new IOException(program + " exited with " + p.exitValue() + ": " + message);
                }
                return out;
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + program, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot read the output of " + program + ": " + e.getMessage(), e);
            }
        };
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** What this node looks like now (discovery never throws for content; problems are in the status). */
    public FabricBinderNode discover() {
        SriovReport report = SriovDiscovery.at(sysfsRoot).discover();
        ResourcePools pools = devicePluginConfig == null
                ? new ResourcePools(List.of(), List.of())
                : ResourcePools.compute(report, devicePluginConfig);
        List<String> extra = new ArrayList<>();
        List<LldpNeighbor> neighbors = List.of();
        if (lldp != null) {
            try {
                neighbors = LldpNeighbors.parseLldpcliJson(lldp.read());
            } catch (IOException | IllegalArgumentException e) {
                extra.add("lldp: " + e.getMessage());
            }
        }
        pools.notes().forEach(n -> extra.add("device plugin: " + n));
        NodeInventory inventory = NodeInventory.of(nodeName, report, pools, neighbors);
        return FabricBinderNode.of(nodeName, inventory, clock.instant(), extra);
    }

    /**
     * Discovers and publishes, reading the object back first (a resync).
     *
     * @return true when the object is up to date on the API server
     */
    public boolean publishOnce() {
        return publish(discover(), true);
    }

    /**
     * One round: discover; publish when the content changed since the last successful publish, or
     * when a resync is due (or the last publish failed).
     *
     * @return true when the object is up to date on the API server after this round
     */
    public boolean tick() {
        FabricBinderNode now = discover();
        if (Thread.currentThread().isInterrupted()) {
            return false; // stopping: an interrupted lldpcli run says nothing about the wire
        }
        Instant t = clock.instant();
        boolean resyncDue = lastResync == null || !t.isBefore(lastResync.plus(resync));
        FabricBinderNode last = published;
        if (!resyncDue && last != null && last.sameContent(now)) {
            return true;
        }
        return publish(now, resyncDue);
    }

    /** Calls {@link #tick()} every interval until the thread is interrupted. */
    public void run() throws InterruptedException {
        log.accept("fabricbinder node-agent " + nodeName + ": publishing " + FabricBinderNode.KIND + " " + nodeName
                + " (sysfs " + sysfsRoot + ", every " + interval + ", resync " + resync + ")");
        while (!Thread.currentThread().isInterrupted()) {
            tick();
            Thread.sleep(interval.toMillis());
        }
        throw new InterruptedException();
    }

    private boolean publish(FabricBinderNode desired, boolean resyncing) {
        try {
            var op = client.genericKubernetesResources(RESOURCE).withName(nodeName);
            GenericKubernetesResource existing = op.get();
            if (existing == null) {
                GenericKubernetesResource created = new GenericKubernetesResource();
                created.setApiVersion(FabricBinderNode.API_VERSION);
                created.setKind(FabricBinderNode.KIND);
                ObjectMetaBuilder meta = new ObjectMetaBuilder().withName(nodeName);
                Node node = client.nodes().withName(nodeName).get();
                if (node != null && node.getMetadata().getUid() != null) {
                    meta.withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion("v1")
                            .withKind("Node")
                            .withName(nodeName)
                            .withUid(node.getMetadata().getUid())
                            .build());
                } else {
                    log.accept("node " + nodeName + " not found; publishing without an owner reference");
                }
                created.setMetadata(meta.build());
                created.setAdditionalProperty("status", desired.toStatus());
                GenericKubernetesResource made = client.genericKubernetesResources(RESOURCE)
                        .resource(created)
                        .create();
                // With the status subresource the API server drops status on create: write it there.
                made.setAdditionalProperty("status", desired.toStatus());
                client.genericKubernetesResources(RESOURCE).resource(made).updateStatus();
                log.accept("created " + desired.object() + " (" + summary(desired) + ")");
            } else {
                Object status = existing.getAdditionalProperties().get("status");
                FabricBinderNode there = null;
                if (status instanceof Map<?, ?>) {
                    there = FabricBinderNode.parse(Map.of("metadata", Map.of("name", nodeName), "status", status))
                            .node();
                }
                boolean same = there != null && there.sameContent(desired);
                if (!same || resyncing) {
                    existing.setAdditionalProperty("status", desired.toStatus());
                    client.genericKubernetesResources(RESOURCE)
                            .resource(existing)
                            .updateStatus();
                    if (!same) {
                        log.accept("updated " + desired.object() + " (" + summary(desired) + ")");
                    }
                }
            }
            published = desired;
            if (resyncing) {
                lastResync = clock.instant();
            }
            return true;
        } catch (KubernetesClientException e) {
            // Not lost: the next round publishes what is current then.
            log.accept("cannot publish " + desired.object() + " (will retry): " + e.getMessage());
            published = null;
            return false;
        }
    }

    private static String summary(FabricBinderNode n) {
        long withNeighbour =
                n.physicalFunctions().stream().filter(p -> p.neighbor() != null).count();
        return n.physicalFunctions().size() + " PFs, " + withNeighbour + " with an LLDP neighbour, "
                + n.problems().size() + " problems";
    }

    /** Configures a {@link NodeAgent}; not thread-safe, use once. */
    public static final class Builder {
        private final KubernetesClient client;
        private final String nodeName;
        private Path sysfsRoot = Path.of("/host/sys");
        private @Nullable DevicePluginConfig devicePluginConfig;
        private @Nullable LldpSource lldp = lldpcli("lldpcli", null);
        private Duration interval = Duration.ofSeconds(30);
        private Duration resync = Duration.ofMinutes(10);
        private InstantSource clock = InstantSource.system();
        private Consumer<String> log = line -> {};

        private Builder(KubernetesClient client, String nodeName) {
            this.client = Objects.requireNonNull(client, "client");
            if (nodeName == null || nodeName.isBlank()) {
                throw new IllegalArgumentException("nodeName is required");
            }
            this.nodeName = nodeName;
        }

        /** The host's sysfs (default {@code /host/sys}). */
        public Builder sysfsRoot(Path sysfsRoot) {
            this.sysfsRoot = Objects.requireNonNull(sysfsRoot, "sysfsRoot");
            return this;
        }

        /**
         * The device plugin's {@code config.json}, so each PF lists its resources.
         *
         * @throws IllegalArgumentException when it is not a valid config
         */
        public Builder devicePluginConfig(String json) {
            this.devicePluginConfig = DevicePluginConfig.parse(json);
            return this;
        }

        /** Where LLDP comes from (default: {@code lldpcli} on the PATH); null for none. */
        public Builder lldp(@Nullable LldpSource lldp) {
            this.lldp = lldp;
            return this;
        }

        /** How often {@link #run()} discovers (default 30 s). */
        public Builder interval(Duration interval) {
            this.interval = positive(interval, "interval");
            return this;
        }

        /** How often the object is read back and its observedAt refreshed (default 10 min). */
        public Builder resync(Duration resync) {
            this.resync = positive(resync, "resync");
            return this;
        }

        /** Time source (default: the system clock). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where progress lines go (default: nowhere). */
        public Builder log(Consumer<String> log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /** Builds the agent. */
        public NodeAgent build() {
            return new NodeAgent(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
