package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.apstra.ConnectivityTemplate;
import io.fabricbinder.apstra.SviIp;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.apstra.VnBinding;
import io.fabricbinder.core.ChangeAction;
import io.fabricbinder.core.FabricNames;
import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.PortAction;
import io.fabricbinder.core.VirtualNetworkSpec;
import io.fabricbinder.ipam.AddressFormat;
import io.fabricbinder.ipam.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Step of one apply: virtual networks and their connectivity templates. Ensures each network the
 * plan creates or updates (bound to the leafs of its tagged or kept ports, owned marks written,
 * untouched when it already matches), one tagged-VLAN template per network that gets tagged ports,
 * shrinks the leaf bindings no port needs any more, and deletes owned networks (templates first).
 */
final class NetworkStep {
    private final ApplyRun run;
    final Map<String, VirtualNetwork> networks = new HashMap<>();
    final Map<String, String> networkFailures = new HashMap<>();
    private final Map<String, String> ctIds = new HashMap<>();
    /** The networks the plan keeps, by name. */
    final Map<String, VirtualNetworkSpec> specs = new HashMap<>();
    /** Desired leaf labels per network: the leafs of every tagged or unchanged binding. */
    private final Map<String, Set<String>> desiredLeafs = new HashMap<>();

    private @Nullable Map<String, String> bindingSystems;

    NetworkStep(ApplyRun run) {
        this.run = run;
        for (VirtualNetworkChange c : run.plan.virtualNetworks()) {
            if (c.action() != ChangeAction.DELETE) {
                specs.put(c.network().name(), c.network());
            }
        }
        for (PortBindingChange c : run.plan.portBindings()) {
            if (c.action() != PortAction.UNTAG) {
                desiredLeafs
                        .computeIfAbsent(c.binding().virtualNetwork(), k -> new TreeSet<>())
                        .add(c.binding().leaf());
            }
        }
    }

    Map<String, String> bindingSystems() {
        if (bindingSystems == null) {
            bindingSystems =
                    PortIndex.bindingSystemByLeafLabel(run.blueprint.graph().leafs());
        }
        return bindingSystems;
    }

    /** The systems (leaf or redundancy group ids) a network must be bound to. */
    Set<String> desiredSystems(String name) {
        Set<String> out = new TreeSet<>();
        for (String leaf : desiredLeafs.getOrDefault(name, Set.of())) {
            String sys = bindingSystems().get(leaf);
            if (sys != null) {
                out.add(sys);
            }
        }
        return out;
    }

    VirtualNetwork ensureNetwork(VirtualNetworkSpec spec) {
        String name = spec.name();
        VirtualNetwork done = networks.get(name);
        if (done != null) {
            return done;
        }
        String failed = networkFailures.get(name);
        if (failed != null) {
            throw new StepFailure("virtual network " + name + " was not applied: " + failed);
        }
        try {
            VirtualNetwork vn = writeNetwork(spec);
            networks.put(name, vn);
            return vn;
        } catch (StepFailure | ApstraException | IllegalArgumentException e) {
            networkFailures.put(name, String.valueOf(e.getMessage()));
            throw e;
        }
    }

