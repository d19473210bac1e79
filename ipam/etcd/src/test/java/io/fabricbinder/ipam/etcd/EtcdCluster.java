package io.fabricbinder.ipam.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A real etcd cluster (Debian's {@code /usr/bin/etcd}) of 1 or 3 members on 127.0.0.1, on ports
 * chosen at run time, for tests and the benchmark harness. Members are started and stopped by pid;
 * {@link #close()} (and a JVM shutdown hook) kills every member and deletes the data directories.
 *
 * <p>Set {@code -Detcd.binary=/path/etcd} to use another binary and {@code -Detcd.dataRoot=/dev/shm}
 * to keep the data directories somewhere else than {@code java.io.tmpdir}. {@code
 * -Detcd.extraArgs="--flag=value ..."} appends flags to every member's command line and {@code
 * -Detcd.env="NAME=value ..."} sets environment variables for every member (the benchmark uses
 * them to compare member configurations; tests leave them unset).
 */
final class EtcdCluster implements AutoCloseable {
    static final String BINARY = System.getProperty("etcd.binary", "/usr/bin/etcd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final List<Member> members = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread shutdownHook;

    /** One etcd process. */
    static final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        final int metricsPort;
        final Path dataDir;
        final Path log;

        @Nullable
        Process process;

        Member(String name, int clientPort, int peerPort, int metricsPort, Path dataDir, Path log) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.metricsPort = metricsPort;
            this.dataDir = dataDir;
            this.log = log;
        }

        String endpoint() {
            return "http://127.0.0.1:" + clientPort;
        }

        /** The running (or exited) process; fails if the member was never started. */
        Process process() {
            Process p = process;
            if (p == null) {
                throw new IllegalStateException("etcd member " + name + " was never started");
            }
            return p;
        }

        boolean isAlive() {
            return process != null && process.isAlive();
        }

        long pid() {
            return process().pid();
        }

        @Override
        public String toString() {
            return name + "(pid " + (process == null ? "-" : Long.toString(process.pid())) + ", " + endpoint() + ")";
        }
    }

    private EtcdCluster(Path root) {
        this.root = root;
        this.shutdownHook = new Thread(this::stopQuietly, "etcd-cluster-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code size} (1 or 3) members and waits until every one reports healthy. Skips the test
     * when etcd is missing, unless the environment variable {@code CI} is set: then it fails.
     */
    static EtcdCluster start(int size) {
        requireEtcd();
        if (size != 1 && size != 3) {
            throw new IllegalArgumentException("size must be 1 or 3: " + size);
        }
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            EtcdCluster c;
            try {
                Path base = Paths.get(System.getProperty("etcd.dataRoot", System.getProperty("java.io.tmpdir")));
                c = new EtcdCluster(Files.createTempDirectory(base, "fb-etcd-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                c.launch(size);
                return c;
            } catch (IOException e) {
                // Most likely a port taken between choosing it and etcd binding it: new ports, new try.
                last = e;
                c.close();
            }
        }
        throw new IllegalStateException("could not start a " + size + "-member etcd cluster", last);
    }

    /** Fails (under CI) or skips (elsewhere) when the etcd binary is missing. */
    static void requireEtcd() {
        if (Files.isExecutable(Paths.get(BINARY))) {
            return;
        }
        String message = BINARY + " is missing: install Debian's etcd-server (apt-get install etcd-server; "
                + ".ci/run installs it) or point -Detcd.binary at an etcd 3.4+ binary";
        if (System.getenv("CI") != null) {
            throw new IllegalStateException(message);
        }
        Assumptions.assumeTrue(false, message);
    }

    private void launch(int size) throws IOException {
        int[] ports = freePorts(size * 3);
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < size; i++) {
            String name = "m" + i;
            Member m = new Member(
                    name,
                    ports[i * 3],
                    ports[i * 3 + 1],
                    ports[i * 3 + 2],
                    root.resolve(name + ".data"),
                    root.resolve(name + ".log"));
            members.add(m);
            if (i > 0) {
                initial.append(',');
            }
            initial.append(name).append("=http://127.0.0.1:").append(m.peerPort);
        }
        for (Member m : members) {
            m.process = spawn(m, initial.toString(), "new");
        }
        awaitHealthy(members);
    }

    private Process spawn(Member m, String initialCluster, String state) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                BINARY,
                "--name",
                m.name,
                "--data-dir",
                m.dataDir.toString(),
                "--listen-client-urls",
                m.endpoint(),
                "--advertise-client-urls",
                m.endpoint(),
                "--listen-peer-urls",
                "http://127.0.0.1:" + m.peerPort,
                "--initial-advertise-peer-urls",
                "http://127.0.0.1:" + m.peerPort,
                "--listen-metrics-urls",
                "http://127.0.0.1:" + m.metricsPort,
                "--initial-cluster",
                initialCluster,
                "--initial-cluster-state",
                state,
                "--initial-cluster-token",
                root.getFileName().toString(),
                // Short election timing: loopback round trips are sub-millisecond.
                "--heartbeat-interval",
                "50",
                "--election-timeout",
                "500"));
        cmd.addAll(words(System.getProperty("etcd.extraArgs", "")));
        ProcessBuilder builder = new ProcessBuilder(cmd);
        for (String assignment : words(System.getProperty("etcd.env", ""))) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("-Detcd.env: expected NAME=value, got '" + assignment + "'");
            }
            builder.environment().put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        return builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log.toFile()))
                .start();
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }

    private String initialCluster() {
        StringBuilder s = new StringBuilder();
        for (Member m : members) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(m.name).append("=http://127.0.0.1:").append(m.peerPort);
        }
        return s.toString();
    }

    private void awaitHealthy(List<Member> which) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (Member m : which) {
            while (!healthy(m)) {
                if (!m.isAlive()) {
                    throw new IOException(
                            "etcd member " + m + " exited with " + m.process().exitValue() + ": " + tail(m.log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "etcd member " + m + " not healthy within " + START_TIMEOUT + ": " + tail(m.log));
                }
                sleep(50);
            }
        }
    }

    private boolean healthy(Member m) {
        Optional<String> body = get("http://127.0.0.1:" + m.clientPort + "/health");
        return body.isPresent() && body.get().contains("\"health\":\"true\"");
    }

    private Optional<String> get(String url) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The client URLs of every member (also dead ones: clients must cope). */
    List<String> endpoints() {
        return members.stream().map(Member::endpoint).toList();
    }

    /** Every member, in start order. */
    List<Member> members() {
        return List.copyOf(members);
    }

    /** The current leader among the live members, waiting up to 10 s for an election. */
    Member leader() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (Member m : members) {
                if (!m.isAlive()) {
                    continue;
                }
                Optional<String> metrics = get("http://127.0.0.1:" + m.metricsPort + "/metrics");
                if (metrics.isPresent() && metrics.get().lines().anyMatch(l -> l.equals("etcd_server_is_leader 1"))) {
                    return m;
                }
            }
            sleep(50);
        }
        throw new IllegalStateException("no etcd leader within 10 s among " + members);
    }

    /** Kills {@code m} with SIGKILL and waits until it is gone. */
    void kill(Member m) {
        Process p = m.process();
        p.toHandle().destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Finds the leader and kills it with SIGKILL; returns it. */
    Member killLeader() {
        Member leader = leader();
        kill(leader);
        return leader;
    }

    /** Restarts a killed member on its old ports and data, and waits until it is healthy. */
    void restart(Member m) {
        if (m.isAlive()) {
            return;
        }
        try {
            m.process = spawn(m, initialCluster(), "existing");
            awaitHealthy(List.of(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restarts every killed member. */
    void restartDead() {
        for (Member m : members) {
            if (!m.isAlive()) {
                restart(m);
            }
        }
    }

    /** Kills every member and deletes the data. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs stopQuietly itself.
        }
    }

    private synchronized void stopQuietly() {
        for (Member m : members) {
            if (m.process != null && m.process.isAlive()) {
                kill(m);
            }
        }
        deleteTree(root);
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp dir is not worth failing a test for.
        }
    }

    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
