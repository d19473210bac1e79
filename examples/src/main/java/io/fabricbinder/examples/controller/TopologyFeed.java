package io.fabricbinder.examples.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabricbinder.apstra.CablingLink;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.PlanChange;
import io.fabricbinder.core.PortAction;
import io.fabricbinder.core.topology.ApstraCablingTopologySource;
import io.fabricbinder.core.topology.FabricBinderNode;
import io.fabricbinder.core.topology.LldpTopologySource;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import io.fabricbinder.core.topology.TopologySource;
import io.fabricbinder.examples.node.NodeAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's topology: the sources selected ({@code static} file, {@code lldp} from the
 * {@code FabricBinderNode}s the node agents publish, {@code apstra} cabling map) merged by {@link
 * Topology#merge(List)}, handed to a consumer (FabricBinder's event mode) when it changed.
 *
 * <p>The {@code lldp} source watches {@code FabricBinderNode}s with an informer and parses each with
 * {@link FabricBinderNode#parse(Map)}: a malformed one is an error on that node alone. A node without
 * one falls back to the other sources. The Apstra cabling map is read at most once per {@link
 * Builder#apstraRefresh(Duration)}. {@link #refresh()} re-merges (call it on a timer as well: the
 * LLDP hold time runs out with time, not with events) and {@link #push()} hands the current topology
 * over unconditionally (after a leadership change). Which ports pods use (for the LLDP hold time) is
 * learned from each reconciled plan ({@link #planned(Plan)}).
 *
 * <p>Thread-safe: {@link #refresh()} and {@link #push()} are synchronized.
 */
public final class TopologyFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyFeed.class);

    private final @Nullable KubernetesClient client;
    private final List<TopologySource> sources;
    private final Consumer<Topology> consumer;
    private final Consumer<String> report;
    private final Map<String, FabricBinderNode.Parsed> nodes = new ConcurrentHashMap<>();
    private volatile Set<String> portsInUse = Set.of();
    private @Nullable SharedIndexInformer<GenericKubernetesResource> informer;
    private @Nullable Topology last;

    private TopologyFeed(Builder b) {
        this.client = b.lldpClient;
        this.consumer = b.consumer;
        this.report = b.report;
        List<TopologySource> s = new ArrayList<>();
        if (b.staticFile != null) {
            s.add(StaticTopologyFile.read(b.staticFile));
        }
        if (b.lldpClient != null) {
            s.add(LldpTopologySource.builder(() -> List.copyOf(nodes.values()))
                    .clock(b.clock)
                    .maxAge(b.maxAge)
                    .holdTime(b.holdTime)
                    .inUse(l -> portsInUse.contains(l.leaf() + "\u0000" + l.port()))
                    .build());
        }
        if (b.cablingMap != null) {
            s.add(ApstraCablingTopologySource.of(cached(b.cablingMap, b.apstraRefresh, b.clock)));
        }
        this.sources = List.copyOf(s);
    }

    /** Starts configuring a feed that hands topologies to {@code consumer}. */
    public static Builder builder(Consumer<Topology> consumer) {
        return new Builder(consumer);
    }

    /** Starts the {@code FabricBinderNode} informer (when the lldp source is selected). */
    public void start(Runnable onNodesChanged) {
        if (client == null) {
            return;
        }
        informer = client.genericKubernetesResources(NodeAgent.RESOURCE)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(GenericKubernetesResource obj) {
                                put(obj);
                                onNodesChanged.run();
                            }

                            @Override
                            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                                put(newObj);
                                onNodesChanged.run();
                            }

                            @Override
                            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                                nodes.remove(obj.getMetadata().getName());
                                onNodesChanged.run();
                            }
                        },
                        0);
    }

    @SuppressWarnings("unchecked")
    private void put(GenericKubernetesResource obj) {
        KubernetesClient c = Objects.requireNonNull(client, "client");
        Map<String, Object> map = c.getKubernetesSerialization().convertValue(obj, Map.class);
        FabricBinderNode.Parsed parsed;
        try {
            parsed = FabricBinderNode.parse(map);
        } catch (RuntimeException e) {
            // parse never throws for content; a bug must not stop the other nodes.
            parsed = new FabricBinderNode.Parsed(
                    obj.getMetadata().getName(),
                    null,
                    List.of(new Diagnostic(
                            ObjectRef.clusterScoped(
                                    FabricBinderNode.KIND, obj.getMetadata().getName()),
                            "",
                            "cannot read: " + e)));
        }
        nodes.put(obj.getMetadata().getName(), parsed);
    }

    /** The sources, merged now. */
    public Topology current() {
        return Topology.merge(sources);
    }

    /** Re-merges and hands the topology over when it differs from the last one handed over. */
    public synchronized void refresh() {
        Topology t = current();
        if (last != null && same(last, t)) {
            return;
        }
        hand(t);
    }

    /** Re-merges and hands the topology over, changed or not (a new leader starts from it). */
    public synchronized void push() {
        hand(current());
    }

    private void hand(Topology t) {
        Topology before = last;
        last = t;
        for (Diagnostic e : t.errors()) {
            if (before == null || !before.errors().contains(e)) {
                LOG.warn("topology error: {}", e);
                report.accept("topology error: " + e);
            }
        }
        for (Diagnostic w : t.warnings()) {
            if (before == null || !before.warnings().contains(w)) {
                LOG.info("topology warning: {}", w);
                report.accept("topology warning: " + w);
            }
        }
        consumer.accept(t);
    }

    /** Learns which leaf ports pods use from a reconciled plan (tagged or kept, with pods). */
    public void planned(Plan plan) {
        Set<String> used = new HashSet<>();
        for (PlanChange.PortBindingChange c : plan.portBindings()) {
            if (c.action() != PortAction.UNTAG && !c.binding().pods().isEmpty()) {
                used.add(c.binding().leaf() + "\u0000" + c.binding().port());
            }
        }
        portsInUse = Set.copyOf(used);
    }

    /** The node objects as last read (for tests and status). */
    public Map<String, FabricBinderNode.Parsed> nodes() {
        return Map.copyOf(nodes);
    }

    @Override
    public void close() {
        SharedIndexInformer<GenericKubernetesResource> i = informer;
        if (i != null) {
            i.close();
        }
    }

    private static boolean same(Topology a, Topology b) {
        return a.links().equals(b.links())
                && a.errors().equals(b.errors())
                && a.warnings().equals(b.warnings());
    }

    /** Reads through {@code read} at most once per {@code period}; a failed read is retried next time. */
    private static Supplier<List<CablingLink>> cached(
            Supplier<List<CablingLink>> read, Duration period, InstantSource clock) {
        return new Supplier<>() {
            private @Nullable List<CablingLink> value;
            private Instant readAt = Instant.MIN;

            @Override
            public synchronized List<CablingLink> get() {
                Instant now = clock.instant();
                if (value == null || !now.isBefore(readAt.plus(period))) {
                    value = List.copyOf(read.get()); // throws: merge reports the source as unreadable
                    readAt = now;
                }
                return value;
            }
        };
    }

    /** Configures a {@link TopologyFeed}; not thread-safe, use once. */
    public static final class Builder {
        private final Consumer<Topology> consumer;
        private Consumer<String> report = line -> {};
        private @Nullable Path staticFile;
        private @Nullable KubernetesClient lldpClient;
        private @Nullable Supplier<List<CablingLink>> cablingMap;
        private Duration apstraRefresh = Duration.ofMinutes(1);
        private @Nullable Duration maxAge = Duration.ofHours(1);
        private Duration holdTime = Duration.ofMinutes(10);
        private InstantSource clock = InstantSource.system();

        private Builder(Consumer<Topology> consumer) {
            this.consumer = Objects.requireNonNull(consumer, "consumer");
        }

        /** Where new topology errors and warnings are reported as lines (besides the log). */
        public Builder report(Consumer<String> report) {
            this.report = Objects.requireNonNull(report, "report");
            return this;
        }

        /** Selects the static file source. */
        public Builder staticFile(Path file) {
            this.staticFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Selects the LLDP source: {@code FabricBinderNode}s read through this client. */
        public Builder lldp(KubernetesClient client) {
            this.lldpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Selects Apstra's cabling map, read through {@code read} (e.g. {@code graph().cablingMap()}). */
        public Builder apstraCablingMap(Supplier<List<CablingLink>> read) {
            this.cablingMap = Objects.requireNonNull(read, "read");
            return this;
        }

        /** How long a read cabling map is reused (default 1 minute). */
        public Builder apstraRefresh(Duration period) {
            this.apstraRefresh = Objects.requireNonNull(period, "period");
            return this;
        }

        /** An inventory older than this is a warning (still used); default 1 hour, null for no check. */
        public Builder maxAge(@Nullable Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /** How long a vanished LLDP neighbour's link is kept at least (default 10 minutes). */
        public Builder holdTime(Duration holdTime) {
            this.holdTime = Objects.requireNonNull(holdTime, "holdTime");
            return this;
        }

        /** Time source (default: the system clock). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the feed; nothing runs until {@link TopologyFeed#start(Runnable)}. */
        public TopologyFeed build() {
            return new TopologyFeed(this);
        }
    }
}
