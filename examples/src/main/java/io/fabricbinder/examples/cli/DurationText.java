package io.fabricbinder.examples.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the command line and in the {@code --config} file: ISO-8601 ({@code PT10M}, what
 * {@link Duration#parse} reads) or the unit-suffixed form Kubernetes users type ({@code 10m},
 * {@code 90s}, {@code 1h30m}, {@code 500ms}), so {@code --ipam-reclaim-grace 10m} means ten minutes
 * instead of failing with a parser's message.
 */
final class DurationText implements ITypeConverter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String v = value.strip();
        String upper = v.toUpperCase(Locale.ROOT);
        if (upper.startsWith("P") || upper.startsWith("-P")) {
            try {
                return Duration.parse(upper);
            } catch (DateTimeParseException e) {
                throw invalid(value);
            }
        }
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = v.startsWith("-");
        String rest = negative ? v.substring(1) : v;
        Matcher m = PART.matcher(rest);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < rest.length()) {
            if (!m.find(at) || m.start() != at) {
                throw invalid(value);
            }
            total = total.plus(part(m.group(1), m.group(2)));
            at = m.end();
        }
        if (at == 0) {
            throw invalid(value);
        }
        return negative ? total.negated() : total;
    }

    private static Duration part(String number, String unit) {
        double n = Double.parseDouble(number);
        long nanosPerUnit = switch (unit) {
            case "h" -> 3_600_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "s" -> 1_000_000_000L;
            default -> 1_000_000L; // ms
        };
        return Duration.ofNanos(Math.round(n * nanosPerUnit));
    }

    private static TypeConversionException invalid(String value) {
        return new TypeConversionException(
                "'" + value + "' is not a duration: write it as 10m, 90s, 1h30m, 500ms, or in ISO-8601 as PT10M");
    }
}
