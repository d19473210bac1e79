package io.fabricbinder.sriov;

import java.util.Locale;

/**
 * The LLDP port-id subtype (IEEE 802.1AB table 8-3), which says how to read a neighbour's port
 * id. An {@link #INTERFACE_NAME} is a name such as {@code xe-0/0/12}; a {@link #LOCALLY_ASSIGNED}
 * id is an opaque number (often the Junos SNMP ifIndex, e.g. {@code 531}) that does not name the
 * port.
 */
public enum PortIdSubtype {
    /** Subtype 1: the interface alias (ifAlias). */
    INTERFACE_ALIAS(1, "ifalias"),
    /** Subtype 2: a port component (entPhysicalAlias). */
    PORT_COMPONENT(2, "portcomponent"),
    /** Subtype 3: a MAC address. */
    MAC_ADDRESS(3, "mac"),
    /** Subtype 4: a network address. */
    NETWORK_ADDRESS(4, "ip"),
    /** Subtype 5: the interface name (ifName). */
    INTERFACE_NAME(5, "ifname"),
    /** Subtype 6: an agent circuit id. */
    AGENT_CIRCUIT_ID(6, "agentcircuitid"),
    /** Subtype 7: locally assigned, usually a number. */
    LOCALLY_ASSIGNED(7, "local"),
    /** Absent or not recognised. */
    UNKNOWN(0, "unknown");

    private final int code;
    private final String lldpcliName;

    PortIdSubtype(int code, String lldpcliName) {
        this.code = code;
        this.lldpcliName = lldpcliName;
    }

    /** The IEEE subtype number (0 for {@link #UNKNOWN}). */
    public int code() {
        return code;
    }

    /** The spelling {@code lldpcli} uses in {@code port.id.type}. */
    public String lldpcliName() {
        return lldpcliName;
    }

    /** From the IEEE subtype number (what nmstate reports as {@code port-id-type}). */
    public static PortIdSubtype fromCode(int code) {
        for (PortIdSubtype s : values()) {
            if (s.code == code && s != UNKNOWN) {
                return s;
            }
        }
        return UNKNOWN;
    }

    /** From lldpcli's {@code port.id.type} string; lldpd prints {@code unhandled} for 2 and 6. */
    public static PortIdSubtype fromLldpcli(String type) {
        String t = type.trim().toLowerCase(Locale.ROOT);
        for (PortIdSubtype s : values()) {
            if (s.lldpcliName.equals(t)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
