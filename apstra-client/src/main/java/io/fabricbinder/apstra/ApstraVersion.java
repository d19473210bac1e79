package io.fabricbinder.apstra;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An Apstra server version. Apstra versions are not semver: {@code 4.2.1.1} exists and some carry
 * pre-release labels; each dot-separated part is compared numerically by its leading digits.
 *
 * @param text the version as Apstra reported it
 * @param parts the numeric parts
 */
public record ApstraVersion(String text, List<Integer> parts) implements Comparable<ApstraVersion> {
    /** Copies the parts. */
    public ApstraVersion {
        Objects.requireNonNull(text, "text");
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("ApstraVersion has no numeric part: " + text);
        }
    }

    /**
     * Parses {@code 4.2.1.1}, {@code 5.1.0}, {@code 6.0.0-123} and the like.
     *
     * @throws IllegalArgumentException if the text starts with no number
     */
    public static ApstraVersion parse(String text) {
        Objects.requireNonNull(text, "text");
        List<Integer> parts = new ArrayList<>();
        for (String part : text.trim().split("\\.", -1)) {
            int end = 0;
            while (end < part.length() && end < 9 && Character.isDigit(part.charAt(end))) {
                end++;
            }
            if (end == 0) {
                break;
            }
            parts.add(Integer.parseInt(part.substring(0, end)));
            if (end < part.length()) {
                break; // a label such as "-730" or "rc1" ends the numeric part
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("not an Apstra version: '" + text + "'");
        }
        return new ApstraVersion(text.trim(), parts);
    }

    /** The major version. */
    public int major() {
        return parts.get(0);
    }

    /** The minor version, 0 when absent. */
    public int minor() {
        return parts.size() > 1 ? parts.get(1) : 0;
    }

    /** Whether this version is at least {@code other}, e.g. {@code atLeast("6.2")}. */
    public boolean atLeast(String other) {
        return compareTo(parse(other)) >= 0;
    }

    /** Whether this client supports the version: 4.2 up to and including every 6.x. */
    public boolean isSupported() {
        return atLeast("4.2") && major() <= 6;
    }

    @Override
    public int compareTo(ApstraVersion o) {
        int n = Math.max(parts.size(), o.parts.size());
        for (int i = 0; i < n; i++) {
            int a = i < parts.size() ? parts.get(i) : 0;
            int b = i < o.parts.size() ? o.parts.get(i) : 0;
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return text;
    }
}
