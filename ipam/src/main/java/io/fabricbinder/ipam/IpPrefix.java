package io.fabricbinder.ipam;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network prefix in canonical form (no host bits set). Its text is canonical
 * ({@link AddressFormat}), the way every address this library reports is written; it parses
 * addresses with the same rules as {@link IpRange} (literals only, no name is ever looked up; an
 * IPv4-mapped IPv6 literal such as {@code ::ffff:10.0.0.1} stays IPv6).
 *
 * <pre>{@code
 * IpPrefix.parse("10.1.0.0/24").contains(IpPrefix.parseAddress("10.1.0.7")); // true
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param address the network address
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record IpPrefix(InetAddress address, int prefixLength) {

    /** Validates the length and that no host bits are set. */
    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int bits = bits(address);
        checkLength(prefixLength, bits);
        BigInteger value = Addresses.toBigInteger(address.getAddress());
        if (!value.and(hostMask(bits, prefixLength)).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("host bits are set in " + AddressFormat.canonical(address) + "/"
                    + prefixLength + " (did you mean "
                    + Addresses.format(value.andNot(hostMask(bits, prefixLength)), bits == 128)
                    + "/" + prefixLength + "?)");
        }
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code x:y::z/n}.
     *
     * @throws IllegalArgumentException with a message naming the bad text
     */
    public static IpPrefix parse(String cidr) {
        return parse(cidr, DEFAULT_ERRORS);
    }

    /**
     * How a caller words the errors of {@link #parse(String, Errors)}: one parser (one set of rules)
     * for every CIDR this module reads, with the messages its callers have always given.
     */
    interface Errors {
        /** The name the address part is reported under, e.g. {@code address} or {@code subnet}. */
        String field();

        /** The text has no {@code /}. */
        String notCidr(String text);

        /** The prefix length is not a number. */
        String badLength(String text, String length);

        /** The prefix length has a sign or is outside {@code 0..bits}. */
        String lengthOutOfRange(String text, String length, int bits);

        /** Host bits are set in {@code address}; {@code network} is the prefix that contains it. */
        String hostBits(String text, InetAddress address, IpPrefix network);
    }

    private static final Errors DEFAULT_ERRORS = new Errors() {
        @Override
        public String field() {
            return "address";
        }

        @Override
        public String notCidr(String text) {
            return "'" + text + "' is not a CIDR (expected address/length)";
        }

        @Override
        public String badLength(String text, String length) {
            return "'" + text + "' has a bad prefix length '" + length + "'";
        }

        @Override
        public String lengthOutOfRange(String text, String length, int bits) {
            return "prefix length " + length + " is out of range 0.." + bits;
        }

        @Override
        public String hostBits(String text, InetAddress address, IpPrefix network) {
            return "host bits are set in " + AddressFormat.canonical(address) + "/" + network.prefixLength
                    + " (did you mean " + network + "?)";
        }
    };

    /**
     * The one CIDR parser: {@code address/length}, the address a literal ({@link Addresses#parse}),
     * the length decimal digits in {@code 0..32} or {@code 0..128}, no host bits set.
     *
     * @throws IllegalArgumentException worded by {@code errors}
     */
    static IpPrefix parse(String cidr, Errors errors) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(errors.notCidr(cidr));
        }
        byte[] bytes = Addresses.parse(cidr.substring(0, slash), errors.field());
        int bits = bytes.length * 8;
        String len = cidr.substring(slash + 1);
        int length;
        try {
            length = Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(errors.badLength(cidr, len), e);
        }
        if (length < 0 || length > bits || len.startsWith("+") || len.startsWith("-")) {
            throw new IllegalArgumentException(errors.lengthOutOfRange(cidr, len, bits));
        }
        InetAddress address = Addresses.toInetAddress(bytes);
        if (hostBitsSet(bytes, length)) {
            throw new IllegalArgumentException(errors.hostBits(cidr, address, containing(address, length)));
        }
        return new IpPrefix(address, length);
    }

    /** True if a bit after the first {@code length} bits is set (checked on the bytes, no arithmetic). */
    private static boolean hostBitsSet(byte[] bytes, int length) {
        int full = length / 8;
        int rest = length % 8;
        if (rest != 0 && (bytes[full] & (0xff >>> rest)) != 0) {
            return true;
        }
        for (int i = rest == 0 ? full : full + 1; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return true;
            }
        }
        return false;
    }

    /** The prefix of the given length that contains the address (host bits cleared). */
    public static IpPrefix containing(InetAddress address, int prefixLength) {
        int bits = bits(address);
        checkLength(prefixLength, bits);
        BigInteger network = Addresses.toBigInteger(address.getAddress()).andNot(hostMask(bits, prefixLength));
        return new IpPrefix(Addresses.toInetAddress(network, bits == 128), prefixLength);
    }

    /** A single-address prefix ({@code /32} or {@code /128}). */
    public static IpPrefix host(InetAddress address) {
        return new IpPrefix(address, bits(address));
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal without any name lookup, as {@link IpRange} does.
     *
     * @throws IllegalArgumentException if the text is not an address literal
     */
    public static InetAddress parseAddress(String text) {
        return Addresses.toInetAddress(Addresses.parse(text, "address"));
    }

    /** True if the address is IPv4. */
    public boolean isIpv4() {
        return bits(address) == 32;
    }

    /** True if the address has the same family and lies inside this prefix. */
    public boolean contains(InetAddress other) {
        int bits = bits(address);
        if (bits(other) != bits) {
            return false;
        }
        return Addresses.toBigInteger(other.getAddress())
                .andNot(hostMask(bits, prefixLength))
                .equals(Addresses.toBigInteger(address.getAddress()));
    }

    /** True if the other prefix has the same family and lies wholly inside this one. */
    public boolean contains(IpPrefix other) {
        return other.prefixLength >= prefixLength && contains(other.address);
    }

    /** The last address of the prefix (the broadcast address for IPv4). */
    public InetAddress last() {
        int bits = bits(address);
        return Addresses.toInetAddress(
                Addresses.toBigInteger(address.getAddress()).or(hostMask(bits, prefixLength)), bits == 128);
    }

    /** The canonical text, e.g. {@code 10.1.0.0/16} or {@code 2001:db8::/116} (RFC 5952). */
    @Override
    public String toString() {
        return AddressFormat.canonical(address) + "/" + prefixLength;
    }

    private static void checkLength(int prefixLength, int bits) {
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0.." + bits);
        }
    }

    private static int bits(InetAddress a) {
        return a.getAddress().length * 8;
    }

    private static BigInteger hostMask(int bits, int prefixLength) {
        return BigInteger.ONE.shiftLeft(bits - prefixLength).subtract(BigInteger.ONE);
    }
}
