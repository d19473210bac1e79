package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabricbinder.sriov.LldpNeighbor.PortSource;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real LLDP: two network namespaces joined by a veth pair, Debian's lldpd in each (own control
 * socket), and the real lldpcli output parsed. "alpha" sends its ifname as port id; "bravo" sends
 * a locally assigned number (531) with description xe-0/0/12, like a Junos leaf. Skipped (not
 * failed) only when not root or when ip/lldpd/lldpcli are missing.
 */
class LldpdIntegrationTest {
    private static final Path IP = firstExisting("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip");
    private static final Path LLDPD = firstExisting("/usr/sbin/lldpd", "/usr/local/sbin/lldpd");
    private static final Path LLDPCLI = firstExisting("/usr/sbin/lldpcli", "/usr/local/sbin/lldpcli");
    // Generous: lldpd answers within seconds on an idle machine but was seen past 30 s under heavy load.
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;

    private static final List<String> namespaces = new ArrayList<>();
    private static final List<Process> daemons = new ArrayList<>();
    private static String nsA = "";
    private static String nsB = "";
    private static String ifA = "";
    private static String ifB = "";
    private static Path sockA = Path.of("");
    private static Path sockB = Path.of("");

    @BeforeAll
    static void startTwoLldpdsJoinedByVeth() throws Exception {
        assumeTrue(isRoot(), "needs root for network namespaces");
        assumeTrue(
                Files.isExecutable(IP) && Files.isExecutable(LLDPD) && Files.isExecutable(LLDPCLI),
                "needs ip, lldpd and lldpcli");
        String id = HexFormat.of()
                .toHexDigits(ThreadLocalRandom.current().nextInt())
                .substring(2);
        nsA = "fbtest-" + id + "a";
        nsB = "fbtest-" + id + "b";
        ifA = "fba" + id;
        ifB = "fbb" + id;
        // lldpd drops privileges to _lldpd, which must reach the control socket's directory
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        sockA = tmp.resolve("a.sock");
        sockB = tmp.resolve("b.sock");

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
        daemons.add(lldpd(
                nsA,
                ifA,
                sockA,
                "a",
                "configure system hostname alpha",
                "configure lldp tx-interval 1",
                "configure lldp portidsubtype ifname"));
        daemons.add(lldpd(
                nsB,
                ifB,
                sockB,
                "b",
                "configure system hostname bravo.example.com",
                "configure lldp tx-interval 1",
                "configure ports " + ifB + " lldp portidsubtype local 531 description xe-0/0/12"));
    }

    @AfterAll
    static void stopDaemonsAndDeleteNamespaces() throws Exception {
        for (Process p : daemons) {
            p.destroy(); // SIGTERM to this pid only (ip netns exec execs lldpd in place)
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        daemons.clear();
        for (String ns : namespaces) {
            run(Duration.ofSeconds(10), IP.toString(), "netns", "del", ns); // deletes the veth end inside
        }
        namespaces.clear();
        if (!ifA.isEmpty()) {
            run(Duration.ofSeconds(10), IP.toString(), "link", "del", ifA); // only if the move failed
        }
    }

    @Test
    void json0FromRealLldpdGivesChassisAndPortWithSubtype() throws Exception {
        LldpNeighbor seenByA = awaitNeighbor(
                sockA,
                "json0",
                n -> n.chassisName().equals("bravo.example.com")
                        && n.portIdSubtype() == PortIdSubtype.LOCALLY_ASSIGNED);
        LldpNeighbor seenByB = awaitNeighbor(
                sockB,
                "json0",
                n -> n.chassisName().equals("alpha") && n.portIdSubtype() == PortIdSubtype.INTERFACE_NAME);

        assertThat(seenByA.localInterface()).isEqualTo(ifA);
        assertThat(seenByA.portId()).isEqualTo("531");
        assertThat(seenByA.portDescription()).isEqualTo("xe-0/0/12");
        assertThat(seenByA.switchPort()).isEqualTo("xe-0/0/12");
        assertThat(seenByA.switchPortSource()).isEqualTo(PortSource.PORT_DESCRIPTION);
        assertThat(seenByA.switchHostname()).isEqualTo("bravo");
        assertThat(seenByA.chassisIdType()).isEqualTo("mac");
        assertThat(seenByB.localInterface()).isEqualTo(ifB);
        assertThat(seenByB.portId()).isEqualTo(ifA);
        assertThat(seenByB.switchPort()).isEqualTo(ifA);
        assertThat(seenByB.switchPortSource()).isEqualTo(PortSource.PORT_ID);
    }

    @Test
    void plainJsonFromRealLldpdParsesToTheSameNeighbour() throws Exception {
        LldpNeighbor viaJson0 = awaitNeighbor(
                sockA,
                "json0",
                n -> n.chassisName().equals("bravo.example.com")
                        && n.portIdSubtype() == PortIdSubtype.LOCALLY_ASSIGNED);

        LldpNeighbor viaJson = awaitNeighbor(
                sockA,
                "json",
                n -> n.chassisName().equals("bravo.example.com")
                        && n.portIdSubtype() == PortIdSubtype.LOCALLY_ASSIGNED);

        assertThat(viaJson).isEqualTo(viaJson0);
    }

    private static LldpNeighbor awaitNeighbor(Path sock, String format, Predicate<LldpNeighbor> wanted)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Result r = run(
                    Duration.ofSeconds(10),
                    LLDPCLI.toString(),
                    "-u",
                    sock.toString(),
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
        throw new AssertionError("no matching LLDP neighbour on " + sock + " within " + WAIT + "; last output:\n" + last
                + "\nlldpd logs:\n" + logs());
    }

    /** lldpcli may print warnings on stderr (merged here) before the JSON document. */
    private static String jsonPart(String output) {
        int brace = output.indexOf('{');
        return brace < 0 ? "" : output.substring(brace);
    }

    private static Process lldpd(String ns, String ifname, Path sock, String tag, String... config) throws IOException {
        Path conf = tmp.resolve("lldpd-" + tag + ".conf");
        Files.writeString(conf, String.join("\n", config) + "\n");
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
                .redirectOutput(tmp.resolve("lldpd-" + tag + ".log").toFile())
                .start();
    }

    private static String logs() {
        StringBuilder sb = new StringBuilder();
        for (String tag : List.of("a", "b")) {
            try {
                sb.append(tag).append(": ").append(Files.readString(tmp.resolve("lldpd-" + tag + ".log")));
            } catch (IOException e) {
                sb.append(tag).append(": (no log)\n");
            }
        }
        return sb.toString();
    }

    private record Result(int rc, String output) {}

    private static void must(String... cmd) throws Exception {
        Result r = run(Duration.ofSeconds(20), cmd);
        if (r.rc != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (" + r.rc + "): " + r.output);
        }
    }

    private static Result run(Duration timeout, String... cmd) throws Exception {
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
