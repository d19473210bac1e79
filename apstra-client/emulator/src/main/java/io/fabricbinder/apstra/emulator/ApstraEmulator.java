package io.fabricbinder.apstra.emulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful, fault-injecting Juniper Apstra emulator: a real HTTP server on a loopback port that
 * speaks the subset of the Apstra REST API FabricBinder uses, with Apstra's staging/deployed model
 * and validation rules, seeded with one two-stage L3 Clos blueprint built from a {@link Topology}.
 * Think OkHttp's MockWebServer, but stateful.
 *
 * <pre>{@code
 * try (ApstraEmulator apstra = ApstraEmulator.start()) {
 *     // point the client at apstra.baseUrl(), log in with apstra.username()/password(),
 *     // work on blueprint apstra.blueprintId(), then assert:
 *     assertThat(apstra.taggedVlans(Stage.DEPLOYED))
 *         .contains(new PortVlan("leaf1", "xe-0/0/10", 300, vnId, "blue-300", true));
 * }
 * }</pre>
 *
 * <p>Requests are handled on a small pool of the emulator's own daemon threads and applied to the
 * state one at a time. All methods are thread-safe. {@link #close()} stops the server and its
 * threads.
 */
public final class ApstraEmulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApstraEmulator.class);

    static {
        // The JDK server writes headers and body separately; with Nagle on, the body waits for the
        // client's delayed ACK (about 40 ms per call). The switch is read once, when the first JDK
        // HttpServer in the JVM starts, so it is set here unless the user already chose a value.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final EmulatedApstra apstra;
    private final Faults faults;
    private final URI baseUrl;
    private final CountDownLatch closed = new CountDownLatch(1);

    private ApstraEmulator(Builder b) {
        Topology topology = b.topology != null ? b.topology : Topology.defaultTopology();
        String bpId = b.blueprintId != null
                ? b.blueprintId
                : UUID.nameUUIDFromBytes(("blueprint:" + b.blueprintLabel).getBytes(StandardCharsets.UTF_8))
                        .toString();
        this.apstra = new EmulatedApstra(new EmulatedApstra.Settings(
                b.username, b.password, b.apstraVersion, b.tokenTtl, b.clock, bpId, b.blueprintLabel, topology));
        this.faults = new Faults(apstra);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "apstra-emulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot bind 127.0.0.1:" + b.port, e);
        }
        server.setExecutor(executor);
        server.createContext("/", new HttpFront(apstra, faults));
        server.start();
        this.baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        LOG.info("Apstra emulator {} listening on {} (blueprint {})", b.apstraVersion, baseUrl, bpId);
    }

    /**
     * Starts an emulator with the defaults: a free loopback port, user {@code admin}/{@code
     * admin}, Apstra 4.2.1, 24 h tokens and the bundled {@link Topology#defaultTopology()}.
     *
     * @return the running emulator
     */
    public static ApstraEmulator start() {
        return builder().start();
    }

    /**
     * Starts configuring an emulator.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a standalone emulator, as {@code fabricbinder emulator --port N --topology FILE}
     * does; call {@link #awaitClose()} to block until it is closed.
     *
     * @param port the loopback port, 0 for a free one
     * @param topologyFile a YAML topology, or {@code null} for the bundled default
     * @return the running emulator
     */
    public static ApstraEmulator startStandalone(int port, @Nullable Path topologyFile) {
        Builder b = builder().port(port);
        if (topologyFile != null) {
            b.topology(Topology.fromYaml(topologyFile));
        }
        return b.start();
    }

    /**
     * Runs a standalone emulator until the JVM is stopped. Arguments: {@code [--port N] [--topology
     * FILE] [--apstra-version V]}.
     *
     * @param args command-line arguments
     * @throws InterruptedException when interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        Builder b = builder().port(8443);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a);
            }
            switch (a) {
                case "--port" -> b.port(Integer.parseInt(args[++i]));
                case "--topology" -> b.topology(Topology.fromYaml(Path.of(args[++i])));
                case "--apstra-version" -> b.apstraVersion(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        ApstraEmulator emulator = b.start();
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "apstra-emulator-shutdown"));
        System.out.println("Apstra emulator at " + emulator.baseUrl() + " user " + emulator.username() + "/"
                + emulator.password() + " blueprint " + emulator.blueprintId());
        emulator.awaitClose();
    }

    /**
     * Returns the server's base URL, e.g. {@code http://127.0.0.1:41234}.
     *
     * @return the base URL (plain HTTP on loopback)
     */
    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Returns the bound port.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Returns the login user name.
     *
     * @return the user name
     */
    public String username() {
        return apstra.settings.username();
    }

    /**
     * Returns the login password.
     *
     * @return the password
     */
    public String password() {
        return apstra.settings.password();
    }

    /**
     * Returns the user id that {@code /api/user/login} reports for {@link #username()}.
     *
     * @return the user id
     */
    public String userId() {
        return apstra.adminUserId;
    }

    /**
     * Returns the id of the seeded blueprint.
     *
     * @return the blueprint id
     */
    public String blueprintId() {
        return apstra.blueprintId();
    }

    /**
     * Returns the emulated Apstra version.
     *
     * @return e.g. {@code 4.2.1}
     */
    public String apstraVersion() {
        return apstra.settings.apstraVersion();
    }

    /**
     * Returns the fault injection controls.
     *
     * @return the faults of this emulator
     */
    public Faults faults() {
        return faults;
    }

    /**
     * Returns the virtual networks of one stage.
     *
     * @param stage staging or deployed
     * @return the VNs in creation order
     */
    public List<VirtualNetworkView> virtualNetworks(Stage stage) {
        return apstra.virtualNetworks(Objects.requireNonNull(stage, "stage"));
    }

    /**
     * Returns the security zones of one stage, including the built-in {@code default} zone.
     *
     * @param stage staging or deployed
     * @return the zones in creation order
     */
    public List<SecurityZoneView> securityZones(Stage stage) {
        return apstra.securityZones(Objects.requireNonNull(stage, "stage"));
    }

    /**
     * Returns which VLANs are carried on which physical leaf ports in one stage, through the
     * connectivity templates assigned to the ports (or their LAG / ESI aggregate).
     *
     * @param stage staging or deployed
     * @return one entry per (port, VN)
     */
    public List<PortVlan> taggedVlans(Stage stage) {
        return apstra.taggedVlans(Objects.requireNonNull(stage, "stage"));
    }

    /**
     * Returns the graph node id of a system (leaf, spine, server) or ESI pair, by label.
     *
     * @param label e.g. {@code leaf1} or {@code worker-1}
     * @return the node id
     * @throws IllegalArgumentException when no such system exists
     */
    public String systemId(String label) {
        String id = apstra.systemId(Objects.requireNonNull(label, "label"));
        if (id == null) {
            throw new IllegalArgumentException("no system labelled " + label);
        }
        return id;
    }

    /**
     * Returns every request received since start or the last {@link #reset()}.
     *
     * @return the request log, oldest first
     */
    public List<RecordedRequest> requestLog() {
        return apstra.requestLog();
    }

    /**
     * Returns how often each endpoint was called, keyed by template such as {@code POST
     * /api/blueprints/{bp}/virtual-networks}.
     *
     * @return call counts per endpoint
     */
    public Map<String, Integer> callCounts() {
        return apstra.callCounts();
    }

    /**
     * Returns how often one endpoint was called.
     *
     * @param endpoint the template, e.g. {@code PUT /api/blueprints/{bp}/deploy}
     * @return the count, 0 when never called
     */
    public int callCount(String endpoint) {
        return apstra.callCounts().getOrDefault(endpoint, 0);
    }

    /**
     * Returns the current staging version of the blueprint.
     *
     * @return the staging version
     */
    public int stagingVersion() {
        return apstra.stagingVersion();
    }

    /**
     * Returns the version of the last deploy.
     *
     * @return the deployed version
     */
    public int deployedVersion() {
        return apstra.deployedVersion();
    }

    /**
     * Returns whether staging holds changes not deployed yet.
     *
     * @return {@code true} when there are uncommitted changes
     */
    public boolean hasUncommittedChanges() {
        return apstra.hasUncommittedChanges();
    }

    /**
     * Returns the labels of the global-catalog (design) tags, where the cooperative blueprint lock
     * lives ({@code "blueprint <id> locked"}).
     *
     * @return tag labels
     */
    public List<String> designTagLabels() {
        return apstra.designTagLabels();
    }

    /**
     * Returns the design tags as label to description, in creation order: who holds the cooperative
     * blueprint lock and, for FabricBinder's lock, until when.
     *
     * @return tag label to description
     */
    public Map<String, String> designTags() {
        return apstra.designTagDescriptions();
    }

    /**
     * Restores the seeded blueprint, removes design tags and the foreign lock, clears faults, the
     * request log and call counts. Issued tokens stay valid.
     */
    public void reset() {
        faults.clear();
        apstra.reset();
    }

    /** Blocks until {@link #close()} is called. @throws InterruptedException when interrupted */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops the server and its threads; idempotent. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed.countDown();
    }

    /** Configures an {@link ApstraEmulator}; not thread-safe, use once. */
    public static final class Builder {
        private int port;
        private String username = "admin";
        private String password = "admin";
        private String apstraVersion = "4.2.1";
        private Duration tokenTtl = Duration.ofHours(24);
        private InstantSource clock = InstantSource.system();
        private @Nullable Topology topology;
        private @Nullable String blueprintId;
        private String blueprintLabel = "fabricbinder-dc1";
        private int threads = 4;

        private Builder() {}

        /**
         * Sets the loopback port; 0 (the default) picks a free one.
         *
         * @param port 0..65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Sets the only accepted login; defaults to {@code admin}/{@code admin}.
         *
         * @param username user name
         * @param password password
         * @return this builder
         */
        public Builder credentials(String username, String password) {
            this.username = requireText(username, "username");
            this.password = requireText(password, "password");
            return this;
        }

        /**
         * Sets the Apstra version reported by {@code /api/versions/api} and used for
         * version-dependent rules (for example 6.2 requires {@code security_zone_id} and {@code
         * switching_zone_id} on VN PUT; 4.x requires at least one VN binding). Default {@code
         * 4.2.1}.
         *
         * @param version e.g. {@code "4.2.1"} or {@code "6.0.0"}
         * @return this builder
         */
        public Builder apstraVersion(String version) {
            requireText(version, "version");
            if (!version.matches("\\d+\\.\\d+\\.\\d+(\\.\\d+)?")) {
                throw new IllegalArgumentException("apstraVersion must look like 4.2.1, got " + version);
            }
            this.apstraVersion = version;
            return this;
        }

        /**
         * Sets how long a login token stays valid (Apstra: 24 h, not configurable there). Shorten
         * it to test re-login; see also {@link Faults#expireTokensNow()}.
         *
         * @param ttl positive duration
         * @return this builder
         */
        public Builder tokenTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isZero() || ttl.isNegative()) {
                throw new IllegalArgumentException("tokenTtl must be positive: " + ttl);
            }
            this.tokenTtl = ttl;
            return this;
        }

        /**
         * Sets the time source for token expiry and timestamps (tests can pass a fake).
         *
         * @param clock the time source
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the fabric to seed the blueprint from; defaults to {@link Topology#defaultTopology()}.
         *
         * @param topology the topology
         * @return this builder
         */
        public Builder topology(Topology topology) {
            this.topology = Objects.requireNonNull(topology, "topology");
            return this;
        }

        /**
         * Sets the seeded blueprint's id; by default a UUID derived from its label.
         *
         * @param id the blueprint id
         * @return this builder
         */
        public Builder blueprintId(String id) {
            this.blueprintId = requireText(id, "blueprintId");
            return this;
        }

        /**
         * Sets the seeded blueprint's label, default {@code fabricbinder-dc1}.
         *
         * @param label the label
         * @return this builder
         */
        public Builder blueprintLabel(String label) {
            this.blueprintLabel = requireText(label, "blueprintLabel");
            return this;
        }

        /**
         * Sets the number of request-handling threads (default 4).
         *
         * @param threads at least 1
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads < 1: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Binds the port and starts serving.
         *
         * @return the running emulator
         * @throws UncheckedIOException when the port cannot be bound
         */
        public ApstraEmulator start() {
            return new ApstraEmulator(this);
        }

        private static String requireText(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
