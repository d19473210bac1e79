package io.fabricbinder.examples.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/** Writing Prometheus' text exposition format 0.0.4: the few pieces the metrics classes share. */
final class PrometheusText {
    private PrometheusText() {}

    /** The {@code # HELP} and {@code # TYPE} lines of a metric. */
    static void help(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample line. */
    static void line(StringBuilder b, String series, long value) {
        b.append(series).append(' ').append(value).append('\n');
    }

    /** One sample per map entry; the key holds the label values separated by NUL, in label order. */
    static void labelled(StringBuilder b, String name, Map<String, LongAdder> m, String... labels) {
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(m).entrySet()) {
            String[] values = e.getKey().split("\u0000", -1);
            StringBuilder l = new StringBuilder(name).append('{');
            for (int i = 0; i < labels.length; i++) {
                l.append(i == 0 ? "" : ",")
                        .append(labels[i])
                        .append("=\"")
                        .append(escape(values[i]))
                        .append('"');
            }
            line(b, l.append('}').toString(), e.getValue().sum());
        }
    }

    /** A number as Prometheus reads it: integers without a fraction. */
    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** A label value, escaped. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /**
     * A cumulative histogram's samples: {@code counts[i]} observations fell at or below {@code
     * buckets[i]} (not yet cumulated), {@code count} in all, summing to {@code sum}.
     */
    static void histogram(
            StringBuilder b, String name, String labels, double[] buckets, long[] counts, long count, double sum) {
        String prefix = labels.isEmpty() ? "" : labels + ",";
        long cumulative = 0;
        for (int i = 0; i < buckets.length; i++) {
            cumulative += counts[i];
            line(b, name + "_bucket{" + prefix + "le=\"" + number(buckets[i]) + "\"}", cumulative);
        }
        line(b, name + "_bucket{" + prefix + "le=\"+Inf\"}", count);
        String braces = labels.isEmpty() ? "" : "{" + labels + "}";
        b.append(name)
                .append("_sum")
                .append(braces)
                .append(' ')
                .append(number(sum))
                .append('\n');
        line(b, name + "_count" + braces, count);
    }
}
