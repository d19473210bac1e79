package io.fabricbinder.core.topology;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One LLDP neighbour seen on a node's PF (as lldpd's {@code lldpcli -f json0 show neighbors} or
 * NMState report it): the switch's system name and port.
 *
 * <p>Example: {@code new LldpNeighbor("worker-1", "ens1f0", "leaf1.example.com", "ifname",
 * "xe-0/0/12", "xe-0/0/12")}. Immutable and thread-safe.
 *
 * @param node the Kubernetes node that saw it
 * @param localInterface the PF interface name (only PFs see LLDP; VFs do not)
 * @param systemName the switch's system name (chassis name), possibly a FQDN
 * @param portIdSubtype the port id subtype as lldpd names it: {@code ifname}, {@code local}, {@code
 *     mac}, ...; or null
 * @param portId the port id value
 * @param portDescription the port description, or null
 */
public record LldpNeighbor(
        String node,
        String localInterface,
        String systemName,
        @Nullable String portIdSubtype,
        String portId,
        @Nullable String portDescription) {

    /** Validates. */
    public LldpNeighbor {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(localInterface, "localInterface");
        Objects.requireNonNull(systemName, "systemName");
        Objects.requireNonNull(portId, "portId");
    }
}
