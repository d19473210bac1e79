package io.fabricbinder.sriov;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Real LLDP for tests: two network namespaces ({@code fbtest-<random>a/b}) joined by a veth pair,
 * Debian's lldpd in each with its own control socket and a configuration file lldpd applies before
 * its first frame. Side "a" is the node, side "b" the switch in most tests. Published in the sriov
 * test jar so other modules' tests (the node agent's) use the same helper.
 *
 * <pre>{@code
 * assumeTrue(LldpdPair.available());
 * try (LldpdPair pair = LldpdPair.start(dir,
 *         List.of("configure system hostname node1", "configure lldp tx-interval 1"),
 *         List.of("configure system hostname leaf1.example.com", "configure lldp tx-interval 1",
 *                 "configure ports " + LldpdPair.B + " lldp portidsubtype local 531 description xe-0/0/12"))) {
 *     pair.awaitNeighbor(pair.socketA(), "json0", n -> n.chassisName().startsWith("leaf1"));
 * }
 * }</pre>
 *
 * <p>In a configuration line, {@link #A} and {@link #B} stand for the two veth names (random, so
 * tests can run side by side). {@link #close()} stops the daemons by pid and deletes the namespaces
 * (and the veth with them).
 */
public final class LldpdPair implements AutoCloseable {
    /** Placeholder for side a's interface name in configuration lines. */
    public static final String A = "${A}";
    /** Placeholder for side b's interface name in configuration lines. */
    public static final String B = "${B}";

    private static final Path IP = firstExisting("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip");
    private static final Path LLDPD = firstExisting("/usr/sbin/lldpd", "/usr/local/sbin/lldpd");
    private static final Path LLDPCLI = firstExisting("/usr/sbin/lldpcli", "/usr/local/sbin/lldpcli");
    // Generous: lldpd answers within seconds on an idle machine but was seen past 30 s under heavy load.
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> daemons = new ArrayList<>();
    private final String ifA;
    private final String ifB;
    private final Thread hook = new Thread(this::stop, "lldpd-pair-cleanup");

    private LldpdPair(Path dir, String id) {
        this.dir = dir;
        this.ifA = "fba" + id;
        this.ifB = "fbb" + id;
    }

    /** Whether this machine can run it: root, and ip, lldpd and lldpcli installed. */
    public static boolean available() {
        return isRoot() && Files.isExecutable(IP) && Files.isExecutable(LLDPD) && Files.isExecutable(LLDPCLI);
    }

    /** The lldpcli program. */
    public static Path lldpcli() {
        return LLDPCLI;
    }

    /**
     * Creates the namespaces and the veth pair, and starts lldpd on each side with these
     * configuration lines ({@link #A}/{@link #B} replaced by the interface names).
     *
     * @param dir a directory for sockets, configuration and logs (made 0755: lldpd drops privileges
     *     to {@code _lldpd}, which must reach the socket)
     */
    public static LldpdPair start(Path dir, List<String> configA, List<String> configB) throws Exception {
        String id = HexFormat.of()
                .toHexDigits(ThreadLocalRandom.current().nextInt())
                .substring(2);
        LldpdPair pair = new LldpdPair(dir, id);
        // A test JVM stopped with SIGTERM still stops its daemons and removes its namespaces.
        Runtime.getRuntime().addShutdownHook(pair.hook);
        try {
            pair.setUp(id, configA, configB);
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private void setUp(String id, List<String> configA, List<String> configB) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String nsA = "fbtest-" + id + "a";
        String nsB = "fbtest-" + id + "b";
        must(IP.toString(), "netns", "add", nsA);
        namespaces.add(nsA);
        must(IP.toString(), "netns", "add", nsB);
        namespaces.add(nsB);
        must(IP.toString(), "link", "add", ifA, "type", "veth", "peer", "name", ifB);
        must(IP.toString(), "link", "set", ifA, "netns", nsA);
        must(IP.toString(), "link", "set", ifB, "netns", nsB);
        must(IP.toString(), "-n", nsA, "link", "set", ifA, "up");
        must(IP.toString(), "-n", nsB, "link", "set", ifB, "up");
        // The configuration goes to lldpd's own start-up run of lldpcli (-O), which it applies before
        // it sends its first frame; configuring a running daemon raced with that first frame and
        // occasionally left the neighbour advertising the machine's hostname.
        daemons.add(lldpd(nsA, ifA, socketA(), "a", configA));
        daemons.add(lldpd(nsB, ifB, socketB(), "b", configB));
    }

    /** Side a's interface (in its namespace). */
    public String interfaceA() {
        return ifA;
    }

    /** Side b's interface (in its namespace). */
    public String interfaceB() {
        return ifB;
    }

    /** Side a's lldpd control socket. */
    public Path socketA() {
        return dir.resolve("a.sock");
    }

    /** Side b's lldpd control socket. */
    public Path socketB() {
        return dir.resolve("b.sock");
    }

    /** Runs {@code lldpcli -u socket <command...>} (e.g. a {@code configure ...} line, split). */
    public void lldpcliMust(Path socket, String line) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LLDPCLI.toString(), "-u", socket.toString()));
        for (String w : substitute(line).strip().split(" +", -1)) {
            cmd.add(w);
        }
        must(cmd.toArray(String[]::new));
    }

    /** Polls {@code lldpcli -u socket -f format show neighbors details} until a neighbour matches. */
    public LldpNeighbor awaitNeighbor(Path socket, String format, Predicate<LldpNeighbor> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Result r = run(
                    Duration.ofSeconds(10),
                    LLDPCLI.toString(),
                    "-u",
                    socket.toString(),
                    "-f",
                    format,
                    "show",
                    "neighbors",
                    "details");
            last = r.output;
            if (r.rc == 0) {
                Optional<LldpNeighbor> n = LldpNeighbors.parseLldpcliJson(jsonPart(r.output)).stream()
                        .filter(wanted)
                        .findFirst();
                if (n.isPresent()) {
                    return n.get();
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no matching LLDP neighbour on " + socket + " within " + WAIT + "; last output:\n"
                + last + "\nlldpd logs:\n" + logs());
    }

    /** lldpcli may print warnings on stderr (merged here) before the JSON document. */
    private static String jsonPart(String output) {
        int brace = output.indexOf('{');
        return brace < 0 ? "" : output.substring(brace);
    }

    private String substitute(String line) {
        return line.replace(A, ifA).replace(B, ifB);
    }

    private Process lldpd(String ns, String ifname, Path sock, String tag, List<String> config) throws IOException {
        Path conf = dir.resolve("lldpd-" + tag + ".conf");
        List<String> lines = config.stream().map(this::substitute).toList();
        Files.writeString(conf, String.join("\n", lines) + "\n");
        return new ProcessBuilder(
                        IP.toString(),
                        "netns",
                        "exec",
                        ns,
                        LLDPD.toString(),
                        "-d",
                        "-u",
                        sock.toString(),
                        "-I",
                        ifname,
                        "-O",
                        conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("lldpd-" + tag + ".log").toFile())
                .start();
    }

    /** Both daemons' logs, for failure messages. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (String tag : List.of("a", "b")) {
            try {
                sb.append(tag).append(": ").append(Files.readString(dir.resolve("lldpd-" + tag + ".log")));
            } catch (IOException e) {
                sb.append(tag).append(": (no log)\n");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNotRegistered) {
            // the hook runs (or ran) stop() itself
        }
        stop();
    }

    private synchronized void stop() {
        boolean interrupted = false;
        for (Process p : daemons) {
            p.destroy(); // SIGTERM to this pid only (ip netns exec execs lldpd in place)
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                p.destroyForcibly();
            }
        }
        daemons.clear();
        try {
            for (String ns : namespaces) {
                run(Duration.ofSeconds(10), IP.toString(), "netns", "del", ns); // deletes the veth end inside
            }
            namespaces.clear();
            run(Duration.ofSeconds(10), IP.toString(), "link", "del", ifA); // only if the move failed
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private record Result(int rc, String output) {}

    private static void must(String... cmd) throws Exception {
        Result r = run(Duration.ofSeconds(20), cmd);
        if (r.rc != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + r.rc + "): " + r.output);
        }
    }

    private static Result run(Duration timeout, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    private static boolean isRoot() {
        try {
            return run(Duration.ofSeconds(5), "id", "-u").output.trim().equals("0");
        } catch (Exception e) {
            return false;
        }
    }

    private static Path firstExisting(String... candidates) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return Path.of(candidates[0]);
    }
}
