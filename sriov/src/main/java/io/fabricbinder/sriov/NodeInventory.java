package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything one node knows about its SR-IOV wiring, as one JSON document a node agent publishes
 * (e.g. in a ConfigMap or annotation) and the controller consumes: PFs with VFs (operator field
 * names), device-plugin pools, LLDP neighbours of the PFs, and discovery problems.
 *
 * <pre>{@code
 * SriovReport report = SriovDiscovery.at(Path.of("/host/sys")).discover();
 * NodeInventory inv = NodeInventory.of("worker-1", report,
 *         ResourcePools.compute(report, DevicePluginConfig.parse(configJson)),
 *         LldpNeighbors.parseLldpcliJson(lldpJson));
 * String doc = inv.toJson();                         // publish
 * NodeInventory back = NodeInventory.fromJson(doc);   // controller side
 * back.resolveAll(PodDevices.fromNetworkStatus(annotation));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param schemaVersion document format version, currently {@value #SCHEMA_VERSION}
 * @param nodeName the Kubernetes node name
 * @param interfaces network functions with their VFs (see {@link SriovReport#interfaces()})
 * @param pools device-plugin pools on this node
 * @param neighbors LLDP neighbours heard on this node's interfaces
 * @param problems discovery problems
 * @param notes pool notes (selectors that could not be evaluated)
 */
public record NodeInventory(
        @JsonProperty("schemaVersion") int schemaVersion,
        @JsonProperty("nodeName") String nodeName,
        @JsonProperty("interfaces") List<PhysicalFunction> interfaces,
        @JsonProperty("pools") List<ResourcePool> pools,
        @JsonProperty("neighbors") List<LldpNeighbor> neighbors,
        @JsonProperty("problems") List<DiscoveryProblem> problems,
        @JsonProperty("notes") List<String> notes) {

    /** The format version this class writes. */
    public static final int SCHEMA_VERSION = 1;

    /** Validates the node name and copies lists. */
    public NodeInventory(
            int schemaVersion,
            String nodeName,
            @Nullable List<PhysicalFunction> interfaces,
            @Nullable List<ResourcePool> pools,
            @Nullable List<LldpNeighbor> neighbors,
            @Nullable List<DiscoveryProblem> problems,
            @Nullable List<String> notes) {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("node inventory: nodeName is required");
        }
        this.schemaVersion = schemaVersion;
        this.nodeName = nodeName;
        this.interfaces = Values.list(interfaces);
        this.pools = Values.list(pools);
        this.neighbors = Values.list(neighbors);
        this.problems = Values.list(problems);
        this.notes = Values.list(notes);
    }

    /** Assembles an inventory from the parts. */
    public static NodeInventory of(
            String nodeName, SriovReport report, ResourcePools pools, List<LldpNeighbor> neighbors) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(pools, "pools");
        Objects.requireNonNull(neighbors, "neighbors");
        return new NodeInventory(
                SCHEMA_VERSION,
                nodeName,
                report.interfaces(),
                pools.pools(),
                neighbors,
                report.problems(),
                pools.notes());
    }

    /** The document as JSON. */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write node inventory " + nodeName, e);
        }
    }

    /**
     * Reads a document written by {@link #toJson()}. Unknown fields are ignored.
     *
     * @throws IllegalArgumentException if the JSON is malformed, lacks nodeName, or is of a newer
     *     schema version
     */
    public static NodeInventory fromJson(String json) {
        Objects.requireNonNull(json, "json");
        NodeInventory inv;
        try {
            inv = Json.MAPPER.readValue(json, NodeInventory.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("node inventory is not valid: " + e.getOriginalMessage(), e);
        }
        if (inv.schemaVersion() > SCHEMA_VERSION) {
            throw new IllegalArgumentException("node inventory " + inv.nodeName() + ": schemaVersion "
                    + inv.schemaVersion() + " is newer than supported " + SCHEMA_VERSION);
        }
        return inv;
    }

    /** The report view of this inventory (interfaces and problems). */
    public SriovReport report() {
        return new SriovReport(interfaces, problems, false);
    }

    /** The LLDP neighbour heard on the netdev {@code ifname} (the first, if several). */
    public Optional<LldpNeighbor> findNeighbor(String ifname) {
        Objects.requireNonNull(ifname, "ifname");
        return neighbors.stream().filter(n -> n.isOn(ifname)).findFirst();
    }

    /**
     * Follows one pod device to its PF and the PF's switch neighbour. Empty when the address is
     * neither a VF nor a function of this node.
     */
    public Optional<SriovAttachment> resolve(PodDevice device) {
        Objects.requireNonNull(device, "device");
        SriovReport report = report();
        Optional<PhysicalFunction> pf = report.findPhysicalFunctionOf(device.pciAddress());
        if (pf.isPresent()) {
            VirtualFunction vf =
                    pf.get().findVirtualFunction(device.pciAddress()).orElseThrow();
            return Optional.of(new SriovAttachment(
                    nodeName, device, pf.get(), vf, findNeighbor(pf.get()).orElse(null)));
        }
        return report.findInterface(device.pciAddress())
                .map(whole -> new SriovAttachment(
                        nodeName, device, whole, null, findNeighbor(whole).orElse(null)));
    }

    /** {@link #resolve(PodDevice)} for each device, splitting resolved from unknown ones. */
    public Resolution resolveAll(List<PodDevice> devices) {
        List<SriovAttachment> ok = new ArrayList<>();
        List<PodDevice> unknown = new ArrayList<>();
        for (PodDevice d : devices) {
            resolve(d).ifPresentOrElse(ok::add, () -> unknown.add(d));
        }
        return new Resolution(ok, unknown);
    }

    /**
     * The LLDP neighbour heard on this PF: on one of its netdevs (the uplink first), else on its
     * name. Only PFs hear LLDP; a VF's switch port is its PF's.
     */
    public Optional<LldpNeighbor> findNeighbor(PhysicalFunction pf) {
        Objects.requireNonNull(pf, "pf");
        for (String nd : pf.netdevs().isEmpty() ? List.of(pf.name()) : pf.netdevs()) {
            Optional<LldpNeighbor> n = findNeighbor(nd);
            if (n.isPresent()) {
                return n;
            }
        }
        return Optional.empty();
    }

    /**
     * The outcome of {@link #resolveAll(List)}.
     *
     * @param resolved devices followed to a PF on this node
     * @param unresolved devices this node does not have (wrong node, stale annotation)
     */
    public record Resolution(List<SriovAttachment> resolved, List<PodDevice> unresolved) {
        /** Copies the lists. */
        public Resolution {
            resolved = List.copyOf(resolved);
            unresolved = List.copyOf(unresolved);
        }
    }
}
