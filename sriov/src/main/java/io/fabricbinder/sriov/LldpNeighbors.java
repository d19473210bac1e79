package io.fabricbinder.sriov;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parsers for the LLDP neighbour data a node can provide.
 *
 * <ul>
 *   <li>{@link #parseLldpcliJson(String)}: {@code lldpcli -f json0 show neighbors details} (stable
 *       shape: every level is a list) and {@code lldpcli -f json ...}, whose shape changes with
 *       the number of interfaces and neighbours (one-element lists are folded, names become keys);
 *       the form is detected.
 *   <li>{@link #parseNmstate(String)}: an nmstate {@code NodeNetworkState} as JSON ({@code kubectl
 *       get nns NODE -o json}), or its {@code status.currentState}, or the interface list: every
 *       {@code interfaces[].lldp.neighbors} entry is a list of TLV objects, found by TLV type (1
 *       chassis id, 2 port id, 4 port description, 5 system name), not by position.
 * </ul>
 *
 * <pre>{@code
 * String out = run("lldpcli", "-f", "json0", "show", "neighbors", "details");
 * for (LldpNeighbor n : LldpNeighbors.parseLldpcliJson(out)) {
 *     System.out.println(n.localInterface() + " -> " + n.switchHostname() + ":" + n.switchPort());
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class LldpNeighbors {
    private LldpNeighbors() {}

    /**
     * Parses {@code lldpcli} JSON output in either {@code json0} or {@code json} form. Empty
     * output, or output with no neighbours, gives an empty list.
     *
     * @throws IllegalArgumentException if the text is not JSON or has no {@code lldp} member
     */
    public static List<LldpNeighbor> parseLldpcliJson(String json) {
        Objects.requireNonNull(json, "json");
        if (json.isBlank()) {
            return List.of();
        }
        JsonNode root = Json.tree(json, "lldpcli output");
        JsonNode lldp = root.path("lldp");
        if (lldp.isMissingNode()) {
            throw new IllegalArgumentException("lldpcli output has no 'lldp' member (use -f json0 or -f json)");
        }
        List<LldpNeighbor> out = new ArrayList<>();
        for (JsonNode top : lldp.isArray() ? iterable(lldp) : List.of(lldp)) {
            JsonNode ifaces = top.path("interface");
            if (ifaces.isArray()) {
                for (JsonNode iface : ifaces) {
                    if (iface.has("name") && iface.get("name").isTextual()) {
                        out.add(fromLldpcliInterface(iface.get("name").asText(), iface)); // json0
                    } else {
                        for (Map.Entry<String, JsonNode> e : iface.properties()) {
                            out.add(fromLldpcliInterface(e.getKey(), e.getValue())); // json, 2+ entries
                        }
                    }
                }
            } else if (ifaces.isObject()) {
                for (Map.Entry<String, JsonNode> e : ifaces.properties()) {
                    out.add(fromLldpcliInterface(e.getKey(), e.getValue())); // json, one entry
                }
            }
        }
        return List.copyOf(out);
    }

    private static LldpNeighbor fromLldpcliInterface(String ifname, JsonNode body) {
        JsonNode chassis = first(body.path("chassis"));
        String chassisName = scalar(chassis.path("name"));
        JsonNode chassisBody = chassis;
        if (chassisName.isEmpty() && chassis.isObject() && !chassis.has("id") && chassis.size() == 1) {
            // json form folds the chassis under its name: {"leaf1": {"id": ...}}
            Map.Entry<String, JsonNode> only = chassis.properties().iterator().next();
            chassisName = only.getKey();
            chassisBody = only.getValue();
        }
        JsonNode chassisId = first(chassisBody.path("id"));
        JsonNode port = first(body.path("port"));
        JsonNode portId = first(port.path("id"));
        return new LldpNeighbor(
                ifname,
                chassisName,
                scalar(chassisId.path("value")),
                scalar(chassisId.path("type")),
                scalar(portId.path("value")),
                PortIdSubtype.fromLldpcli(scalar(portId.path("type"))),
                scalar(port.path("descr")));
    }

    /**
     * Parses nmstate LLDP data (see the class description for accepted shapes). Interfaces
     * without LLDP neighbours are skipped.
     *
     * @throws IllegalArgumentException if the text is not JSON or holds no interface list
     */
    public static List<LldpNeighbor> parseNmstate(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode root = Json.tree(json, "nmstate NodeNetworkState");
        JsonNode interfaces;
        if (root.isArray()) {
            interfaces = root;
        } else if (root.path("status").path("currentState").path("interfaces").isArray()) {
            interfaces = root.path("status").path("currentState").path("interfaces");
        } else if (root.path("currentState").path("interfaces").isArray()) {
            interfaces = root.path("currentState").path("interfaces");
        } else if (root.path("interfaces").isArray()) {
            interfaces = root.path("interfaces");
        } else {
            throw new IllegalArgumentException(
                    "nmstate data has no interface list (expected status.currentState.interfaces)");
        }
        List<LldpNeighbor> out = new ArrayList<>();
        for (JsonNode iface : interfaces) {
            String name = scalar(iface.path("name"));
            JsonNode neighbors = iface.path("lldp").path("neighbors");
            for (JsonNode tlvs : iterable(neighbors)) {
                out.add(fromNmstateTlvs(name, tlvs));
            }
        }
        return List.copyOf(out);
    }

    private static LldpNeighbor fromNmstateTlvs(String ifname, JsonNode tlvs) {
        String systemName = "";
        String chassisId = "";
        String chassisIdType = "";
        String portId = "";
        PortIdSubtype subtype = PortIdSubtype.UNKNOWN;
        String portDescr = "";
        for (JsonNode tlv : iterable(tlvs)) {
            int type = tlv.path("type").asInt(-1);
            if (type == 5 || tlv.has("system-name")) {
                systemName = scalar(tlv.path("system-name"));
            } else if (type == 1 || tlv.has("chassis-id")) {
                chassisId = scalar(tlv.path("chassis-id"));
                chassisIdType = chassisIdTypeName(tlv.path("chassis-id-type").asInt(0));
            } else if (type == 2 || tlv.has("port-id")) {
                portId = scalar(tlv.path("port-id"));
                subtype = PortIdSubtype.fromCode(tlv.path("port-id-type").asInt(0));
            } else if (type == 4 || tlv.has("port-description")) {
                portDescr = scalar(tlv.path("port-description"));
            }
        }
        return new LldpNeighbor(ifname, systemName, chassisId, chassisIdType, portId, subtype, portDescr);
    }

    /** IEEE chassis id subtypes (802.1AB table 8-2), spelled as lldpcli does where it has a name. */
    private static String chassisIdTypeName(int code) {
        return switch (code) {
            case 1 -> "chassiscomponent";
            case 2 -> "ifalias";
            case 3 -> "portcomponent";
            case 4 -> "mac";
            case 5 -> "ip";
            case 6 -> "ifname";
            case 7 -> "local";
            default -> "";
        };
    }

    private static List<JsonNode> iterable(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        }
        return out;
    }

    /** The node, or the first element when lldpcli wrapped it in a list. */
    private static JsonNode first(JsonNode node) {
        if (node.isArray()) {
            return node.isEmpty() ? MissingNode.getInstance() : node.get(0);
        }
        return node;
    }

    /** A string value that may be plain, wrapped as {"value": ...}, or a list of those. */
    private static String scalar(JsonNode node) {
        JsonNode n = first(node);
        if (n.isObject()) {
            n = n.path("value");
        }
        return n.isValueNode() ? n.asText() : "";
    }
}