    private VirtualNetwork writeNetwork(VirtualNetworkSpec spec) {
        String zoneId = run.zones.ensureZone(spec.placementZone());
        VirtualNetwork existing = run.obs.vnsByLabel.get(spec.label());
        if (existing != null && !spec.name().equals(ownerOf(existing))) {
            throw new StepFailure("label " + spec.label() + " is taken by virtual network " + existing.id()
                    + " that FabricBinder does not own");
        }
        Map<String, VnBinding> bound = new TreeMap<>();
        if (existing != null) {
            existing.boundTo()
                    .forEach(b ->
                            bound.put(b.systemId(), new VnBinding(b.systemId(), b.accessSwitchNodeIds(), spec.vlan())));
        }
        for (String sys : desiredSystems(spec.name())) {
            bound.putIfAbsent(sys, VnBinding.of(sys, spec.vlan()));
        }
        if (bound.isEmpty() && !run.client.version().atLeast("5.0")) {
            // Apstra before 5.0 needs at least one binding (apstra-api.md §3): bind every leaf.
            new TreeSet<>(bindingSystems().values()).forEach(s -> bound.put(s, VnBinding.of(s, spec.vlan())));
        }
        List<VnBinding> boundTo = List.copyOf(bound.values());
        String description = OwnedMarks.networkDescription(spec.name(), spec.placementZone());
        if (existing != null && matches(existing, spec, zoneId, description, boundTo)) {
            return existing;
        }
        VirtualNetwork.Builder b = existing == null
                ? VirtualNetwork.builder(spec.label(), "vxlan").dhcpService("dhcpServiceDisabled")
                : existing.toBuilder().vnType("vxlan");
        List<String> tags = new ArrayList<>(existing == null ? List.of() : existing.tags());
        if (run.client.version().atLeast("5.0") && !tags.contains(FabricNames.OWNER_TAG)) {
            tags.add(FabricNames.OWNER_TAG);
        }
        b.description(description)
                .vnId(spec.vni())
                .securityZoneId(zoneId)
                .reservedVlanId(spec.vlan())
                .ipv4Enabled(spec.ipv4Subnet() != null)
                .ipv4Subnet(text(spec.ipv4Subnet()))
                .virtualGatewayIpv4Enabled(spec.ipv4Gateway() != null)
                .virtualGatewayIpv4(text(spec.ipv4Gateway()))
                .ipv6Enabled(spec.ipv6Subnet() != null)
                .ipv6Subnet(text(spec.ipv6Subnet()))
                .virtualGatewayIpv6Enabled(spec.ipv6Gateway() != null)
                .virtualGatewayIpv6(text(spec.ipv6Gateway()))
                .boundTo(boundTo)
                .tags(tags)
                .createPolicyTagged(null);
        VirtualNetwork vn;
        if (existing == null) {
            String id = run.blueprint.virtualNetworks().create(b.build());
            vn = b.id(id).build();
        } else {
            vn = b.build();
            run.blueprint.virtualNetworks().update(vn);
        }
        run.wrote = true;
        return vn;
    }

    @Nullable
    String ownerOf(VirtualNetwork vn) {
        for (Map.Entry<String, VirtualNetwork> e : run.obs.ownedVnsByName.entrySet()) {
            if (Objects.equals(e.getValue().id(), vn.id())) {
                return e.getKey();
            }
        }
        return null;
    }

    private boolean matches(
            VirtualNetwork vn, VirtualNetworkSpec spec, String zoneId, String description, List<VnBinding> boundTo) {
        boolean v4 = spec.ipv4Subnet() != null;
        boolean v6 = spec.ipv6Subnet() != null;
        Map<String, Integer> want = new HashMap<>();
        boundTo.forEach(b -> want.put(b.systemId(), b.vlanId()));
        Map<String, Integer> have = new HashMap<>();
        vn.boundTo().forEach(b -> have.put(b.systemId(), b.vlanId()));
        return description.equals(vn.description())
                && Objects.equals(vn.vnId(), spec.vni())
                && zoneId.equals(vn.securityZoneId())
                && Objects.equals(vn.reservedVlanId(), spec.vlan())
                && Boolean.valueOf(v4).equals(Boolean.TRUE.equals(vn.ipv4Enabled()))
                && Objects.equals(spec.ipv4Subnet(), v4 ? StagingRead.subnet(spec.name(), vn.ipv4Subnet()) : null)
                && gatewayMatches(spec.ipv4Gateway(), vn.virtualGatewayIpv4Enabled(), vn.virtualGatewayIpv4())
                && Boolean.valueOf(v6).equals(Boolean.TRUE.equals(vn.ipv6Enabled()))
                && Objects.equals(spec.ipv6Subnet(), v6 ? StagingRead.subnet(spec.name(), vn.ipv6Subnet()) : null)
                && gatewayMatches(spec.ipv6Gateway(), vn.virtualGatewayIpv6Enabled(), vn.virtualGatewayIpv6())
                && have.equals(want);
    }

