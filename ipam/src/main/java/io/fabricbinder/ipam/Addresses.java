package io.fabricbinder.ipam;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** Address parsing and formatting without DNS, and exact 128-bit conversions. */
final class Addresses {
    private Addresses() {}

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal (no zone, no brackets) into 4 or 16 bytes. Never
     * resolves names.
     *
     * @throws IllegalArgumentException naming the field when the text is not an address literal
     */
    static byte[] parse(String text, String field) {
        if (text.indexOf(':') < 0) {
            return parseV4(text, field);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                throw new IllegalArgumentException(field + " is not an IP address: '" + text + "'");
            }
        }
        try {
            // Only a literal reaches here (hex digits, ':' and '.'), so no name is ever resolved.
            InetAddress a = InetAddress.getByName(text);
            byte[] b = a.getAddress();
            if (b.length == 4) {
                // The JDK turns IPv4-mapped IPv6 literals into Inet4Address; keep them IPv6.
                byte[] v6 = new byte[16];
                v6[10] = (byte) 0xff;
                v6[11] = (byte) 0xff;
                System.arraycopy(b, 0, v6, 12, 4);
                return v6;
            }
            return b;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(field + " is not an IP address: '" + text + "'", e);
        }
    }

    private static byte[] parseV4(String text, String field) {
        byte[] out = new byte[4];
        int part = 0;
        int digits = 0;
        int v = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    throw notAnAddress(text, field);
                }
                out[part++] = (byte) v;
                digits = 0;
                v = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits == 1 && v == 0) {
                    throw notAnAddress(text, field); // a leading zero: octal in some parsers
                }
                v = v * 10 + (c - '0');
                digits++;
                if (v > 255) {
                    throw notAnAddress(text, field);
                }
            } else {
                throw notAnAddress(text, field);
            }
        }
        if (part != 4) {
            throw notAnAddress(text, field);
        }
        return out;
    }

    private static IllegalArgumentException notAnAddress(String text, String field) {
        return new IllegalArgumentException(field + " is not an IP address: '" + text + "'");
    }

    static BigInteger toBigInteger(byte[] bytes) {
        return new BigInteger(1, bytes);
    }

    static byte[] toBytes(BigInteger value, boolean v6) {
        int len = v6 ? 16 : 4;
        byte[] raw = value.toByteArray();
        byte[] out = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
        return out;
    }

    static InetAddress toInetAddress(BigInteger value, boolean v6) {
        return toInetAddress(toBytes(value, v6));
    }

    /** An address of 4 bytes (IPv4) or 16 bytes (IPv6, also when IPv4-mapped). */
    static InetAddress toInetAddress(byte[] b) {
        try {
            if (b.length == 16) {
                // getByAddress would turn an IPv4-mapped 16-byte address into Inet4Address.
                return java.net.Inet6Address.getByAddress(null, b, null);
            }
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Canonical text: dotted quad, or RFC 5952 (lower case, longest zero run compressed). */
    static String format(BigInteger value, boolean v6) {
        return format(toBytes(value, v6));
    }

    static String format(byte[] b) {
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    static String format(InetAddress a) {
        return format(a.getAddress());
    }
}
