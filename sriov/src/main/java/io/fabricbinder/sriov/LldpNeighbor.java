package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What one local interface (a PF) hears from its LLDP neighbour, normally the leaf switch port it
 * is cabled to.
 *
 * <p>{@link #switchPort()} picks the name to look up in Apstra and {@link #switchPortSource()}
 * says where it came from: the port id when its subtype is an interface name or alias; otherwise
 * (a locally assigned number such as Junos' {@code 531}, a MAC address...) the port description
 * when there is one, else the raw port id. Immutable and thread-safe.
 *
 * <pre>{@code
 * LldpNeighbor n = neighbors.get(0);
 * n.localInterface();   // "ens1f0"
 * n.switchHostname();   // "leaf1" (system name cut at the first dot)
 * n.switchPort();       // "xe-0/0/12"
 * n.switchPortSource(); // PORT_ID or PORT_DESCRIPTION
 * }</pre>
 *
 * @param localInterface the local netdev that received the LLDPDU
 * @param chassisName the neighbour's system name, or {@code ""}
 * @param chassisId the chassis id value (often a MAC), or {@code ""}
 * @param chassisIdType the chassis id subtype as text ({@code mac}, {@code local}...), or {@code ""}
 * @param portId the raw port id
 * @param portIdSubtype how to read {@link #portId()}
 * @param portDescription the port description TLV, or {@code ""}
 */
public record LldpNeighbor(
        @JsonProperty("localInterface") String localInterface,
        @JsonProperty("chassisName") String chassisName,
        @JsonProperty("chassisId") String chassisId,
        @JsonProperty("chassisIdType") String chassisIdType,
        @JsonProperty("portId") String portId,
        @JsonProperty("portIdSubtype") PortIdSubtype portIdSubtype,
        @JsonProperty("portDescription") String portDescription) {

    /** Normalises absent strings to {@code ""}. */
    public LldpNeighbor(
            @Nullable String localInterface,
            @Nullable String chassisName,
            @Nullable String chassisId,
            @Nullable String chassisIdType,
            @Nullable String portId,
            @Nullable PortIdSubtype portIdSubtype,
            @Nullable String portDescription) {
        this.localInterface = Values.str(localInterface);
        this.chassisName = Values.str(chassisName);
        this.chassisId = Values.str(chassisId);
        this.chassisIdType = Values.str(chassisIdType);
        this.portId = Values.str(portId);
        this.portIdSubtype = portIdSubtype == null ? PortIdSubtype.UNKNOWN : portIdSubtype;
        this.portDescription = Values.str(portDescription);
    }

    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*[0-9/:][A-Za-z0-9/:._-]*");

    /** Which LLDP field {@link #switchPort()} came from. */
    public enum PortSource {
        /** The port id TLV (an interface name or alias, or nothing better was sent). */
        PORT_ID,
        /** The port description TLV, used because the port id was a number, a MAC or similar. */
        PORT_DESCRIPTION
    }

    /** The switch port name to map to an Apstra leaf interface. */
    @JsonProperty(value = "switchPort", access = JsonProperty.Access.READ_ONLY)
    public String switchPort() {
        return switchPortSource() == PortSource.PORT_ID ? portId : portDescription;
    }

    /** Where {@link #switchPort()} came from. */
    @JsonProperty(value = "switchPortSource", access = JsonProperty.Access.READ_ONLY)
    public PortSource switchPortSource() {
        boolean named = portIdSubtype == PortIdSubtype.INTERFACE_NAME || portIdSubtype == PortIdSubtype.INTERFACE_ALIAS;
        if (named && !isNumber(portId)) {
            return PortSource.PORT_ID;
        }
        return portDescription.isBlank() ? PortSource.PORT_ID : PortSource.PORT_DESCRIPTION;
    }

    /**
     * {@link #switchPort()} when it names an interface ({@code xe-0/0/12}, {@code Ethernet1/1},
     * {@code swp12}: a letter first, then a digit, {@code /} or {@code :} somewhere, no spaces), else
     * empty: a locally assigned number with no description, or a description that is prose
     * ({@code "uplink to server"}), does not say which port it is, and a caller must not guess.
     */
    public Optional<String> switchPortName() {
        String port = switchPort();
        return INTERFACE_NAME.matcher(port).matches() ? Optional.of(port) : Optional.empty();
    }

    /** The switch name: the system name, or the chassis id when no name was sent. */
    @JsonProperty(value = "switchName", access = JsonProperty.Access.READ_ONLY)
    public String switchName() {
        return chassisName.isEmpty() ? chassisId : chassisName;
    }

    /** {@link #switchName()} cut at the first dot ({@code leaf1.example.com} gives {@code leaf1}). */
    public String switchHostname() {
        String n = switchName();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Whether this neighbour's local side is {@code ifname}. */
    public boolean isOn(String ifname) {
        return localInterface.equals(Objects.requireNonNull(ifname, "ifname"));
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}
