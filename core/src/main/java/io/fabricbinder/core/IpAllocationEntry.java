package io.fabricbinder.core;

import io.fabricbinder.ipam.AddressFormat;
import io.fabricbinder.ipam.IpPrefix;
import io.fabricbinder.ipam.Owner;
import java.net.InetAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One address of one pod attachment (a dual-stack attachment has two entries).
 *
 * <p>{@link #address()} is the address the attachment holds ({@code unchanged}, {@code release}); for
 * {@code allocate} it is the address the pod requested (its network-selection {@code ips}), or null
 * for any free address, allocated when the plan is applied (planning never allocates). It is a value
 * (an {@link InetAddress} as the ipam module parses it) in {@link #subnet()}; its text, in the plan
 * JSON and text, is {@link #cidr()}. Immutable and thread-safe.
 *
 * @param owner who holds (or will hold) the address: namespace, pod, pod UID and interface, the
 *     ipam module's allocation owner (allocation is idempotent per pod UID + interface)
 * @param virtualNetwork the network, {@code namespace/nad}
 * @param subnet the subnet the address comes from (its text in the plan JSON is canonical)
 * @param address the address (in {@code subnet}); for {@code allocate} the requested one, or null for any
 * @param pool the IPAM pool name
 * @param action what applying the plan does
 */
public record IpAllocationEntry(
        Owner owner,
        String virtualNetwork,
        IpPrefix subnet,
        @Nullable InetAddress address,
        String pool,
        AllocationAction action)
        implements Comparable<IpAllocationEntry> {

    /** Validates. */
    public IpAllocationEntry {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(virtualNetwork, "virtualNetwork");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(action, "action");
        if (address == null && action != AllocationAction.ALLOCATE) {
            throw new IllegalArgumentException("only an allocate entry may lack an address");
        }
    }

    /**
     * The address in CIDR form with the subnet's prefix length, e.g. {@code 10.0.0.5/24} (canonical,
     * {@link AddressFormat#canonical}), or null when {@link #address()} is: its text in the plan.
     */
    public @Nullable String cidr() {
        return address == null ? null : AddressFormat.canonical(address) + "/" + subnet.prefixLength();
    }

    /** The pod, {@code namespace/name} (derived from {@link #owner()}). */
    public String pod() {
        return owner.namespace() + "/" + owner.pod();
    }

    /** The pod UID (derived from {@link #owner()}). */
    public String podUid() {
        return owner.podUid();
    }

    /** The interface in the pod, e.g. {@code net1} (derived from {@link #owner()}). */
    public String interfaceName() {
        return owner.interfaceName();
    }

    /**
     * Plan order: pod ({@code namespace/name} as text), interface, network, pod UID, subnet, address
     * (as its text, {@link #cidr()}, as the plan has always been ordered).
     */
    @Override
    public int compareTo(IpAllocationEntry o) {
        int c = comparePodKeys(owner, o.owner);
        if (c == 0) {
            c = owner.interfaceName().compareTo(o.owner.interfaceName());
        }
        if (c == 0) {
            c = virtualNetwork.compareTo(o.virtualNetwork);
        }
        if (c == 0) {
            c = owner.podUid().compareTo(o.owner.podUid());
        }
        if (c == 0) {
            // by text, as the plan has always been ordered
            c = subnet.toString().compareTo(o.subnet.toString());
        }
        if (c == 0) {
            String mine = cidr();
            String theirs = o.cidr();
            c = (mine == null ? "" : mine).compareTo(theirs == null ? "" : theirs);
        }
        return c;
    }

    /**
     * Compares {@code namespace + "/" + pod} of both owners as text, without building the strings:
     * the plan has always sorted by the pod key's text, in which {@code a-b/x} comes before {@code a/x}.
     */
    private static int comparePodKeys(Owner a, Owner b) {
        String an = a.namespace();
        String bn = b.namespace();
        if (an.equals(bn)) {
            return a.pod().compareTo(b.pod());
        }
        int n = Math.min(an.length(), bn.length());
        for (int i = 0; i < n; i++) {
            char x = an.charAt(i);
            char y = bn.charAt(i);
            if (x != y) {
                return x - y;
            }
        }
        // One namespace is a prefix of the other: the shorter one continues with '/'.
        return an.length() < bn.length() ? '/' - bn.charAt(n) : an.charAt(n) - '/';
    }
}
