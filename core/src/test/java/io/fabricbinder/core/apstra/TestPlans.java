package io.fabricbinder.core.apstra;

import io.fabricbinder.core.ChangeAction;
import io.fabricbinder.core.FabricState;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.PortAction;
import io.fabricbinder.core.PortBinding;
import io.fabricbinder.core.RoutingZoneSpec;
import io.fabricbinder.core.VirtualNetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal diff of desired against actual fabric state, built only from the model's public API, so
 * the gateway can be driven through plan, apply and plan-again cycles without the planner.
 */
final class TestPlans {

    private TestPlans() {}

    static Plan diff(FabricState desired, FabricState actual) {
        List<RoutingZoneChange> zones = new ArrayList<>();
        Map<String, RoutingZoneSpec> actualZones = actual.zonesByName();
        for (RoutingZoneSpec z : desired.routingZones()) {
            RoutingZoneSpec a = actualZones.get(z.name());
            if (a == null) {
                zones.add(new RoutingZoneChange(ChangeAction.CREATE, z, null));
            } else if (!a.equals(z)) {
                zones.add(new RoutingZoneChange(ChangeAction.UPDATE, z, a));
            } else {
                zones.add(new RoutingZoneChange(ChangeAction.UNCHANGED, z, a));
            }
        }
        for (RoutingZoneSpec a : actual.routingZones()) {
            if (desired.findZone(a.name()).isEmpty()) {
                zones.add(new RoutingZoneChange(ChangeAction.DELETE, a, a));
            }
        }
        List<VirtualNetworkChange> nets = new ArrayList<>();
        Map<String, VirtualNetworkSpec> actualNets = actual.networksByName();
        for (VirtualNetworkSpec n : desired.virtualNetworks()) {
            VirtualNetworkSpec a = actualNets.get(n.name());
            if (a == null) {
                nets.add(new VirtualNetworkChange(ChangeAction.CREATE, n, null));
            } else if (!a.equals(n)) {
                nets.add(new VirtualNetworkChange(ChangeAction.UPDATE, n, a));
            } else {
                nets.add(new VirtualNetworkChange(ChangeAction.UNCHANGED, n, a));
            }
        }
        for (VirtualNetworkSpec a : actual.virtualNetworks()) {
            if (desired.findNetwork(a.name()).isEmpty()) {
                nets.add(new VirtualNetworkChange(ChangeAction.DELETE, a, a));
            }
        }
        List<PortBindingChange> ports = new ArrayList<>();
        Map<PortBinding.Key, PortBinding> actualPorts = actual.bindingsByKey();
        Map<PortBinding.Key, PortBinding> desiredPorts = desired.bindingsByKey();
        for (PortBinding b : desired.portBindings()) {
            ports.add(
                    new PortBindingChange(actualPorts.containsKey(b.key()) ? PortAction.UNCHANGED : PortAction.TAG, b));
        }
        for (PortBinding a : actual.portBindings()) {
            if (!desiredPorts.containsKey(a.key())) {
                ports.add(new PortBindingChange(PortAction.UNTAG, a.withPods(List.of())));
            }
        }
        return new Plan(zones, nets, ports, List.of(), List.of(), List.of(), Map.of());
    }
}
