package io.fabricbinder.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One address of one pod attachment (a dual-stack attachment has two entries).
 *
 * <p>{@link #address()} is the CIDR the attachment holds ({@code unchanged}, {@code release}); for
 * {@code allocate} it is the address the pod requested (its network-selection {@code ips}), or null
 * for any free address, allocated when the plan is applied (planning never allocates). Immutable and
 * thread-safe.
 *
 * @param pod {@code namespace/name}
 * @param podUid the pod UID (the allocation owner is pod UID + interface)
 * @param interfaceName the interface in the pod, e.g. {@code net1}
 * @param virtualNetwork the network, {@code namespace/nad}
 * @param subnet the subnet the address comes from (CIDR)
 * @param address the address in CIDR form; for {@code allocate} the requested one, or null for any
 * @param pool the IPAM pool name
 * @param action what applying the plan does
 */
public record IpAllocationEntry(
        String pod,
        String podUid,
        String interfaceName,
        String virtualNetwork,
        String subnet,
        @Nullable String address,
        String pool,
        AllocationAction action)
        implements Comparable<IpAllocationEntry> {

    /** Validates. */
    public IpAllocationEntry {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(podUid, "podUid");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(virtualNetwork, "virtualNetwork");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(action, "action");
        if (address == null && action != AllocationAction.ALLOCATE) {
            throw new IllegalArgumentException("only an allocate entry may lack an address");
        }
    }

    @Override
    public int compareTo(IpAllocationEntry o) {
        int c = pod.compareTo(o.pod);
        if (c == 0) {
            c = interfaceName.compareTo(o.interfaceName);
        }
        if (c == 0) {
            c = virtualNetwork.compareTo(o.virtualNetwork);
        }
        if (c == 0) {
            c = podUid.compareTo(o.podUid);
        }
        if (c == 0) {
            c = subnet.compareTo(o.subnet);
        }
        if (c == 0) {
            c = (address == null ? "" : address).compareTo(o.address == null ? "" : o.address);
        }
        return c;
    }
}
