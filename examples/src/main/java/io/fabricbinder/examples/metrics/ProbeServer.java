package io.fabricbinder.examples.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The controller's two small HTTP servers, as controller-runtime lays them out: Prometheus {@code
 * /metrics} on the metrics address, {@code /healthz} (liveness) and {@code /readyz} (readiness) on
 * the health-probe address. Both may be the same address. Plain HTTP, on the JDK's built-in server:
 * no dependency.
 *
 * <pre>{@code
 * try (ProbeServer s = ProbeServer.start(
 *         ProbeServer.address(":8080"), ProbeServer.address(":8081"),
 *         metrics::scrape, controller::isSynced, controller::electionRunning)) { ... }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} stops both servers.
 */
public final class ProbeServer implements AutoCloseable {
    /** Prometheus' text exposition format. */
    static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<HttpServer> servers;
    private final ExecutorService executor;

    private ProbeServer(List<HttpServer> servers, ExecutorService executor) {
        this.servers = List.copyOf(servers);
        this.executor = executor;
    }

    /**
     * Parses controller-runtime's bind-address spelling: {@code :8080} (every interface), {@code
     * host:port}, or {@code 0} (off).
     *
     * @return the address, or null for off
     * @throws IllegalArgumentException for anything else
     */
    public static @Nullable InetSocketAddress address(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.equals("0") || spec.isEmpty()) {
            return null;
        }
        int colon = spec.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected [host]:port or 0, got '" + spec + "'");
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected [host]:port or 0, got '" + spec + "'", e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
        }
        String host = spec.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /**
     * Starts serving.
     *
     * @param metricsAddress where {@code /metrics} is served, or null for nowhere
     * @param healthAddress where {@code /healthz} and {@code /readyz} are served, or null for nowhere
     * @param scrape the metrics text
     * @param ready whether the process is ready (every informer synced; leader or not)
     * @param alive whether the process is alive (its leader-election loop still runs)
     * @return the running servers
     * @throws IOException when an address cannot be bound
     */
    public static ProbeServer start(
            @Nullable InetSocketAddress metricsAddress,
            @Nullable InetSocketAddress healthAddress,
            Supplier<String> scrape,
            BooleanSupplier ready,
            BooleanSupplier alive)
            throws IOException {
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fabricbinder-probes");
            t.setDaemon(true);
            return t;
        });
        List<HttpServer> servers = new ArrayList<>();
        try {
            HttpServer metrics = null;
            if (metricsAddress != null) {
                metrics = HttpServer.create(metricsAddress, 16);
                metrics.createContext("/metrics", ex -> reply(ex, 200, METRICS_TYPE, scrape.get()));
                servers.add(metrics);
            }
            if (healthAddress != null) {
                // One server when both name the same port (port 0 asks for a fresh one each time).
                boolean samePort = metrics != null
                        && healthAddress.getPort() != 0
                        && healthAddress.getPort() == metrics.getAddress().getPort();
                HttpServer health = metrics != null && samePort ? metrics : HttpServer.create(healthAddress, 16);
                health.createContext("/healthz", ex -> check(ex, alive, "the leader-election loop has stopped"));
                health.createContext("/readyz", ex -> check(ex, ready, "informers have not synced"));
                if (health != metrics) {
                    servers.add(health);
                }
            }
        } catch (IOException | RuntimeException e) {
            servers.forEach(s -> s.stop(0));
            executor.shutdownNow();
            throw e;
        }
        for (HttpServer s : servers) {
            s.setExecutor(executor);
            s.start();
        }
        return new ProbeServer(servers, executor);
    }

    /** The bound addresses, metrics server first (a port asked as 0 shows the one picked). */
    public List<InetSocketAddress> addresses() {
        return servers.stream().map(HttpServer::getAddress).toList();
    }

    private static void check(HttpExchange ex, BooleanSupplier check, String why) throws IOException {
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
        }
        reply(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : why + "\n");
    }

    private static void reply(HttpExchange ex, int code, String type, String body) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(code, -1);
                return;
            }
            ex.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        servers.forEach(s -> s.stop(0));
        executor.shutdownNow();
    }
}
