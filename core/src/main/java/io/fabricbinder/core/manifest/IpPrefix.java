package io.fabricbinder.core.manifest;

import io.fabricbinder.ipam.AddressFormat;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network prefix in canonical form (no host bits set), for validation only; its
 * text is canonical (RFC 5952 for IPv6), the way every address FabricBinder prints is written.
 *
 * <p>Example: {@code IpPrefix.parse("10.1.0.0/24").contains(IpPrefix.parseAddress("10.1.0.7"))}.
 * Addresses are parsed as literals only; no name lookup is ever made. Immutable and thread-safe.
 *
 * @param address the network address
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record IpPrefix(InetAddress address, int prefixLength) {

    /** Validates the length and that no host bits are set. */
    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int bits = bits(address);
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0.." + bits);
        }
        BigInteger value = toBigInteger(address);
        if (!value.and(hostMask(bits, prefixLength)).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("host bits are set in " + AddressFormat.canonical(address) + "/"
                    + prefixLength + " (did you mean "
                    + AddressFormat.canonical(fromBigInteger(value.andNot(hostMask(bits, prefixLength)), bits))
                    + "/" + prefixLength + "?)");
        }
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code x:y::z/n}.
     *
     * @throws IllegalArgumentException with a message naming the bad text
     */
    public static IpPrefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR (expected address/length)");
        }
        InetAddress address = parseAddress(cidr.substring(0, slash));
        String len = cidr.substring(slash + 1);
        int length;
        try {
            length = Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + cidr + "' has a bad prefix length '" + len + "'", e);
        }
        return new IpPrefix(address, length);
    }

    /** The prefix of the given length that contains the address (host bits cleared). */
    public static IpPrefix containing(InetAddress address, int prefixLength) {
        int bits = bits(address);
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0.." + bits);
        }
        return new IpPrefix(
                fromBigInteger(toBigInteger(address).andNot(hostMask(bits, prefixLength)), bits), prefixLength);
    }

    /** A single-address prefix ({@code /32} or {@code /128}). */
    public static IpPrefix host(InetAddress address) {
        return new IpPrefix(address, bits(address));
    }

    /**
     * Parses an IPv4 or IPv6 address literal without any name lookup.
     *
     * @throws IllegalArgumentException if the text is not an address literal
     */
    public static InetAddress parseAddress(String text) {
        String t = text.strip();
        try {
            if (t.indexOf(':') >= 0) {
                // With a ':' the JDK treats the text as an IPv6 literal and never resolves it.
                if (!t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    throw new IllegalArgumentException("'" + text + "' is not an IP address");
                }
                return InetAddress.getByName(t);
            }
            String[] parts = t.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address");
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalArgumentException("'" + text + "' is not an IP address");
                }
                int v = Integer.parseInt(p);
                if (v > 255) {
                    throw new IllegalArgumentException("'" + text + "' is not an IP address");
                }
                bytes[i] = (byte) v;
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
        }
    }

    /** True if the address is IPv4. */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** True if the address has the same family and lies inside this prefix. */
    public boolean contains(InetAddress other) {
        if (bits(other) != bits(address)) {
            return false;
        }
        BigInteger v = toBigInteger(other);
        return v.andNot(hostMask(bits(address), prefixLength)).equals(toBigInteger(address));
    }

    /** True if the other prefix has the same family and lies wholly inside this one. */
    public boolean contains(IpPrefix other) {
        return other.prefixLength >= prefixLength && contains(other.address);
    }

    /** The last address of the prefix (the broadcast address for IPv4). */
    public InetAddress last() {
        int bits = bits(address);
        return fromBigInteger(toBigInteger(address).or(hostMask(bits, prefixLength)), bits);
    }

    /** Compares two addresses of the same family numerically. */
    static int compare(InetAddress a, InetAddress b) {
        return toBigInteger(a).compareTo(toBigInteger(b));
    }

    static boolean sameFamily(InetAddress a, InetAddress b) {
        return bits(a) == bits(b);
    }

    /** The canonical text, e.g. {@code 10.1.0.0/16} or {@code 2001:db8::/116} (RFC 5952). */
    @Override
    public String toString() {
        return AddressFormat.canonical(address) + "/" + prefixLength;
    }

    private static int bits(InetAddress a) {
        return a.getAddress().length * 8;
    }

    private static BigInteger hostMask(int bits, int prefixLength) {
        return BigInteger.ONE.shiftLeft(bits - prefixLength).subtract(BigInteger.ONE);
    }

    private static BigInteger toBigInteger(InetAddress a) {
        return new BigInteger(1, a.getAddress());
    }

    private static InetAddress fromBigInteger(BigInteger v, int bits) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[bits / 8];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
