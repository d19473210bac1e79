package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.ConnectivityTemplate;
import io.fabricbinder.apstra.RoutingZone;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.apstra.VnBinding;
import io.fabricbinder.core.FabricNames;
import io.fabricbinder.core.FabricState;
import io.fabricbinder.core.PortBinding;
import io.fabricbinder.core.RoutingZoneSpec;
import io.fabricbinder.core.VirtualNetworkSpec;
import io.fabricbinder.ipam.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step "read state": one read of the staging blueprint (zones, networks, templates, the leaf ports
 * from two graph queries) and what FabricBinder owns in it. {@link #ownedState} is what {@link
 * ApstraFabricGateway#readOwnedState()} returns; the apply steps look objects up by label and name
 * here.
 */
final class StagingRead {
    private static final Logger LOG = LoggerFactory.getLogger(StagingRead.class);

    private final BlueprintClient blueprint;
    /** Zone names seen in applied plans, to name owned zones that no owned network uses yet. */
    private final Set<String> knownZoneNames;

    /** Reads staging now. */
    static StagingRead read(ApstraClient client, BlueprintClient blueprint, Set<String> knownZoneNames) {
        Map<String, RoutingZone> zones = blueprint.routingZones().list();
        Map<String, VirtualNetwork> vns = blueprint.virtualNetworks().list();
        List<ConnectivityTemplate> cts = blueprint.connectivityTemplates().list();
        PortIndex ports = PortIndex.load(blueprint.graph());
        boolean tagsInBody = client.version().atLeast("6.2");
        return new StagingRead(blueprint, knownZoneNames, zones, vns, cts, ports, tagsInBody);
    }

    final Map<String, RoutingZone> zonesById;
    final Map<String, RoutingZone> zonesByLabel = new HashMap<>();
    final Map<String, VirtualNetwork> vnsByLabel = new HashMap<>();
    final Map<String, VirtualNetwork> ownedVnsByName = new TreeMap<>();
    final List<ConnectivityTemplate> cts;
    final PortIndex ports;

    private StagingRead(
            BlueprintClient blueprint,
            Set<String> knownZoneNames,
            Map<String, RoutingZone> zones,
            Map<String, VirtualNetwork> vns,
            List<ConnectivityTemplate> cts,
            PortIndex ports,
            boolean tagsInBody) {
        this.blueprint = blueprint;
        this.knownZoneNames = knownZoneNames;
        this.zonesById = zones;
        this.cts = cts;
        this.ports = ports;
        zones.forEach((id, z) -> zonesByLabel.put(z.label(), z.id() == null ? z.withId(id) : z));
        vns.forEach((id, v) -> {
            VirtualNetwork withId = v.id() == null ? v.toBuilder().id(id).build() : v;
            vnsByLabel.put(v.label(), withId);
            OwnedMarks.networkName(withId, tagsInBody).ifPresent(n -> ownedVnsByName.put(n, withId));
        });
    }

    /** The owned templates of an owned network, lowest id first. */
    List<ConnectivityTemplate> ownedCts(VirtualNetwork vn) {
        String id = Objects.requireNonNull(vn.id());
        return cts.stream()
                .filter(c -> OwnedMarks.isOwnedCt(c, vn.label(), id))
                .sorted(Comparator.comparing(ConnectivityTemplate::id))
                .toList();
    }

    @Nullable
    String zoneNameOf(VirtualNetwork vn) {
        RoutingZone z = vn.securityZoneId() == null ? null : zonesById.get(vn.securityZoneId());
        String recorded = OwnedMarks.recordedZone(vn);
        if (z != null
                && OwnedMarks.isOwnedZone(z)
                && recorded != null
                && FabricNames.routingZoneLabel(recorded).equals(z.label())) {
            return recorded;
        }
        return null;
    }

    FabricState ownedState(boolean withBindings) {
        List<VirtualNetworkSpec> nets = new ArrayList<>();
        Map<String, String> zoneNameByLabel = new HashMap<>();
        zoneNameByLabel.put(FabricNames.routingZoneLabel(FabricNames.ISOLATED_ZONE), FabricNames.ISOLATED_ZONE);
        for (String known : knownZoneNames) {
            zoneNameByLabel.put(FabricNames.routingZoneLabel(known), known);
        }
        Map<PortBinding.Key, PortBinding> bindings = new TreeMap<>(Comparator.comparing(PortBinding.Key::leaf)
                .thenComparing(PortBinding.Key::port)
                .thenComparing(PortBinding.Key::virtualNetwork));
        for (Map.Entry<String, VirtualNetwork> e : ownedVnsByName.entrySet()) {
            String name = e.getKey();
            VirtualNetwork vn = e.getValue();
            String zoneName = zoneNameOf(vn);
            if (zoneName != null) {
                zoneNameByLabel.put(FabricNames.routingZoneLabel(zoneName), zoneName);
            }
            VirtualNetworkSpec spec =
                    toSpec(name, vn, zoneName == null ? ApstraFabricGateway.UNRESOLVED_ZONE : zoneName);
            nets.add(spec);
            if (withBindings) {
                for (ConnectivityTemplate ct : ownedCts(vn)) {
                    for (String point : blueprint.connectivityTemplates().assignments(ct.id())) {
                        for (PortIndex.Port p : ports.portsOf(point)) {
                            PortBinding b = new PortBinding(p.leaf(), p.port(), name, spec.vlan(), List.of());
                            bindings.putIfAbsent(b.key(), b);
                        }
                    }
                }
            }
        }
        List<RoutingZoneSpec> zones = new ArrayList<>();
        for (RoutingZone z : zonesById.values()) {
            if (!OwnedMarks.isOwnedZone(z)) {
                continue;
            }
            String described = z.vrfDescription();
            String name = zoneNameByLabel.get(z.label());
            if (name == null && described != null) {
                name = FabricNames.zoneFromDescription(z.label(), described).orElse(null);
            }
            if (name == null) {
                LOG.debug("owned-looking routing zone {} has no resolvable name; ignored", z.label());
                continue;
            }
            String zoneName = name;
            List<String> members = nets.stream()
                    .filter(n -> n.placementZone().equals(zoneName))
                    .map(VirtualNetworkSpec::name)
                    .toList();
            zones.add(new RoutingZoneSpec(name, members));
        }
        return new FabricState(nets, zones, List.copyOf(bindings.values()));
    }

    private static VirtualNetworkSpec toSpec(String name, VirtualNetwork vn, String zoneName) {
        Integer vlan = vn.reservedVlanId();
        if (vlan == null) {
            vlan = vn.boundTo().stream()
                    .map(VnBinding::vlanId)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(null);
        }
        // Unknown values read as 1: never what the planner wants, so it plans an update that rewrites them.
        int v = vlan == null ? 1 : vlan;
        long vni = vn.vnId() == null ? 1L : vn.vnId();
        boolean v4 = Boolean.TRUE.equals(vn.ipv4Enabled());
        boolean v6 = Boolean.TRUE.equals(vn.ipv6Enabled());
        InetAddress gw4 = v4 && Boolean.TRUE.equals(vn.virtualGatewayIpv4Enabled())
                ? gateway(name, vn.virtualGatewayIpv4())
                : null;
        InetAddress gw6 = v6 && Boolean.TRUE.equals(vn.virtualGatewayIpv6Enabled())
                ? gateway(name, vn.virtualGatewayIpv6())
                : null;
        String zone = FabricNames.ISOLATED_ZONE.equals(zoneName) ? null : zoneName;
        return new VirtualNetworkSpec(
                name,
                v,
                vni,
                v4 ? subnet(name, vn.ipv4Subnet()) : null,
                v6 ? subnet(name, vn.ipv6Subnet()) : null,
                gw4,
                gw6,
                zone);
    }

    /**
     * Apstra's gateway text as an address, so spellings of one address compare equal. Text that is no
     * address reads as null (no gateway), like a subnet that is no prefix: the planner rewrites the
     * network when it wants a gateway there.
     */
    static @Nullable InetAddress gateway(String network, @Nullable String text) {
        return parsedOrNull(network, "a gateway", "address", text, IpPrefix::parseAddress);
    }

    /**
     * Apstra's subnet text as a value, so {@code 10.1.0.0/24} and other spellings of the same prefix
     * compare equal. Text that is no prefix reads as null: never what the planner wants, so it plans an
     * update that rewrites it (nothing is deleted for it).
     */
    static @Nullable IpPrefix subnet(String network, @Nullable String text) {
        return parsedOrNull(network, "a subnet", "prefix", text, IpPrefix::parse);
    }

    private static <T> @Nullable T parsedOrNull(
            String network, String field, String kind, @Nullable String text, Function<String, T> parse) {
        if (text == null) {
            return null;
        }
        try {
            return parse.apply(text.strip());
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "virtual network {} has {} Apstra wrote as '{}', which is no {}: {}",
                    network,
                    field,
                    text,
                    kind,
                    e.getMessage());
            return null;
        }
    }
}