    /** The request body's subnet text: canonical ({@link IpPrefix#toString()}), or null. */
    private static @Nullable String text(@Nullable IpPrefix subnet) {
        return subnet == null ? null : subnet.toString();
    }

    /** The request body's gateway text: canonical ({@link AddressFormat#canonical}), or null. */
    private static @Nullable String text(@Nullable InetAddress gateway) {
        return gateway == null ? null : AddressFormat.canonical(gateway);
    }

    /**
     * True if Apstra's gateway (its text, when enabled) is the wanted address. Compared as addresses,
     * so spellings of one address match; text that is no address matches nothing (the network is
     * rewritten, never a failure).
     */
    static boolean gatewayMatches(@Nullable InetAddress want, @Nullable Boolean enabled, @Nullable String text) {
        if (!Boolean.TRUE.equals(enabled) || text == null) {
            return want == null;
        }
        if (want == null) {
            return false;
        }
        try {
            return want.equals(IpPrefix.parseAddress(text.strip()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The network's id for port changes: ensured from the plan, or the owned one found. */
    VirtualNetwork networkForPorts(String name) {
        VirtualNetworkSpec spec = specs.get(name);
        if (spec != null) {
            return ensureNetwork(spec);
        }
        VirtualNetwork owned = run.obs.ownedVnsByName.get(name);
        if (owned == null) {
            throw new StepFailure("virtual network " + name + " is neither in the plan nor on the fabric");
        }
        return owned;
    }

    String ensureCt(String name) {
        String done = ctIds.get(name);
        if (done != null) {
            return done;
        }
        VirtualNetwork vn = networkForPorts(name);
        String vnId = Objects.requireNonNull(vn.id());
        String id = run.obs.ownedCts(vn).stream()
                .map(ConnectivityTemplate::id)
                .findFirst()
                .orElse(null);
        if (id == null) {
            id = run.blueprint.connectivityTemplates().createTaggedVlan(OwnedMarks.ctLabel(vn.label()), vnId);
            run.wrote = true;
        }
        ctIds.put(name, id);
        return id;
    }

    void shrinkBindings(String name) {
        VirtualNetwork vn = networks.get(name);
        if (vn == null) {
            vn = run.obs.ownedVnsByName.get(name);
        }
        if (vn == null || networkFailures.containsKey(name)) {
            return;
        }
        Set<String> keep = desiredSystems(name);
        if (keep.isEmpty() && !run.client.version().atLeast("5.0")) {
            return; // Apstra before 5.0 needs at least one binding
        }
        List<VnBinding> kept =
                vn.boundTo().stream().filter(b -> keep.contains(b.systemId())).toList();
        if (kept.size() == vn.boundTo().size()) {
            return;
        }
        List<SviIp> svis =
                vn.sviIps().stream().filter(s -> keep.contains(s.systemId())).toList();
        run.blueprint.virtualNetworks().setBindings(Objects.requireNonNull(vn.id()), kept, svis);
        networks.put(name, vn.toBuilder().boundTo(kept).sviIps(svis).build());
        run.wrote = true;
    }

    void deleteNetwork(VirtualNetworkSpec spec) {
        VirtualNetwork vn = run.obs.ownedVnsByName.get(spec.name());
        if (vn == null) {
            return; // already gone; a foreign network with the label is never touched
        }
        for (ConnectivityTemplate ct : run.obs.ownedCts(vn)) {
            run.blueprint.connectivityTemplates().delete(ct.id());
            run.wrote = true;
        }
        run.blueprint.virtualNetworks().delete(Objects.requireNonNull(vn.id()));
        run.wrote = true;
    }
}
