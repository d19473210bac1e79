package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side: reads the request, applies injected faults, checks the {@code AuthToken},
 * dispatches to {@link EmulatedApstra}, records the request and writes Apstra's JSON answer.
 */
final class HttpFront implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);

    private final EmulatedApstra apstra;
    private final Faults faults;

    HttpFront(EmulatedApstra apstra, Faults faults) {
        this.apstra = apstra;
        this.faults = faults;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            serve(ex);
        } catch (IOException | RuntimeException e) {
            LOG.debug("emulator request failed: {}", e.toString());
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        Req req = new Req(method, path, ex.getRequestURI().getRawQuery(), body);
        req.clientIp = ex.getRemoteAddress().getAddress().getHostAddress();
        EmulatedApstra.Route route = apstra.route(req);
        String endpoint = route == null ? method + " " + path : route.template();
        Instant at = apstra.now();
        Faults.Decision d = faults.decide(method + " " + path);
        if (!d.delay().isZero()) {
            try {
                Thread.sleep(d.delay().toMillis(), (int) (d.delay().toNanos() % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        String rawQuery = ex.getRequestURI().getRawQuery() == null
                ? ""
                : ex.getRequestURI().getRawQuery();
        String recordedBody = redact(endpoint, body);
        if (d.drop()) {
            apstra.record(new RecordedRequest(at, method, path, rawQuery, endpoint, recordedBody, -1));
            // Closing before any response header makes the JDK server close the connection.
            return;
        }
        EmulatedApstra.Response resp;
        if (d.status() != 0) {
            resp = injected(d.status(), d.retryAfter());
        } else {
            if (d.foreignChange()) {
                apstra.foreignChange();
            }
            resp = dispatch(route, req, ex.getRequestHeaders().getFirst("AuthToken"));
        }
        apstra.record(new RecordedRequest(at, method, path, rawQuery, endpoint, recordedBody, resp.status()));
        send(ex, resp);
    }

    private EmulatedApstra.Response dispatch(EmulatedApstra.@Nullable Route route, Req req, @Nullable String token) {
        try {
            if (route == null) {
                return EmulatedApstra.Response.json(
                        404, Json.errors("Resource not found: " + req.method + " " + req.path));
            }
            if (route.authenticated()) {
                apstra.authenticate(req, token);
            }
            return apstra.invoke(route, req);
        } catch (ApiException e) {
            return EmulatedApstra.Response.json(e.status(), e.body());
        } catch (RuntimeException e) {
            LOG.warn("emulator handler failed for {} {}", req.method, req.path, e);
            return EmulatedApstra.Response.json(500, Json.errors("Internal error: " + e));
        }
    }

    private static EmulatedApstra.Response injected(int status, @Nullable Duration retryAfter) {
        String message = switch (status) {
            case 429 -> "Too many requests";
            case 500 -> "Internal server error";
            case 502 -> "Bad gateway";
            case 503 -> "Service unavailable";
            case 504 -> "Gateway timeout";
            default -> "Injected failure";
        };
        Map<String, String> headers = retryAfter == null
                ? Map.of()
                : Map.of("Retry-After", String.valueOf((retryAfter.toMillis() + 999) / 1000));
        return new EmulatedApstra.Response(status, Json.errors(message), headers);
    }

    private static @Nullable String redact(String endpoint, String body) {
        if (body.isEmpty()) {
            return null;
        }
        if (endpoint.endsWith("/login")) {
            try {
                JsonNode n = Json.mapper().readTree(body);
                if (n instanceof ObjectNode o && o.has("password")) {
                    o.put("password", "<redacted>");
                    return o.toString();
                }
            } catch (IOException e) {
                return "<unparseable login body>";
            }
        }
        return body;
    }

    private static void send(HttpExchange ex, EmulatedApstra.Response resp) throws IOException {
        resp.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (resp.body() == null) {
            ex.sendResponseHeaders(resp.status(), -1);
            return;
        }
        byte[] bytes = Json.bytes(resp.body());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(resp.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
