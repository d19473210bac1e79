package io.fabricbinder.ipam;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A stored tree node: 256 bits plus, for leaves, addresses in reuse cooldown. Encoded as 64 hex
 * characters, optionally followed by {@code " c"} and {@code bit:expiryMillis} pairs separated by
 * commas.
 */
final class Node {
    final long[] bits;
    // Bit -> expiry in epoch millis; null while nothing cools (almost always), to save garbage.
    private @Nullable NavigableMap<Integer, Long> cooling;

    private Node(long[] bits, @Nullable NavigableMap<Integer, Long> cooling) {
        this.bits = bits;
        this.cooling = cooling;
    }

    static Node empty() {
        return new Node(new long[4], null);
    }

    static Node decode(String value) {
        long[] bits = Bits.fromHex(value, 0);
        if (value.length() == 64) {
            return new Node(bits, null);
        }
        if (!value.startsWith(" c", 64)) {
            throw new IllegalStateException("corrupt node value: " + value);
        }
        NavigableMap<Integer, Long> cooling = new TreeMap<>();
        String rest = value.substring(66);
        if (!rest.isEmpty()) {
            for (String pair : rest.split(",", -1)) {
                int colon = pair.indexOf(':');
                cooling.put(Integer.parseInt(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)));
            }
        }
        return new Node(bits, cooling.isEmpty() ? null : cooling);
    }

    String encode() {
        String hex = Bits.toHex(bits);
        NavigableMap<Integer, Long> cooling = this.cooling;
        if (cooling == null || cooling.isEmpty()) {
            return hex;
        }
        StringBuilder sb = new StringBuilder(hex).append(" c");
        boolean first = true;
        for (Map.Entry<Integer, Long> e : cooling.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(e.getKey()).append(':').append(e.getValue());
        }
        return sb.toString();
    }

    /** Bits taken or still cooling at {@code nowMillis}. */
    long[] blocked(long nowMillis) {
        NavigableMap<Integer, Long> cooling = this.cooling;
        if (cooling == null || cooling.isEmpty()) {
            return bits;
        }
        long[] out = bits.clone();
        for (Map.Entry<Integer, Long> e : cooling.entrySet()) {
            if (e.getValue() > nowMillis) {
                Bits.set(out, e.getKey());
            }
        }
        return out;
    }

    boolean hasCooling(long nowMillis) {
        NavigableMap<Integer, Long> cooling = this.cooling;
        if (cooling == null) {
            return false;
        }
        for (long expiry : cooling.values()) {
            if (expiry > nowMillis) {
                return true;
            }
        }
        return false;
    }

    void pruneCooling(long nowMillis) {
        NavigableMap<Integer, Long> cooling = this.cooling;
        if (cooling == null) {
            return;
        }
        Iterator<Long> it = cooling.values().iterator();
        while (it.hasNext()) {
            if (it.next() <= nowMillis) {
                it.remove();
            }
        }
    }

    /** Starts the reuse cooldown of {@code bit} until {@code expiryMillis}. */
    void cool(int bit, long expiryMillis) {
        NavigableMap<Integer, Long> cooling = this.cooling;
        if (cooling == null) {
            cooling = new TreeMap<>();
            this.cooling = cooling;
        }
        cooling.put(bit, expiryMillis);
    }

    /** Ends the reuse cooldown of {@code bit}, if any. */
    void stopCooling(int bit) {
        NavigableMap<Integer, Long> cooling = this.cooling;
        if (cooling != null) {
            cooling.remove(bit);
        }
    }
}
