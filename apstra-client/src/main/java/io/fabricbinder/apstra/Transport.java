package io.fabricbinder.apstra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP plumbing: session (login, single-flight re-login on 401, logout), retries with backoff, the
 * call deadline and error mapping. Thread-safe.
 */
final class Transport {
    private static final Logger log = LoggerFactory.getLogger(ApstraClient.class);
    private static final MediaType JSON = MediaType.get("application/json");
    static final String AAA_LOGIN = "api/aaa/login";
    static final String USER_LOGIN = "api/user/login";

    /** One HTTP request as the rest of the client describes it. */
    record Req(
            String method,
            List<String> segments,
            Map<String, String> query,
            @Nullable JsonNode body,
            boolean idempotent,
            boolean authenticated) {
        Req {
            segments = List.copyOf(segments);
            query = Map.copyOf(new LinkedHashMap<>(query));
        }

        String path() {
            return "/" + String.join("/", segments);
        }
    }

    private record Session(String token, String userId, String loginPath) {
        @Override
        public String toString() {
            return "Session[userId=" + userId + "]";
        }
    }

    private final HttpUrl base;
    private final Credentials credentials;
    private final OkHttpClient http;
    private final boolean ownsHttp;
    private final Duration callTimeout;
    private final RetryPolicy retry;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final String userAgent;
    private final boolean allowUnsupportedVersion;
    private final Object loginLock = new Object();
    private volatile @Nullable Session session;
    private volatile @Nullable ApstraVersion version;
    private volatile boolean closed;

    Transport(
            HttpUrl base,
            Credentials credentials,
            OkHttpClient http,
            boolean ownsHttp,
            Duration callTimeout,
            RetryPolicy retry,
            InstantSource clock,
            Sleeper sleeper,
            String userAgent,
            boolean allowUnsupportedVersion) {
        this.base = base;
        this.credentials = credentials;
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.callTimeout = callTimeout;
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
        this.userAgent = userAgent;
        this.allowUnsupportedVersion = allowUnsupportedVersion;
    }

    InstantSource clock() {
        return clock;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    /** The user id Apstra returned at login; logs in if needed. */
    String userId() {
        return ensureSession(clock.instant().plus(callTimeout)).userId();
    }

    ApstraVersion version() {
        ensureSession(clock.instant().plus(callTimeout));
        return Objects.requireNonNull(version, "version");
    }

    JsonNode get(List<String> segments) {
        return get(segments, Map.of());
    }

    JsonNode get(List<String> segments, Map<String, String> query) {
        return call(new Req("GET", segments, query, null, true, true));
    }

    JsonNode call(Req req) {
        return call(req, clock.instant().plus(callTimeout));
    }

    /** Runs {@code req} with retries and at most one re-login, all before {@code deadline}. */
    private JsonNode call(Req req, Instant deadline) {
        if (closed) {
            throw new IllegalStateException("ApstraClient is closed");
        }
        boolean reloggedIn = false;
        int attempt = 0;
        while (true) {
            attempt++;
            Session s = req.authenticated() ? ensureSession(deadline) : null;
            int code;
            String body;
            @Nullable String retryAfter;
            try {
                try (Response response = execute(req, s, deadline)) {
                    code = response.code();
                    ResponseBody rb = response.body();
                    body = rb.string();
                    retryAfter = response.header("Retry-After");
                }
            } catch (IOException e) {
                if (base.isHttps() && isTlsFailure(e)) {
                    throw tlsError(req, e);
                }
                ApstraTransportException ex = transportError(req, e, deadline);
                boolean retryable = req.idempotent() || e instanceof ConnectException;
                if (retryable && attempt < retry.maxAttempts()) {
                    log.debug("{} {} failed ({}), retrying", req.method(), req.path(), e.toString());
                    pause(req, attempt, null, deadline, ex);
                    continue;
                }
                throw ex;
            }
            if (code == 401 && s != null && !reloggedIn) {
                log.debug("{} {} returned 401, logging in again", req.method(), req.path());
                relogin(s, deadline);
                reloggedIn = true;
                attempt--;
                continue;
            }
            if (code >= 200 && code < 300) {
                log.debug("{} {} -> {}", req.method(), req.path(), code);
                return Json.parse(body);
            }
            ApstraHttpException ex = Errors.from(req.method(), req.path(), code, body);
            if (req.idempotent() && isRetryableStatus(code) && attempt < retry.maxAttempts()) {
                log.debug("{} {} returned {}, retrying", req.method(), req.path(), code);
                pause(req, attempt, retryAfter, deadline, ex);
                continue;
            }
            log.debug("{} {} -> {}", req.method(), req.path(), code);
            throw ex;
        }
    }

    private static boolean isRetryableStatus(int code) {
        return code == 429 || code == 502 || code == 503 || code == 504;
    }

    private void pause(Req req, int attempt, @Nullable String retryAfter, Instant deadline, ApstraException last) {
        Duration delay = null;
        if (retryAfter != null) {
            delay = parseRetryAfter(retryAfter);
        }
        if (delay == null) {
            Duration max = retry.backoff(attempt);
            long ms = max.toMillis();
            delay = Duration.ofMillis(
                    ms / 2 + (ms <= 1 ? 0 : ThreadLocalRandom.current().nextLong(ms - ms / 2 + 1)));
        }
        if (clock.instant().plus(delay).isAfter(deadline)) {
            throw last;
        }
        sleep(req, delay);
    }

    private @Nullable Duration parseRetryAfter(String value) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return Duration.ofSeconds(Math.max(0, seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException bad) {
                return null;
            }
        }
    }

