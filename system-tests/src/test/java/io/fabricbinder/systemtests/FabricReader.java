package io.fabricbinder.systemtests;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.CablingLink;
import io.fabricbinder.apstra.ConnectivityTemplate;
import io.fabricbinder.apstra.Credentials;
import io.fabricbinder.apstra.DiffStatus;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.ipam.IpPrefix;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the emulator over its REST API with the Apstra client library (not FabricBinder's own
 * reader): which virtual networks exist, which leaf ports carry which network as a tagged VLAN, and
 * whether staging is deployed.
 */
final class FabricReader implements AutoCloseable {
    private final ApstraClient client;
    private final BlueprintClient blueprint;

    /** What the fabric looks like: networks by subnet, and per leaf port ("leaf1 xe-0/0/10") the tagged subnets. */
    record View(Map<String, Integer> vlanBySubnet, Map<String, Set<String>> taggedSubnetsByPort, DiffStatus diff) {
        boolean deployed() {
            return !diff.hasUndeployedChanges();
        }
    }

    FabricReader(URI url, String user, String password, String blueprintId) {
        client = ApstraClient.builder()
                .baseUrl(url)
                .credentials(new Credentials(user, password))
                .build();
        blueprint = client.blueprint(blueprintId);
    }

    View read() {
        Map<String, String> portByInterfaceId = new HashMap<>();
        for (CablingLink link : blueprint.graph().cablingMap()) {
            for (CablingLink.Endpoint e : link.endpoints()) {
                if ("leaf".equals(e.systemRole()) && e.interfaceId() != null) {
                    portByInterfaceId.put(e.interfaceId(), e.systemLabel() + " " + e.interfaceName());
                }
            }
        }
        Map<String, VirtualNetwork> vns = blueprint.virtualNetworks().list();
        Map<String, Integer> vlanBySubnet = new TreeMap<>();
        for (VirtualNetwork vn : vns.values()) {
            vlanBySubnet.put(subnet(vn), vn.reservedVlanId() == null ? -1 : vn.reservedVlanId());
        }
        Map<String, Set<String>> tagged = new TreeMap<>();
        for (ConnectivityTemplate ct : blueprint.connectivityTemplates().list()) {
            Set<String> assigned = blueprint.connectivityTemplates().assignments(ct.id());
            for (String vnId : ct.taggedVnIds()) {
                VirtualNetwork vn = vns.get(vnId);
                String subnet = vn == null ? "unknown network " + vnId : subnet(vn);
                for (String point : assigned) {
                    tagged.computeIfAbsent(portByInterfaceId.getOrDefault(point, point), k -> new TreeSet<>())
                            .add(subnet);
                }
            }
        }
        return new View(vlanBySubnet, tagged, blueprint.diffStatus());
    }

    /**
     * The network's IPv4 subnet as Apstra wrote it, read as an {@link IpPrefix} (so any spelling of a
     * prefix gives its canonical text), or "null" when it has none.
     */
    private static String subnet(VirtualNetwork vn) {
        String text = vn.ipv4Subnet();
        return text == null ? "null" : IpPrefix.parse(text).toString();
    }

    /** How many times the blueprint was deployed (its revisions). */
    int revisions() {
        return blueprint.revisions().size();
    }

    @Override
    public void close() {
        client.close();
    }
}
