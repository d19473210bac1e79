package io.fabricbinder.examples.metrics;

import io.fabricbinder.cni.agent.IpamAgent;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node agent's CNI request metrics, fed by {@link IpamAgent}'s {@link
 * IpamAgent.RequestListener} and served as Prometheus text on the node agent's {@code
 * --metrics-bind-address}:
 *
 * <ul>
 *   <li>{@code fabricbinder_cni_requests_total{command,code}}: requests answered, by {@code
 *       CNI_COMMAND} and the answer's code ({@code 0} success, else the CNI error code: {@code 11}
 *       try again later, {@code 102} pool exhausted, ...);
 *   <li>{@code fabricbinder_cni_request_duration_seconds{command}}: histogram of the agent's time
 *       per request, from reading the request to writing the answer (the plugin's own JVM start-up
 *       is not in it).
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class CniMetrics implements IpamAgent.RequestListener {
    /** Buckets in seconds: 1 ms to the plugin's 4.5 s deadline and beyond. */
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 4.5, 10};

    private static final Set<String> COMMANDS = Set.of("ADD", "DEL", "CHECK", "STATUS", "GC", "VERSION");

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> durations = new ConcurrentHashMap<>();

    /** One command's latency histogram. */
    private static final class Histogram {
        final long[] counts = new long[BUCKETS.length];
        long count;
        double sum;

        synchronized void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i]++;
                    break;
                }
            }
            count++;
            sum += seconds;
        }

        synchronized void write(StringBuilder b, String name, String labels) {
            PrometheusText.histogram(b, name, labels, BUCKETS, counts, count, sum);
        }
    }

    @Override
    public void answered(String command, int code, long nanos) {
        // The socket is root-only, but a label never takes arbitrary client text.
        String c = COMMANDS.contains(command) ? command : "other";
        requests.computeIfAbsent(c + "\u0000" + code, k -> new LongAdder()).increment();
        durations.computeIfAbsent(c, k -> new Histogram()).observe(nanos / 1e9);
    }

    /** The scrape, in the Prometheus text format 0.0.4. */
    public String scrape() {
        StringBuilder b = new StringBuilder(2048);
        PrometheusText.help(
                b,
                "fabricbinder_cni_requests_total",
                "counter",
                "CNI requests the node agent answered, by command and code (0 success, else the CNI error code)");
        PrometheusText.labelled(b, "fabricbinder_cni_requests_total", requests, "command", "code");
        PrometheusText.help(
                b,
                "fabricbinder_cni_request_duration_seconds",
                "histogram",
                "Time the node agent took per CNI request, by command");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(durations).entrySet()) {
            e.getValue()
                    .write(
                            b,
                            "fabricbinder_cni_request_duration_seconds",
                            "command=\"" + PrometheusText.escape(e.getKey()) + "\"");
        }
        return b.toString();
    }
}
