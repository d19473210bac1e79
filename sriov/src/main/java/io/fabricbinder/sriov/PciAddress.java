package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI function address in the sysfs form {@code dddd:bb:dd.f}, for example {@code 0000:3b:02.0}.
 *
 * <p>Parsing accepts upper- or lower-case hex and the short form without a domain ({@code 3b:02.0},
 * domain 0); {@link #toString()} always prints the canonical lower-case long form that sysfs, the
 * device plugin and the network-status annotation use.
 *
 * <pre>{@code
 * PciAddress vf = PciAddress.parse("0000:3B:02.1");
 * vf.toString(); // "0000:3b:02.1"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param domain PCI domain (segment), 0..0xffff
 * @param bus bus number, 0..0xff
 * @param device device number, 0..0x1f
 * @param function function number, 0..7
 */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

    private static final Pattern FORM =
            Pattern.compile("(?:([0-9a-fA-F]{4,8}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

    /** Validates the ranges of each part. */
    public PciAddress {
        if (domain < 0 || domain > 0xffff) {
            throw new IllegalArgumentException("PCI domain out of range: " + domain);
        }
        if (bus < 0 || bus > 0xff) {
            throw new IllegalArgumentException("PCI bus out of range: " + bus);
        }
        if (device < 0 || device > 0x1f) {
            throw new IllegalArgumentException("PCI device out of range: " + device);
        }
        if (function < 0 || function > 7) {
            throw new IllegalArgumentException("PCI function out of range: " + function);
        }
    }

    /**
     * Parses {@code dddd:bb:dd.f} or {@code bb:dd.f}.
     *
     * @throws IllegalArgumentException if {@code text} is not a PCI address
     */
    @JsonCreator
    public static PciAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        if (isCanonical(text)) { // the form sysfs uses; no regex for the thousands of sysfs entries
            return new PciAddress(
                    Integer.parseInt(text, 0, 4, 16),
                    Integer.parseInt(text, 5, 7, 16),
                    Integer.parseInt(text, 8, 10, 16),
                    text.charAt(11) - '0');
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a PCI address (want dddd:bb:dd.f): '" + text + "'");
        }
        int domain = m.group(1) == null ? 0 : Integer.parseInt(m.group(1), 16);
        return new PciAddress(
                domain,
                Integer.parseInt(m.group(2), 16),
                Integer.parseInt(m.group(3), 16),
                Integer.parseInt(m.group(4)));
    }

    /** Whether {@code text} parses as a PCI address. */
    public static boolean isValid(String text) {
        return isCanonical(text) || FORM.matcher(text.trim()).matches();
    }

    /** {@code hhhh:hh:hh.f} exactly (hex digits of either case, function 0-7). */
    private static boolean isCanonical(String t) {
        if (t.length() != 12 || t.charAt(4) != ':' || t.charAt(7) != ':' || t.charAt(10) != '.') {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (i != 4 && i != 7 && !isAsciiHex(t.charAt(i))) {
                return false;
            }
        }
        char f = t.charAt(11);
        return f >= '0' && f <= '7';
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    @Override
    public int compareTo(PciAddress o) {
        int c = Integer.compare(domain, o.domain);
        if (c == 0) {
            c = Integer.compare(bus, o.bus);
        }
        if (c == 0) {
            c = Integer.compare(device, o.device);
        }
        return c != 0 ? c : Integer.compare(function, o.function);
    }

    @JsonValue
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, device, function);
    }
}
