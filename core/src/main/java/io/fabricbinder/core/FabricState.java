package io.fabricbinder.core;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The fabric as a set of FabricBinder-owned objects: virtual networks, routing zones and port
 * bindings. Used both for the desired state (computed by the planner) and the actual state (read by
 * a {@link FabricGateway}, owned objects only, see {@link FabricNames}).
 *
 * <p>Lists are sorted (networks and zones by name, bindings by leaf, port, network); a name or
 * binding key may occur only once. Example: {@code state.findNetwork("ns/red").map(
 * VirtualNetworkSpec::vni)}. Immutable and thread-safe.
 *
 * @param virtualNetworks networks by name
 * @param routingZones zones by name
 * @param portBindings bindings by leaf, port and network
 */
public record FabricState(
        List<VirtualNetworkSpec> virtualNetworks, List<RoutingZoneSpec> routingZones, List<PortBinding> portBindings) {

    /** The state with nothing in it. */
    public static final FabricState EMPTY = new FabricState(List.of(), List.of(), List.of());

    /** Sorts, copies and rejects duplicates. */
    public FabricState {
        virtualNetworks = unique(
                virtualNetworks,
                VirtualNetworkSpec::name,
                "virtual network",
                Comparator.comparing(VirtualNetworkSpec::name));
        routingZones = unique(
                routingZones, RoutingZoneSpec::name, "routing zone", Comparator.comparing(RoutingZoneSpec::name));
        portBindings = unique(portBindings, PortBinding::key, "port binding", Comparator.naturalOrder());
    }

    /** The network with this name, if present. */
    public Optional<VirtualNetworkSpec> findNetwork(String name) {
        return virtualNetworks.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** The zone with this name, if present. */
    public Optional<RoutingZoneSpec> findZone(String name) {
        return routingZones.stream().filter(z -> z.name().equals(name)).findFirst();
    }

    /** Networks by name. */
    public Map<String, VirtualNetworkSpec> networksByName() {
        Map<String, VirtualNetworkSpec> m = new LinkedHashMap<>();
        virtualNetworks.forEach(n -> m.put(n.name(), n));
        return m;
    }

    /** Zones by name. */
    public Map<String, RoutingZoneSpec> zonesByName() {
        Map<String, RoutingZoneSpec> m = new LinkedHashMap<>();
        routingZones.forEach(z -> m.put(z.name(), z));
        return m;
    }

    /** Bindings by key. */
    public Map<PortBinding.Key, PortBinding> bindingsByKey() {
        Map<PortBinding.Key, PortBinding> m = new LinkedHashMap<>();
        portBindings.forEach(b -> m.put(b.key(), b));
        return m;
    }

    /** True if the state holds nothing. */
    public boolean isEmpty() {
        return virtualNetworks.isEmpty() && routingZones.isEmpty() && portBindings.isEmpty();
    }

    private static <T> List<T> unique(List<T> items, Function<T, ?> key, String what, Comparator<T> order) {
        Map<Object, T> seen = new HashMap<>();
        for (T t : items) {
            if (seen.put(key.apply(t), t) != null) {
                throw new IllegalArgumentException("duplicate " + what + " " + key.apply(t));
            }
        }
        return items.stream().sorted(order).toList();
    }
}
