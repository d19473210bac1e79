package io.fabricbinder.core;

import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link FabricGateway} that keeps the fabric in memory, for tests and offline planning.
 *
 * <p>It enforces what a real fabric enforces about order, so a wrongly ordered plan fails here as it
 * would on Apstra: a network needs its routing zone, a port can be tagged only with an existing
 * network, a network with tagged ports cannot be deleted, a zone with networks cannot be deleted.
 * Failures are reported per object and the rest of the plan still applies, like a partial apply on
 * a real fabric. Example:
 *
 * <pre>{@code
 * InMemoryFabricGateway fabric = new InMemoryFabricGateway();
 * ApplyResult r = fabric.apply(binder.plan(snapshot));
 * assertThat(binder.plan(snapshot).hasChanges()).isFalse();
 * }</pre>
 *
 * <p>Thread-safe (all methods synchronize on the instance).
 */
public final class InMemoryFabricGateway implements FabricGateway {

    private final Map<String, RoutingZoneSpec> zones = new TreeMap<>();
    private final Map<String, VirtualNetworkSpec> networks = new TreeMap<>();
    private final Map<PortBinding.Key, PortBinding> bindings = new TreeMap<>(Comparator.comparing(PortBinding.Key::leaf)
            .thenComparing(PortBinding.Key::port)
            .thenComparing(PortBinding.Key::virtualNetwork));
    private int applyCount;
    private int commitCount;

    /** An empty fabric. */
    public InMemoryFabricGateway() {}

    /** A fabric that already holds these owned objects. */
    public InMemoryFabricGateway(FabricState initial) {
        initial.routingZones().forEach(z -> zones.put(z.name(), z));
        initial.virtualNetworks().forEach(n -> networks.put(n.name(), n));
        initial.portBindings().forEach(b -> bindings.put(b.key(), b.withPods(List.of())));
    }

    @Override
    public synchronized FabricState readOwnedState() {
        return new FabricState(
                List.copyOf(networks.values()), List.copyOf(zones.values()), List.copyOf(bindings.values()));
    }

    @Override
    public synchronized ApplyResult apply(Plan plan) {
        applyCount++;
        List<PlanChange> changes = plan.orderedChanges();
        if (changes.isEmpty()) {
            return ApplyResult.noChanges();
        }
        List<Diagnostic> failures = new ArrayList<>();
        int applied = 0;
        for (PlanChange change : changes) {
            String failure = applyOne(change);
            if (failure == null) {
                applied++;
            } else {
                failures.add(new Diagnostic(objectOf(change), "", failure));
            }
        }
        commitCount++;
        if (failures.isEmpty()) {
            return ApplyResult.applied(applied);
        }
        return new ApplyResult(
                ApplyResult.Status.FAILED,
                applied,
                failures,
                failures.size() + " of " + changes.size() + " changes failed");
    }

    /** How many times {@link #apply} was called. */
    public synchronized int applyCount() {
        return applyCount;
    }

    /** How many applies changed something (one commit each). */
    public synchronized int commitCount() {
        return commitCount;
    }

    private @org.jspecify.annotations.Nullable String applyOne(PlanChange change) {
        if (change instanceof RoutingZoneChange z) {
            if (z.action() == ChangeAction.DELETE) {
                boolean used = networks.values().stream()
                        .anyMatch(n -> n.placementZone().equals(z.zone().name()));
                if (used) {
                    return "routing zone " + z.zone().name() + " still has virtual networks";
                }
                zones.remove(z.zone().name());
            } else {
                zones.put(z.zone().name(), z.zone());
            }
        } else if (change instanceof VirtualNetworkChange v) {
            VirtualNetworkSpec n = v.network();
            if (v.action() == ChangeAction.DELETE) {
                boolean tagged = bindings.keySet().stream()
                        .anyMatch(k -> k.virtualNetwork().equals(n.name()));
                if (tagged) {
                    return "virtual network " + n.name() + " is still tagged on ports";
                }
                networks.remove(n.name());
            } else {
                if (!zones.containsKey(n.placementZone())) {
                    return "routing zone " + n.placementZone() + " does not exist";
                }
                networks.put(n.name(), n);
                // The port assignment is of the network's template, so it follows a VLAN change.
                bindings.replaceAll((k, b) -> k.virtualNetwork().equals(n.name())
                        ? new PortBinding(b.leaf(), b.port(), b.virtualNetwork(), n.vlan(), List.of())
                        : b);
            }
        } else if (change instanceof PortBindingChange p) {
            PortBinding b = p.binding();
            if (p.action() == PortAction.TAG) {
                VirtualNetworkSpec n = networks.get(b.virtualNetwork());
                if (n == null) {
                    return "virtual network " + b.virtualNetwork() + " does not exist";
                }
                bindings.put(b.key(), new PortBinding(b.leaf(), b.port(), b.virtualNetwork(), n.vlan(), List.of()));
            } else if (p.action() == PortAction.UNTAG) {
                bindings.remove(b.key());
            }
        }
        return null;
    }

    private static ObjectRef objectOf(PlanChange change) {
        if (change instanceof RoutingZoneChange z) {
            return ObjectRef.clusterScoped("RoutingZone", z.zone().name());
        }
        if (change instanceof VirtualNetworkChange v) {
            return ObjectRef.clusterScoped("VirtualNetwork", v.network().name());
        }
        PortBinding b = ((PortBindingChange) change).binding();
        return ObjectRef.clusterScoped("PortBinding", b.leaf() + " " + b.port() + " " + b.virtualNetwork());
    }
}
