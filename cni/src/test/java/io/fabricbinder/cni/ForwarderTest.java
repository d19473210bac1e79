package io.fabricbinder.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code fabricbinder-ipam} forwarder (static C, src/main/c) against the Java plugin
 * next to it ({@code fabricbinder-ipam-jvm}): the same answers for the same requests, and every path
 * on which the forwarder hands over to the Java plugin: no or unusual node configuration, agent not
 * listening, agent gone mid-request, agent silent (reported, not re-sent, within 5 s), values it will
 * not encode, a broken installation. Runs after the package phase, through failsafe.
 */
class ForwarderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of("target/fabricbinder-ipam").toAbsolutePath();
    private static final Path FORWARDER = HOME.resolve("fabricbinder-ipam");
    private static final Path JAVA_PLUGIN = HOME.resolve("fabricbinder-ipam-jvm");
    private static final String CONF = "{\"cniVersion\":\"1.1.0\",\"name\":\"fwd\",\"type\":\"x\","
            + "\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.68.0.0/24\",\"gateway\":\"10.68.0.1\"}}";

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private PluginHarness harness(String name) throws IOException {
        PluginHarness h = new PluginHarness(tmp.resolve(name));
        closing.add(h);
        return h;
    }

    private static JsonNode json(PluginHarness.Result r) throws IOException {
        return JSON.readTree(r.stdout());
    }

    @Test
    void answersExactlyAsTheJavaPluginDoes() throws IOException {
        PluginHarness h = harness("same");
        for (String command : List.of("ADD", "ADD", "CHECK", "VERSION", "DEL", "DEL", "CHECK", "BOGUS")) {
            Map<String, String> env = h.env(command, "ctr-s", "net1", "/run/netns/none", "pod-s");
            PluginHarness.Result viaC = PluginHarness.exec(FORWARDER, env, CONF);
            PluginHarness.Result viaJava = PluginHarness.exec(JAVA_PLUGIN, env, CONF);
            assertThat(viaC.stdout()).as(command).isEqualTo(viaJava.stdout());
            assertThat(viaC.exitCode()).as(command + ": " + viaC.stdout()).isEqualTo(viaJava.exitCode());
        }
        // undecodable stdin: the agent and the Java plugin each answer code 6 (in their own words)
        Map<String, String> env = h.env("ADD", "ctr-s", "net1", "/run/netns/none", "pod-s");
        PluginHarness.Result bad = PluginHarness.exec(FORWARDER, env, "{not json");
        assertThat(bad.exitCode()).isEqualTo(CniError.DECODING_FAILURE);
        assertThat(json(bad).path("code").asInt()).isEqualTo(CniError.DECODING_FAILURE);
    }

    @Test
    void forwardsWithoutStartingAJvm() throws IOException {
        PluginHarness h = harness("nojvm");
        Path log = tmp.resolve("jvm.log");
        Map<String, String> env = h.env("ADD", "ctr-n", "net1", "/run/netns/none", "pod-n");
        env.put("JAVA_TOOL_OPTIONS", "-Xlog:startuptime:file=" + log);
        env.put("PATH", "/nonexistent");
        PluginHarness.Result add = PluginHarness.exec(FORWARDER, env, CONF);
        assertThat(add.exitCode()).as(add.stdout() + add.stderr()).isZero();
        assertThat(json(add).path("ips").path(0).path("address").asText()).startsWith("10.68.0.");
        assertThat(add.stderr()).isEmpty();
        assertThat(log).doesNotExist();
    }

    @Test
    void handsOverToTheJavaPluginWhenTheNodeConfigurationIsMissingOrNotPrivate() throws IOException {
        PluginHarness h = harness("conf");
        Map<String, String> env = h.env("ADD", "ctr-c", "net1", "/run/netns/none", "pod-c");
        env.put(NodeConfig.ENV_OVERRIDE, tmp.resolve("nowhere.conf").toString());
        PluginHarness.Result missing = PluginHarness.exec(FORWARDER, env, CONF);
        assertThat(missing.exitCode()).isEqualTo(CniError.NODE_CONFIG_INVALID);
        assertThat(json(missing).path("msg").asText()).contains("nowhere.conf").contains("missing");

        Files.setPosixFilePermissions(h.nodeConfig, PosixFilePermissions.fromString("rw-r--r--"));
        env.put(NodeConfig.ENV_OVERRIDE, h.nodeConfig.toString());
        PluginHarness.Result open = PluginHarness.exec(FORWARDER, env, CONF);
        assertThat(open.exitCode()).isEqualTo(CniError.NODE_CONFIG_INVALID);
        assertThat(json(open).path("msg").asText()).contains("must be private");
        for (String pool : h.allocator.poolNames()) {
            assertThat(h.allocator.list(h.allocator.storedPool(pool).orElseThrow()))
                    .isEmpty();
        }
    }

    @Test
    void anAgentThatIsNotListeningIsCode11FromTheJavaPluginWithinFiveSeconds() throws IOException {
        Path conf = PluginHarness.writeNodeConfig(tmp.resolve("dead.conf"), tmp.resolve("dead.sock"));
        Map<String, String> env = env("ADD", conf);
        long t0 = System.nanoTime();
        PluginHarness.Result r = PluginHarness.exec(FORWARDER, env, CONF);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exitCode()).isEqualTo(CniError.TRY_AGAIN_LATER);
        assertThat(json(r).path("msg").asText()).contains("dead.sock").contains("unreachable");
        assertThat(json(r).path("cniVersion").asText()).isEqualTo("1.1.0");
        assertThat(r.stderr()).contains("the node agent is not listening; running the Java plugin");
        assertThat(seconds).isLessThan(5.0);
    }

    @Test
    void aSilentAgentIsReportedOnceNotAskedAgain() throws Exception {
        StandIn silent = standIn("silent.sock", (n, ch) -> {
            AgentProtocol.readRequest(Channels.newInputStream(ch));
            return false; // read the request, never answer
        });
        Map<String, String> env = env("ADD", PluginHarness.writeNodeConfig(tmp.resolve("s.conf"), silent.socket));
        long t0 = System.nanoTime();
        PluginHarness.Result r = PluginHarness.exec(FORWARDER, env, CONF);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exitCode()).isEqualTo(CniError.TRY_AGAIN_LATER);
        assertThat(json(r).path("msg").asText()).contains("silent.sock").contains("did not answer within 4000 ms");
        assertThat(seconds).as("the runtime is promised an answer within 5 s").isLessThan(5.0);
        assertThat(silent.connections.get()).as("the request is not sent again").isEqualTo(1);
    }

    @Test
    void anAgentGoneMidRequestIsAskedAgainByTheJavaPlugin() throws Exception {
        byte[] answer =
                "{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.68.0.9/24\"}]}".getBytes(StandardCharsets.UTF_8);
        List<String> stdins = new CopyOnWriteArrayList<>();
        StandIn flaky = standIn("flaky.sock", (n, ch) -> {
            AgentProtocol.Request req = AgentProtocol.readRequest(Channels.newInputStream(ch));
            stdins.add(new String(req.stdin(), StandardCharsets.UTF_8));
            if (n == 1) {
                return true; // closed without an answer, as by kill -9
            }
            AgentProtocol.writeResponse(Channels.newOutputStream(ch), 0, answer);
            return true;
        });
        Map<String, String> env = env("ADD", PluginHarness.writeNodeConfig(tmp.resolve("f.conf"), flaky.socket));
        PluginHarness.Result r = PluginHarness.exec(FORWARDER, env, CONF);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo(new String(answer, StandardCharsets.UTF_8));
        assertThat(r.stderr()).contains("closed the connection; running the Java plugin");
        assertThat(stdins).as("the same stdin, twice").containsExactly(CONF, CONF);
    }

    @Test
    void valuesItWillNotEncodeGoThroughTheJavaPlugin() throws IOException {
        PluginHarness h = harness("utf");
        Map<String, String> env = h.env("ADD", "ctr-u", "net1", "/run/netns/none", "pod-u");
        env.put("CNI_ARGS", env.get("CNI_ARGS") + ";NOTE=caf\u00e9");
        PluginHarness.Result viaC = PluginHarness.exec(FORWARDER, env, CONF);
        PluginHarness.Result viaJava = PluginHarness.exec(JAVA_PLUGIN, env, CONF);
        assertThat(viaC.exitCode()).as(viaC.stdout() + viaC.stderr()).isZero();
        assertThat(viaC.stdout()).isEqualTo(viaJava.stdout());
    }

    @Test
    void aClosedStdinIsAnEmptyOneNotTheAgentsSocket() throws IOException {
        PluginHarness h = harness("closed");
        Map<String, String> env = h.env("ADD", "ctr-x", "net1", "/run/netns/none", "pod-x");
        // Without a guard the socket would become descriptor 0 and the forwarder would wait on it.
        PluginHarness.Result r =
                PluginHarness.exec(List.of("/bin/sh", "-c", "exec \"$0\" <&-", FORWARDER.toString()), env, "");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(CniError.DECODING_FAILURE);
        assertThat(json(r).path("code").asInt()).isEqualTo(CniError.DECODING_FAILURE);
    }

    @Test
    void aBrokenInstallationSaysSoOnStdout() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("broken"));
        Files.copy(FORWARDER, bin.resolve("fabricbinder-ipam"), StandardCopyOption.COPY_ATTRIBUTES);
        Map<String, String> env = env("ADD", tmp.resolve("none.conf"));
        PluginHarness.Result r = PluginHarness.exec(bin.resolve("fabricbinder-ipam"), env, CONF);
        assertThat(r.exitCode()).isEqualTo(CniError.TRY_AGAIN_LATER);
        assertThat(json(r).path("msg").asText())
                .contains("installation is incomplete")
                .contains("cni-install");
        assertThat(r.stderr()).contains("fabricbinder-ipam-jvm");
    }

    /**
     * Property: for node configurations of any shape Jackson accepts (members in any order, nested
     * values, escapes), the forwarder reaches the agent the configuration names, either itself or
     * through the Java plugin; mangled configurations never crash it and always answer JSON.
     */
    @Test
    void anyNodeConfigurationReachesTheRightAgentAndNoneCrashesIt() throws IOException {
        long seed = Long.getLong("forwarder.seed", System.nanoTime());
        System.out.println("ForwarderTest seed: " + seed + " (rerun with -Dforwarder.seed=" + seed + ")");
        Random rnd = new Random(seed);
        PluginHarness h = harness("prop");
        int byForwarderAlone = 0;
        for (int i = 0; i < 40; i++) {
            ObjectNode conf = JsonNodeFactory.instance.objectNode();
            int before = rnd.nextInt(3);
            for (int k = 0; k < before; k++) {
                conf.set(randomKey(rnd), randomValue(rnd, 0));
            }
            conf.put("socket", h.socket.toString());
            int after = rnd.nextInt(3);
            for (int k = 0; k < after; k++) {
                conf.set(randomKey(rnd), randomValue(rnd, 0));
            }
            String text = rnd.nextBoolean()
                    ? JSON.writeValueAsString(conf)
                    : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(conf);
            Path file = tmp.resolve("prop-" + i + ".conf");
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Map<String, String> env = h.env("ADD", "ctr-p" + i, "net1", "/run/netns/none", "pod-p" + i);
            env.put(NodeConfig.ENV_OVERRIDE, file.toString());
            Path jvmLog = tmp.resolve("prop-" + i + ".jvm.log");
            env.put("JAVA_TOOL_OPTIONS", "-Xlog:startuptime:file=" + jvmLog);
            PluginHarness.Result r = PluginHarness.exec(FORWARDER, env, CONF);
            assertThat(r.exitCode())
                    .as("seed " + seed + ", config " + text + ": " + r.stdout() + r.stderr())
                    .isZero();
            if (!Files.exists(jvmLog)) {
                byForwarderAlone++;
            }
            env.remove("JAVA_TOOL_OPTIONS");

            byte[] mangled = mangle(text.getBytes(StandardCharsets.UTF_8), rnd);
            Files.write(file, mangled);
            PluginHarness.Result m = PluginHarness.exec(FORWARDER, env, CONF);
            assertThat(m.exitCode())
                    .as("seed " + seed + ", mangled config " + new String(mangled, StandardCharsets.ISO_8859_1))
                    .isBetween(0, 127);
            assertThat(JSON.readTree(m.stdout()).isObject()).isTrue();
        }
        System.out.println("ForwarderTest: " + byForwarderAlone + " of 40 configurations read by the forwarder alone");
        assertThat(byForwarderAlone)
                .as("the forwarder reads the usual shapes itself")
                .isGreaterThan(10);
    }

    private static String randomKey(Random rnd) {
        String[] keys = {"log", "x", "sock", "socketx", "Socket", "a\\\"b", "\u00e9t\u00e9", "k" + rnd.nextInt(100)};
        return keys[rnd.nextInt(keys.length)];
    }

    private static JsonNode randomValue(Random rnd, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (depth > 2 ? rnd.nextInt(5) : rnd.nextInt(7)) {
            case 0 -> f.textNode("v\"\\/\n\t\u0001" + rnd.nextInt(1000));
            case 1 -> f.numberNode(rnd.nextInt(2) == 0 ? rnd.nextLong() : -rnd.nextDouble() * 1e12);
            case 2 -> f.booleanNode(rnd.nextBoolean());
            case 3 -> f.nullNode();
            case 4 -> f.textNode("/run/other.sock");
            case 5 -> {
                ObjectNode o = f.objectNode();
                for (int i = rnd.nextInt(3); i > 0; i--) {
                    o.set(randomKey(rnd), randomValue(rnd, depth + 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = f.arrayNode();
                for (int i = rnd.nextInt(3); i > 0; i--) {
                    a.add(randomValue(rnd, depth + 1));
                }
                yield a;
            }
        };
    }

    private static final String JSON_CHARS = "{}[]\",:\\ 0";

    private static byte[] mangle(byte[] text, Random rnd) {
        byte[] b = text.clone();
        return switch (rnd.nextInt(3)) {
            case 0 -> Arrays.copyOf(b, rnd.nextInt(b.length));
            case 1 -> {
                for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                yield b;
            }
            default -> {
                byte[] longer = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(8));
                for (int i = b.length; i < longer.length; i++) {
                    longer[i] = (byte) JSON_CHARS.charAt(rnd.nextInt(JSON_CHARS.length()));
                }
                yield longer;
            }
        };
    }

    private static Map<String, String> env(String command, Path nodeConfig) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "ctr1");
        env.put("CNI_NETNS", "/run/netns/none");
        env.put("CNI_IFNAME", "net1");
        env.put("CNI_ARGS", "K8S_POD_NAMESPACE=demo;K8S_POD_NAME=p;K8S_POD_UID=u1");
        env.put(NodeConfig.ENV_OVERRIDE, nodeConfig.toString());
        return env;
    }

    /** What a stand-in agent does with its n-th connection; true closes it, false keeps it open. */
    private interface Behaviour {
        boolean serve(int n, SocketChannel ch) throws IOException;
    }

    /** A stand-in node agent on a unix socket, serving connections one at a time. */
    private static final class StandIn implements AutoCloseable {
        final Path socket;
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocketChannel server;
        private final Thread thread;
        private final List<SocketChannel> held = new CopyOnWriteArrayList<>();

        StandIn(Path socket, Behaviour behaviour) throws IOException {
            this.socket = socket;
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            this.thread = new Thread(() -> {
                try {
                    for (; ; ) {
                        SocketChannel ch = server.accept();
                        if (behaviour.serve(connections.incrementAndGet(), ch)) {
                            ch.close();
                        } else {
                            held.add(ch);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (SocketChannel ch : held) {
                ch.close();
            }
        }
    }

    private StandIn standIn(String name, Behaviour behaviour) throws IOException {
        StandIn s = new StandIn(tmp.resolve(name), behaviour);
        closing.add(s);
        return s;
    }
}
