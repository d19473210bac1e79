package io.fabricbinder.ipam;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** 256-bit sets as {@code long[4]}, and their 64-character hex encoding. */
final class Bits {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    // Digit value of each ASCII character, -1 for characters that are not lower-case hex digits.
    private static final byte[] DIGIT = new byte[128];

    static {
        Arrays.fill(DIGIT, (byte) -1);
        for (int i = 0; i < 16; i++) {
            DIGIT[HEX[i]] = (byte) i;
        }
    }

    private Bits() {}

    static void setRange(long[] bits, int from, int to) {
        for (int i = from; i <= to; i++) {
            bits[i >>> 6] |= 1L << (i & 63);
        }
    }

    static boolean get(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << (i & 63);
    }

    static void clear(long[] bits, int i) {
        bits[i >>> 6] &= ~(1L << (i & 63));
    }

    static boolean allSet(long[] a, long[] b) {
        for (int i = 0; i < 4; i++) {
            if ((a[i] | b[i]) != -1L) {
                return false;
            }
        }
        return true;
    }

    static int count(long[] bits) {
        return Long.bitCount(bits[0]) + Long.bitCount(bits[1]) + Long.bitCount(bits[2]) + Long.bitCount(bits[3]);
    }

    /** First index at or after {@code start} (wrapping) that is clear in both arrays, or -1. */
    static int firstClear(long[] a, long[] b, int start) {
        for (int n = 0; n < 5; n++) {
            int word = ((start >>> 6) + n) & 3;
            long free = ~(a[word] | b[word]);
            if (n == 0) {
                free &= -1L << (start & 63);
            } else if (n == 4) {
                free &= ~(-1L << (start & 63));
                if ((start & 63) == 0) {
                    free = 0;
                }
            }
            if (free != 0) {
                return (word << 6) | Long.numberOfTrailingZeros(free);
            }
        }
        return -1;
    }

    static String toHex(long[] bits) {
        byte[] out = new byte[64];
        for (int w = 0; w < 4; w++) {
            long v = bits[w];
            for (int j = 15; j >= 0; j--) {
                out[w * 16 + j] = HEX[(int) v & 15];
                v >>>= 4;
            }
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    static long[] fromHex(String s, int offset) {
        if (s.length() < offset + 64) {
            throw new IllegalStateException("corrupt bitmap value: " + s);
        }
        long[] bits = new long[4];
        int bad = 0;
        for (int w = 0; w < 4; w++) {
            long v = 0;
            for (int j = 0; j < 16; j++) {
                char c = s.charAt(offset + w * 16 + j);
                int d = c < 128 ? DIGIT[c] : -1;
                bad |= d; // negative once any character is not a lower-case hex digit
                v = (v << 4) | (d & 15);
            }
            bits[w] = v;
        }
        if (bad < 0) {
            throw new IllegalStateException("corrupt bitmap value: " + s);
        }
        return bits;
    }
}
