package io.fabricbinder.ipam;

import java.net.InetAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One address of an {@link Allocation}, with what an interface needs to configure it.
 *
 * @param address the allocated address
 * @param prefixLength the subnet's prefix length
 * @param gateway the range's gateway, or null
 */
public record AssignedAddress(
        InetAddress address, int prefixLength, @Nullable InetAddress gateway) {
    /** Validates the components. */
    public AssignedAddress {
        Objects.requireNonNull(address, "address");
    }

    /** The address in CIDR notation, e.g. {@code 10.0.0.5/24} or {@code fd00::5/64}. */
    public String cidr() {
        return Addresses.format(address) + "/" + prefixLength;
    }

    @Override
    public String toString() {
        return cidr() + (gateway == null ? "" : " via " + Addresses.format(gateway));
    }
}
