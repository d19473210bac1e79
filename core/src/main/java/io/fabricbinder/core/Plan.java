package io.fabricbinder.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.ipam.AddressFormat;
import io.fabricbinder.ipam.IpPrefix;
import io.fabricbinder.ipam.PoolSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What reconciling would do: the diff between the desired fabric (from a {@link ClusterSnapshot})
 * and the FabricBinder-owned objects found on the fabric, plus the IP allocations, errors and
 * warnings.
 *
 * <p>Every list is sorted deterministically: the same inputs give an equal plan and byte-identical
 * {@link #toJson()} and {@link #toText()}. Unchanged objects are listed too (action {@code
 * unchanged}), so the plan also shows the complete desired state. Example:
 *
 * <pre>{@code
 * Plan plan = binder.plan(snapshot);
 * System.out.print(plan.toText());          // like `terraform plan`
 * Files.writeString(out, plan.toJson());    // the CI contract
 * if (plan.hasChanges()) gateway.apply(plan);
 * }</pre>
 *
 * <p><b>JSON contract.</b> Top-level keys {@code virtualNetworks}, {@code routingZones}, {@code
 * portBindings}, {@code ipAllocations}, {@code errors}, {@code warnings}. A virtual network has
 * {@code name}, {@code vlan}, {@code vni}, {@code subnet} (IPv4, or the only one), {@code
 * ipv6Subnet} (dual stack, else null), {@code gateway} (null when isolated), {@code routingZone}
 * (null when isolated), {@code action}; a dual-stack network also has {@code ipv6Gateway}. A routing
 * zone has {@code name}, {@code virtualNetworks}, {@code action}. A port binding has {@code leaf},
 * {@code port}, {@code virtualNetwork}, {@code vlan}, {@code pods}, {@code action} ({@code tag},
 * {@code untag}, {@code unchanged}). An IP allocation has {@code pod}, {@code interface}, {@code
 * virtualNetwork}, {@code address} (CIDR; null while {@code allocate}), and in addition {@code
 * subnet} and {@code action} ({@code allocate}, {@code unchanged}, {@code release}). An error or
 * warning has {@code object}, {@code field}, {@code message}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Plan {

    private static final ObjectWriter JSON_WRITER = jsonWriter();

    private final List<RoutingZoneChange> routingZones;
    private final List<VirtualNetworkChange> virtualNetworks;
    private final List<PortBindingChange> portBindings;
    private final List<IpAllocationEntry> ipAllocations;
    private final List<Diagnostic> errors;
    private final List<Diagnostic> warnings;
    private final Map<String, PoolSpec> pools;

    /**
     * A plan of these parts; each list is copied and sorted.
     *
     * @param routingZones zone changes
     * @param virtualNetworks network changes
     * @param portBindings port changes
     * @param ipAllocations allocation entries
     * @param errors errors (objects left out of the plan)
     * @param warnings warnings
     * @param pools the IPAM pools the allocation entries name, by pool name
     */
    public Plan(
            List<RoutingZoneChange> routingZones,
            List<VirtualNetworkChange> virtualNetworks,
            List<PortBindingChange> portBindings,
            List<IpAllocationEntry> ipAllocations,
            List<Diagnostic> errors,
            List<Diagnostic> warnings,
            Map<String, PoolSpec> pools) {
        this.routingZones = sorted(routingZones, ZONE_ORDER);
        this.virtualNetworks = sorted(virtualNetworks, NETWORK_ORDER);
        this.portBindings = sorted(portBindings, PORT_ORDER);
        this.ipAllocations = sorted(ipAllocations, Comparator.naturalOrder());
        this.errors = errors.stream().sorted().distinct().toList();
        this.warnings = warnings.stream().sorted().distinct().toList();
        this.pools = Map.copyOf(pools);
        for (IpAllocationEntry e : this.ipAllocations) {
            if (!this.pools.containsKey(e.pool())) {
                throw new IllegalArgumentException("allocation entry names unknown pool " + e.pool());
            }
        }
    }

    /**
     * A plan of lists that are already immutable, sorted in the plan's orders and free of duplicate
     * diagnostics (the incremental planner's persistent lists): taken as they are, not copied.
     */
    Plan(
            List<RoutingZoneChange> routingZones,
            List<VirtualNetworkChange> virtualNetworks,
            List<PortBindingChange> portBindings,
            List<IpAllocationEntry> ipAllocations,
            List<Diagnostic> errors,
            List<Diagnostic> warnings,
            Map<String, PoolSpec> pools,
            boolean trusted) {
        if (!trusted) {
            throw new IllegalArgumentException("use the public constructor");
        }
        this.routingZones = routingZones;
        this.virtualNetworks = virtualNetworks;
        this.portBindings = portBindings;
        this.ipAllocations = ipAllocations;
        this.errors = errors;
        this.warnings = warnings;
        this.pools = pools;
    }

    static final Comparator<RoutingZoneChange> ZONE_ORDER =
            (a, b) -> a.zone().name().compareTo(b.zone().name());
    static final Comparator<VirtualNetworkChange> NETWORK_ORDER =
            (a, b) -> a.network().name().compareTo(b.network().name());
    static final Comparator<PortBindingChange> PORT_ORDER =
            (a, b) -> a.binding().compareTo(b.binding());

    /** An immutable copy sorted (stably) by {@code order}; the sort is skipped when already sorted. */
    private static <T> List<T> sorted(List<T> items, Comparator<? super T> order) {
        @SuppressWarnings("unchecked")
        T[] a = (T[]) items.toArray();
        boolean inOrder = true;
        for (int i = 1; i < a.length && inOrder; i++) {
            inOrder = order.compare(a[i - 1], a[i]) <= 0;
        }
        if (!inOrder) {
            java.util.Arrays.sort(a, order);
        }
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(a));
    }

    /** A plan with nothing in it. */
    public static Plan empty() {
        return new Plan(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of());
    }

    /** Routing zone changes, by zone name. */
    public List<RoutingZoneChange> routingZones() {
        return routingZones;
    }

    /** Virtual network changes, by network name. */
    public List<VirtualNetworkChange> virtualNetworks() {
        return virtualNetworks;
    }

    /** Port binding changes, by leaf, port and network. */
    public List<PortBindingChange> portBindings() {
        return portBindings;
    }

    /** IP allocation entries, by pod, interface, network. */
    public List<IpAllocationEntry> ipAllocations() {
        return ipAllocations;
    }

    /** Errors: objects (or parts) left out of the plan, sorted. */
    public List<Diagnostic> errors() {
        return errors;
    }

    /** Warnings: accepted but worth knowing, sorted. */
    public List<Diagnostic> warnings() {
        return warnings;
    }

    /** The IPAM pools the allocation entries name, by pool name. */
    public Map<String, PoolSpec> pools() {
        return pools;
    }

    /** True if applying the plan would change the fabric or the IP allocations. */
    public boolean hasChanges() {
        return changeCount() > 0;
    }

    /** How many zone, network, port and allocation entries are not {@code unchanged}. */
    public int changeCount() {
        int n = 0;
        for (RoutingZoneChange c : routingZones) {
            n += c.isChange() ? 1 : 0;
        }
        for (VirtualNetworkChange c : virtualNetworks) {
            n += c.isChange() ? 1 : 0;
        }
        for (PortBindingChange c : portBindings) {
            n += c.isChange() ? 1 : 0;
        }
        for (IpAllocationEntry e : ipAllocations) {
            n += e.action() != AllocationAction.UNCHANGED ? 1 : 0;
        }
        return n;
    }

    /** True if the fabric part (zones, networks, ports) has a change. */
    public boolean hasFabricChanges() {
        return routingZones.stream().anyMatch(PlanChange::isChange)
                || virtualNetworks.stream().anyMatch(PlanChange::isChange)
                || portBindings.stream().anyMatch(PlanChange::isChange);
    }

    /**
     * The fabric changes (no {@code unchanged}) in the order they must be applied:
     *
     * <ol>
     *   <li>routing zones created or updated (a network needs its zone);
     *   <li>virtual networks created or updated (with their connectivity template);
     *   <li>port bindings tagged and untagged (contiguous, so they can go in one batch call);
     *   <li>virtual networks deleted (after their ports were untagged);
     *   <li>routing zones deleted (after their networks were moved or deleted).
     * </ol>
     */
    public List<PlanChange> orderedChanges() {
        List<PlanChange> out = new ArrayList<>();
        for (RoutingZoneChange c : routingZones) {
            if (c.action() == ChangeAction.CREATE || c.action() == ChangeAction.UPDATE) {
                out.add(c);
            }
        }
        for (VirtualNetworkChange c : virtualNetworks) {
            if (c.action() == ChangeAction.CREATE || c.action() == ChangeAction.UPDATE) {
                out.add(c);
            }
        }
        for (PortBindingChange c : portBindings) {
            if (c.isChange()) {
                out.add(c);
            }
        }
        for (VirtualNetworkChange c : virtualNetworks) {
            if (c.action() == ChangeAction.DELETE) {
                out.add(c);
            }
        }
        for (RoutingZoneChange c : routingZones) {
            if (c.action() == ChangeAction.DELETE) {
                out.add(c);
            }
        }
        return out;
    }

    /** The desired fabric this plan converges to (everything except deletions and untags). */
    public FabricState desiredState() {
        List<RoutingZoneSpec> zones = new ArrayList<>();
        routingZones.stream().filter(c -> c.action() != ChangeAction.DELETE).forEach(c -> zones.add(c.zone()));
        List<VirtualNetworkSpec> nets = new ArrayList<>();
        virtualNetworks.stream().filter(c -> c.action() != ChangeAction.DELETE).forEach(c -> nets.add(c.network()));
        List<PortBinding> ports = new ArrayList<>();
        portBindings.stream().filter(c -> c.action() != PortAction.UNTAG).forEach(c -> ports.add(c.binding()));
        return new FabricState(nets, zones, ports);
    }

    /** The plan as the JSON document of the CI contract (see the class documentation). */
    public String toJson() {
        return renderJson(jsonTree());
    }

    /** The JSON document as ordered maps and lists, for {@link ReconcileResult#toJson()} to extend. */
    Map<String, Object> jsonTree() {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> nets = new ArrayList<>();
        for (VirtualNetworkChange c : virtualNetworks) {
            VirtualNetworkSpec n = c.network();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("vlan", n.vlan());
            m.put("vni", n.vni());
            m.put("subnet", text(n.primarySubnet()));
            m.put("ipv6Subnet", n.isDualStack() ? text(n.ipv6Subnet()) : null);
            m.put("gateway", text(n.primaryGateway()));
            if (n.isDualStack()) {
                m.put("ipv6Gateway", text(n.ipv6Gateway()));
            }
            m.put("routingZone", n.routingZone());
            m.put("action", c.action().spelling());
            nets.add(m);
        }
        root.put("virtualNetworks", nets);
        List<Object> zones = new ArrayList<>();
        for (RoutingZoneChange c : routingZones) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.zone().name());
            m.put("virtualNetworks", c.zone().virtualNetworks());
            m.put("action", c.action().spelling());
            zones.add(m);
        }
        root.put("routingZones", zones);
        List<Object> ports = new ArrayList<>();
        for (PortBindingChange c : portBindings) {
            PortBinding b = c.binding();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("leaf", b.leaf());
            m.put("port", b.port());
            m.put("virtualNetwork", b.virtualNetwork());
            m.put("vlan", b.vlan());
            m.put("pods", b.pods());
            m.put("action", c.action().spelling());
            ports.add(m);
        }
        root.put("portBindings", ports);
        List<Object> allocs = new ArrayList<>();
        for (IpAllocationEntry e : ipAllocations) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pod", e.pod());
            m.put("interface", e.interfaceName());
            m.put("virtualNetwork", e.virtualNetwork());
            m.put("address", e.cidr());
            m.put("subnet", e.subnet().toString());
            m.put("action", e.action().spelling());
            allocs.add(m);
        }
        root.put("ipAllocations", allocs);
        root.put("errors", diagnostics(errors));
        root.put("warnings", diagnostics(warnings));
        return root;
    }

    /** Renders a JSON tree the way {@link #toJson()} does. */
    static String renderJson(Map<String, Object> root) {
        try {
            return JSON_WRITER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render plan JSON", e);
        }
    }

    /**
     * The plan for people, like {@code terraform plan}: one line per change ({@code +} create or
     * tag or allocate, {@code ~} update, {@code -} delete or untag or release), unchanged objects
     * counted but not listed, then errors and warnings.
     */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(summary()).append("\n");
        List<String> lines = new ArrayList<>();
        for (RoutingZoneChange c : routingZones) {
            if (c.isChange()) {
                String members = String.join(", ", c.zone().virtualNetworks());
                String line = sign(c.action()) + " routing zone " + c.zone().name() + " [" + members + "]";
                if (c.action() == ChangeAction.UPDATE && c.before() != null) {
                    line += "  (was [" + String.join(", ", c.before().virtualNetworks()) + "])";
                }
                lines.add(line);
            }
        }
        section(b, "Routing zones", lines);
        lines = new ArrayList<>();
        for (VirtualNetworkChange c : virtualNetworks) {
            if (c.isChange()) {
                String line = sign(c.action()) + " virtual network " + describe(c.network());
                if (c.action() == ChangeAction.UPDATE && c.before() != null) {
                    line += "\n      was " + describe(c.before());
                }
                lines.add(line);
            }
        }
        section(b, "Virtual networks", lines);
        lines = new ArrayList<>();
        for (PortBindingChange c : portBindings) {
            if (c.isChange()) {
                PortBinding p = c.binding();
                String line = (c.action() == PortAction.TAG ? "+ tag   " : "- untag ") + p.leaf() + " " + p.port() + " "
                        + p.virtualNetwork() + " vlan " + p.vlan();
                if (!p.pods().isEmpty()) {
                    line += "  pods: " + String.join(", ", p.pods());
                }
                lines.add(line);
            }
        }
        section(b, "Port bindings", lines);
        lines = new ArrayList<>();
        for (IpAllocationEntry e : ipAllocations) {
            if (e.action() == AllocationAction.ALLOCATE) {
                lines.add("+ allocate " + e.pod() + " " + e.interfaceName() + " " + e.virtualNetwork() + " "
                        + (e.address() == null ? "from " + e.subnet() : e.cidr() + " (requested)"));
            } else if (e.action() == AllocationAction.RELEASE) {
                lines.add(
                        "- release  " + e.pod() + " " + e.interfaceName() + " " + e.virtualNetwork() + " " + e.cidr());
            }
        }
        section(b, "IP allocations", lines);
        section(b, "Errors", errors.stream().map(d -> "! " + d).toList());
        section(b, "Warnings", warnings.stream().map(d -> "? " + d).toList());
        return b.toString();
    }

    /** One line: how many creates, updates, deletes, tags, untags, allocations, errors. */
    public String summary() {
        Map<String, Integer> counts = new TreeMap<>();
        int create = 0;
        int update = 0;
        int delete = 0;
        int unchanged = 0;
        for (RoutingZoneChange c : routingZones) {
            switch (c.action()) {
                case CREATE -> create++;
                case UPDATE -> update++;
                case DELETE -> delete++;
                case UNCHANGED -> unchanged++;
            }
        }
        for (VirtualNetworkChange c : virtualNetworks) {
            switch (c.action()) {
                case CREATE -> create++;
                case UPDATE -> update++;
                case DELETE -> delete++;
                case UNCHANGED -> unchanged++;
            }
        }
        counts.put("tag", 0);
        counts.put("untag", 0);
        for (PortBindingChange c : portBindings) {
            counts.merge(c.action().spelling(), 1, Integer::sum);
        }
        int allocate = 0;
        int release = 0;
        for (IpAllocationEntry e : ipAllocations) {
            allocate += e.action() == AllocationAction.ALLOCATE ? 1 : 0;
            release += e.action() == AllocationAction.RELEASE ? 1 : 0;
        }
        if (!hasChanges()) {
            return "No changes. The fabric matches the cluster (" + unchanged + " zones and networks, "
                    + counts.getOrDefault("unchanged", 0) + " port bindings); " + errors.size() + " errors, "
                    + warnings.size() + " warnings.";
        }
        return "Plan: " + create + " to create, " + update + " to update, " + delete + " to delete; "
                + counts.get("tag") + " ports to tag, " + counts.get("untag") + " to untag; " + allocate
                + " addresses to allocate, " + release + " to release; " + errors.size() + " errors, "
                + warnings.size() + " warnings.";
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Plan p
                && routingZones.equals(p.routingZones)
                && virtualNetworks.equals(p.virtualNetworks)
                && portBindings.equals(p.portBindings)
                && ipAllocations.equals(p.ipAllocations)
                && errors.equals(p.errors)
                && warnings.equals(p.warnings)
                && pools.equals(p.pools);
    }

    @Override
    public int hashCode() {
        return Objects.hash(routingZones, virtualNetworks, portBindings, ipAllocations, errors, warnings);
    }

    @Override
    public String toString() {
        return summary();
    }

    /** A subnet's canonical text for the JSON, or null. */
    private static @Nullable String text(@Nullable IpPrefix subnet) {
        return subnet == null ? null : subnet.toString();
    }

    /** A gateway's canonical text for the JSON, or null. */
    private static @Nullable String text(@Nullable InetAddress gateway) {
        return gateway == null ? null : AddressFormat.canonical(gateway);
    }

    private static String describe(VirtualNetworkSpec n) {
        StringBuilder b = new StringBuilder(n.name())
                .append(" vlan ")
                .append(n.vlan())
                .append(" vni ")
                .append(n.vni());
        if (n.ipv4Subnet() != null) {
            b.append(" ").append(n.ipv4Subnet());
            if (n.ipv4Gateway() != null) {
                b.append(" gw ").append(AddressFormat.canonical(n.ipv4Gateway()));
            }
        }
        if (n.ipv6Subnet() != null) {
            b.append(" ").append(n.ipv6Subnet());
            if (n.ipv6Gateway() != null) {
                b.append(" gw ").append(AddressFormat.canonical(n.ipv6Gateway()));
            }
        }
        b.append(n.routingZone() == null ? " isolated" : " zone " + n.routingZone());
        return b.toString();
    }

    private static String sign(ChangeAction a) {
        return switch (a) {
            case CREATE -> "+";
            case UPDATE -> "~";
            case DELETE -> "-";
            case UNCHANGED -> " ";
        };
    }

    private static void section(StringBuilder b, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        b.append("\n").append(title).append(":\n");
        for (String l : lines) {
            b.append("  ").append(l).append("\n");
        }
    }

    static List<Object> diagnostics(List<Diagnostic> ds) {
        List<Object> out = new ArrayList<>();
        for (Diagnostic d : ds) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", d.object().toString());
            m.put("field", d.field());
            m.put("message", d.message());
            out.add(m);
        }
        return out;
    }

    private static ObjectWriter jsonWriter() {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(
                        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        return new ObjectMapper().writer(printer);
    }
}
