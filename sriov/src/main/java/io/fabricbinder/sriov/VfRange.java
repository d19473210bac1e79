package io.fabricbinder.sriov;

import java.util.BitSet;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A {@code pfNames}/{@code rootDevices} entry: {@code <pf>} or {@code <pf>#<list>}, where the list
 * is comma-separated indices {@code N} and inclusive ranges {@code A-B}. Malformed entries (more
 * than one {@code #}, a bad range, a non-integer) select nothing, as in the device plugin.
 */
final class VfRange {
    final String pf;
    private final @Nullable BitSet indices; // null = every VF
    final boolean malformed;

    private VfRange(String pf, @Nullable BitSet indices, boolean malformed) {
        this.pf = pf;
        this.indices = indices;
        this.malformed = malformed;
    }

    static VfRange parse(String entry) {
        String[] parts = entry.split("#", -1);
        if (parts.length == 1) {
            return new VfRange(entry, null, false);
        }
        if (parts.length != 2 || parts[1].isEmpty()) {
            return new VfRange(parts[0], null, true);
        }
        BitSet set = new BitSet();
        for (String item : parts[1].split(",", -1)) {
            String t = item.trim();
            try {
                int dash = t.indexOf('-');
                if (dash < 0) {
                    set.set(nonNegative(t));
                } else {
                    int a = nonNegative(t.substring(0, dash));
                    int b = nonNegative(t.substring(dash + 1));
                    if (a > b || b > 65535) {
                        return new VfRange(parts[0], null, true);
                    }
                    set.set(a, b + 1);
                }
            } catch (NumberFormatException e) {
                return new VfRange(parts[0], null, true);
            }
        }
        return new VfRange(parts[0], set, false);
    }

    private static int nonNegative(String s) {
        int v = Integer.parseInt(s.trim());
        if (v < 0 || v > 65535) {
            throw new NumberFormatException(s);
        }
        return v;
    }

    /** Whether the VF {@code vfIndex} of a PF called {@code pfName} is selected (name case-insensitive). */
    boolean selectsByName(String pfName, int vfIndex) {
        return !malformed && pf.toLowerCase(Locale.ROOT).equals(pfName.toLowerCase(Locale.ROOT)) && covers(vfIndex);
    }

    /** Whether the VF {@code vfIndex} of the PF at {@code pfAddress} is selected. */
    boolean selectsByAddress(String pfAddress, int vfIndex) {
        return !malformed && pf.equals(pfAddress) && covers(vfIndex);
    }

    private boolean covers(int vfIndex) {
        return indices == null || (vfIndex >= 0 && indices.get(vfIndex));
    }
}