    private void sleep(Req req, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApstraTransportException(req.method(), req.path(), "interrupted", e);
        }
    }

    /** Sleeps on behalf of a poll loop, converting interruption. */
    void pollPause(String what, Duration delay) {
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApstraTransportException("GET", what, "interrupted while polling", e);
        }
    }

    /**
     * Whether an I/O error happened in the TLS handshake: a TLS protocol error, or a timeout while
     * waiting for the server's handshake answer (a plain-HTTP server never sends one).
     */
    private static boolean isTlsFailure(IOException e) {
        if (e instanceof javax.net.ssl.SSLException) {
            return true;
        }
        if (e instanceof java.net.SocketTimeoutException) {
            for (StackTraceElement frame : e.getStackTrace()) {
                if (frame.getMethodName().equals("startHandshake")) {
                    return true;
                }
            }
        }
        return false;
    }

    private ApstraTlsException tlsError(Req req, IOException e) {
        String where = base.host() + ":" + base.port();
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = detail.toLowerCase(java.util.Locale.ROOT);
        String hint;
        if (e instanceof java.net.SocketTimeoutException
                || lower.contains("unrecognized ssl message")
                || lower.contains("plaintext")) {
            hint = "no TLS answer from " + where + " (" + detail + "); is this a plain-HTTP port? Then use http://"
                    + where;
        } else if (lower.contains("pkix") || lower.contains("certificate") || lower.contains("unable to find valid")) {
            hint = "the certificate of " + where + " is not trusted (" + detail
                    + "); trust Apstra's CA certificate, or turn verification off in a lab only";
        } else {
            hint = detail + " (" + where + ")";
        }
        return new ApstraTlsException(req.method(), req.path(), hint, e);
    }

    private ApstraTransportException transportError(Req req, IOException e, Instant deadline) {
        String reason;
        if (!clock.instant().isBefore(deadline)) {
            reason = "call deadline of " + callTimeout + " exceeded";
        } else if (e instanceof InterruptedIOException) {
            reason = "timed out";
        } else if (e instanceof ConnectException || e instanceof UnknownHostException) {
            reason = "cannot connect to " + base.host() + ":" + base.port();
        } else {
            reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        }
        return new ApstraTransportException(req.method(), req.path(), reason, e);
    }

    private Response execute(Req req, @Nullable Session s, Instant deadline) throws IOException {
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        if (remaining <= 0) {
            throw new InterruptedIOException("deadline exceeded");
        }
        HttpUrl.Builder url = base.newBuilder();
        for (String segment : req.segments()) {
            url.addPathSegment(segment);
        }
        req.query().forEach(url::addQueryParameter);
        Request.Builder rb = new Request.Builder()
                .url(url.build())
                .header("Accept", "application/json")
                .header("User-Agent", userAgent);
        if (s != null) {
            rb.header("AuthToken", s.token());
        }
        RequestBody body = null;
        if (req.body() != null) {
            body = RequestBody.create(write(req.body()), JSON);
        } else if (!req.method().equals("GET") && !req.method().equals("DELETE")) {
            body = RequestBody.create(new byte[0], JSON);
        }
        rb.method(req.method(), body);
        okhttp3.Call call = http.newCall(rb.build());
        call.timeout().timeout(remaining, TimeUnit.MILLISECONDS);
        return call.execute();
    }

    private static byte[] write(JsonNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize request", e);
        }
    }

    private Session ensureSession(Instant deadline) {
        Session s = session;
        // While this thread detects the version under loginLock, its own calls use the new session.
        if (s != null && (version != null || Thread.holdsLock(loginLock))) {
            return s;
        }
        synchronized (loginLock) {
            s = session;
            if (s == null) {
                s = login(deadline);
                session = s;
            }
            if (version == null) {
                version = detectVersion();
            }
            return s;
        }
    }

    @SuppressWarnings("ReferenceEquality") // the very session that failed, not an equal one
    private void relogin(Session stale, Instant deadline) {
        synchronized (loginLock) {
            // Single flight: only the first thread that saw the stale token logs in again.
            if (session == stale) {
                session = login(deadline);
            }
        }
    }

    private Session login(Instant deadline) {
        Session previous = session;
        String first = previous != null ? previous.loginPath() : AAA_LOGIN;
        ObjectNode body = Json.object().put("username", credentials.username()).put("password", credentials.password());
        try {
            return loginAt(first, body, deadline);
        } catch (ApstraNotFoundException e) {
            if (!first.equals(AAA_LOGIN)) {
                throw e;
            }
            log.debug("{} not found, falling back to /{}", "/" + AAA_LOGIN, USER_LOGIN);
            return loginAt(USER_LOGIN, body, deadline);
        }
    }

    private Session loginAt(String path, ObjectNode body, Instant deadline) {
        // A login only creates a session, so repeating it on a dropped connection is harmless.
        JsonNode resp = call(new Req("POST", List.of(path.split("/")), Map.of(), body, true, false), deadline);
        String token = resp.path("token").asText("");
        if (token.isEmpty()) {
            throw new ApstraHttpException(200, "POST", "/" + path, "login response carries no token", Map.of());
        }
        log.debug("logged in to {} as {}", base.host(), credentials.username());
        return new Session(token, resp.path("id").asText(""), path);
    }

    private ApstraVersion detectVersion() {
        JsonNode v;
        try {
            v = get(List.of("api", "versions", "api"));
        } catch (ApstraNotFoundException e) {
            v = get(List.of("api", "version"));
        }
        String text = v.path("version").asText("");
        if (text.isEmpty()) {
            text = v.path("major").asText("0") + "." + v.path("minor").asText("0");
        }
        ApstraVersion parsed = ApstraVersion.parse(text);
        if (!parsed.isSupported()) {
            if (!allowUnsupportedVersion) {
                throw new ApstraVersionException("Apstra at " + base.host() + " runs version " + parsed
                        + "; this client supports 4.2 to 6.x (set allowUnsupportedVersion(true) to try anyway)");
            }
            log.warn("Apstra version {} is outside the supported range 4.2 to 6.x; continuing as configured", parsed);
        }
        return parsed;
    }

    void close() {
        if (closed) {
            return;
        }
        Session s;
        synchronized (loginLock) {
            s = session;
            session = null;
        }
        try {
            if (s != null) {
                String logout = s.loginPath().equals(USER_LOGIN) ? "api/user/logout" : "api/aaa/logout";
                try {
                    Instant deadline = clock.instant().plus(callTimeout);
                    try (Response r = execute(
                            new Req("POST", List.of(logout.split("/")), Map.of(), null, false, true), s, deadline)) {
                        log.debug("logout -> {}", r.code());
                    }
                } catch (IOException | RuntimeException e) {
                    log.debug("logout failed: {}", e.toString());
                }
            }
        } finally {
            closed = true;
            if (ownsHttp) {
                http.dispatcher().executorService().shutdown();
                http.connectionPool().evictAll();
            }
        }
    }
}
