package io.fabricbinder.ipam;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The canonical text of an IP address, as every address this library reports is written: IPv4 as
 * a dotted quad, IPv6 in RFC 5952 form (lower case, no leading zeros, the longest run of two or
 * more zero groups written as {@code ::}, the first one on a tie).
 *
 * <pre>{@code
 * AddressFormat.canonical(InetAddress.getByName("FD00:0:0:1:0:0:0:1")); // "fd00:0:0:1::1"
 * }</pre>
 *
 * <p>Comparing or storing addresses as this text is safe: two {@code InetAddress} values of the
 * same family and bits always give the same string. Stateless and thread-safe.
 */
public final class AddressFormat {

    private AddressFormat() {}

    /** The canonical text of {@code address} (no scope id, no prefix length). */
    public static String canonical(InetAddress address) {
        return Addresses.format(Objects.requireNonNull(address, "address"));
    }
}
