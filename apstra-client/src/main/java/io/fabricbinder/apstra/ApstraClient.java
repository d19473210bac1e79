package io.fabricbinder.apstra;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * A client for one Apstra server.
 *
 * <p>Create one per server and share it: it holds a connection pool and a session token and is
 * safe for concurrent use by many threads. Every method makes blocking remote calls. The client
 * logs in lazily on first use, detects the Apstra version, logs in again once when a call gets 401
 * (only one login even when many threads see the 401 at once), and logs out on {@link #close()}.
 *
 * <pre>{@code
 * try (ApstraClient apstra = ApstraClient.builder()
 *         .baseUrl(URI.create("https://apstra.example.net"))
 *         .credentials(new Credentials("admin", password))
 *         .build()) {
 *     BlueprintClient dc1 = apstra.blueprint("a1b2c3");
 *     Map<String, VirtualNetwork> vns = dc1.virtualNetworks().list();
 * }
 * }</pre>
 */
public interface ApstraClient extends AutoCloseable {

    /** Returns a new builder. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The server's version from {@code GET /api/versions/api} (falling back to {@code GET
     * /api/version}), detected once per client.
     */
    ApstraVersion version();

    /** The Apstra user id this client is logged in as ({@code id} of the login response). */
    String userId();

    /** All blueprints with their status: {@code GET /api/blueprints}. */
    List<BlueprintSummary> blueprints();

    /** Operations on one blueprint. Makes no remote call by itself. */
    BlueprintClient blueprint(String blueprintId);

    /** Global resource pools (read-only). */
    ResourcePools resourcePools();

    /**
     * Logs out ({@code POST /api/aaa/logout}, or {@code /api/user/logout} when that login path was
     * used) and releases what this client created. Never closes a caller-supplied OkHttpClient.
     * Idempotent.
     */
    @Override
    void close();

    /** Configures an {@link ApstraClient}. Not thread-safe; use once. */
    final class Builder {
        private @Nullable URI baseUrl;
        private @Nullable Credentials credentials;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration tlsHandshakeTimeout = Duration.ofSeconds(10);
        private Duration callTimeout = Duration.ofSeconds(60);
        private Duration taskTimeout = Duration.ofMinutes(2);
        private @Nullable OkHttpClient httpClient;
        private String userAgent = "fabricbinder-apstra-client";
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private InstantSource clock = InstantSource.system();
        private Sleeper sleeper = Sleeper.system();
        private boolean allowUnsupportedVersion;
        private Tls tls = Tls.verifying();

        private Builder() {}

        /** Required, for example {@code https://apstra.example.net}. */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Required. Used to log in, and to log in again when the session expires. */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** TCP connect timeout of one attempt. Defaults to 10 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Longest silence while reading one response. Defaults to 30 seconds. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = positive(readTimeout, "readTimeout");
            return this;
        }

        /**
         * Longest wait for the TLS handshake of one connection. Defaults to 10 seconds. An {@code
         * https://} URL that points at a plain-HTTP port gets no TLS answer; this bounds how long
         * that takes to show (as {@link ApstraTlsException}), instead of the whole call timeout.
         */
        public Builder tlsHandshakeTimeout(Duration tlsHandshakeTimeout) {
            this.tlsHandshakeTimeout = positive(tlsHandshakeTimeout, "tlsHandshakeTimeout");
            return this;
        }

        /**
         * Upper bound on one logical call including retries, backoff and a re-login. Defaults to 60
         * seconds; lower it if a slow Apstra must not stall the reconcile loop.
         */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = positive(callTimeout, "callTimeout");
            return this;
        }

        /** How long to wait for an async task ({@code ?async=full}) to finish. Defaults to 120 s. */
        public Builder taskTimeout(Duration taskTimeout) {
            this.taskTimeout = positive(taskTimeout, "taskTimeout");
            return this;
        }

        /**
         * Shares the connection pool and dispatcher of {@code httpClient}. It is derived from with
         * {@link OkHttpClient#newBuilder()}; it is never modified and never closed by us.
         */
        public Builder httpClient(OkHttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** The User-Agent header, so Apstra's logs show who called. */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent");
            if (userAgent.isBlank()) {
                throw new IllegalArgumentException("userAgent is blank");
            }
            this.userAgent = userAgent;
            return this;
        }

        /** How idempotent calls are retried. Defaults to {@link RetryPolicy#defaults()}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The time source for deadlines and poll timeouts; for tests. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How the client waits between retries and polls; for tests. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Talk to Apstra versions outside 4.2 to 6.x instead of failing with {@link ApstraVersionException}. */
        public Builder allowUnsupportedVersion(boolean allowUnsupportedVersion) {
            this.allowUnsupportedVersion = allowUnsupportedVersion;
            return this;
        }

        /**
         * TLS settings. Defaults to {@link Tls#verifying()}. Ignored when {@link #httpClient} is set
         * and the caller configured TLS there (a non-default {@link Tls} is applied on top).
         */
        public Builder tls(Tls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * Builds the client. Makes no remote call.
         *
         * @throws IllegalStateException if baseUrl or credentials are missing
         */
        public ApstraClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("ApstraClient.Builder: baseUrl is required");
            }
            if (credentials == null) {
                throw new IllegalStateException("ApstraClient.Builder: credentials are required");
            }
            HttpUrl url = HttpUrl.parse(baseUrl.toString());
            if (url == null) {
                throw new IllegalStateException("ApstraClient.Builder: baseUrl is not an http(s) URL: " + baseUrl);
            }
            OkHttpClient given = httpClient;
            boolean owns = given == null;
            OkHttpClient.Builder b = given == null ? new OkHttpClient.Builder() : given.newBuilder();
            // Our RetryPolicy decides what is repeated; OkHttp must not silently resend POSTs.
            b.retryOnConnectionFailure(false)
                    .connectTimeout(connectTimeout)
                    .readTimeout(readTimeout)
                    .writeTimeout(readTimeout)
                    .followRedirects(false);
            tls.apply(b, tlsHandshakeTimeout, given != null);
            Transport transport = new Transport(
                    url,
                    credentials,
                    b.build(),
                    owns,
                    callTimeout,
                    retryPolicy,
                    clock,
                    sleeper,
                    userAgent,
                    allowUnsupportedVersion);
            return new RealApstraClient(transport, taskTimeout);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
