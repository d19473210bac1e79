package io.fabricbinder.cni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The Java side of the {@code fabricbinder-ipam} plugin ({@code fabricbinder-ipam-jvm}). What the
 * runtime execs is a small static forwarder written in C ({@code src/main/c/fabricbinder-ipam.c})
 * that does the same forwarding at a fraction of the cost and execs this class whenever it cannot
 * (node configuration missing or unusual, agent not listening, connection lost): every CNI error a
 * plugin answers is written here or in the agent, never in C. This class answers {@code VERSION}
 * itself and forwards every other command, with its {@code CNI_*} environment and stdin, over the
 * node agent's unix domain socket ({@link NodeConfig}); it prints the agent's answer on stdout and
 * exits with the agent's status.
 *
 * <p>Kept to {@code java.base} and jackson-core so the process starts fast from a small runtime;
 * the CNI logic (configuration parsing, identity, allocation) runs in the agent ({@code
 * io.fabricbinder.cni.agent}). Nothing but the CNI result or error is ever written to stdout.
 *
 * <p>If the agent cannot be reached, or does not answer within {@link #DEADLINE_MILLIS}, the
 * plugin fails with code 11 ("try again later"); the runtime retries.
 */
public final class Plugin {
    /** How long the plugin waits for the agent before answering code 11. */
    public static final long DEADLINE_MILLIS = 4_500;

    /**
     * Set only by the forwarder, to the milliseconds it waited: the agent took the request and did
     * not answer in time. The plugin then answers code 11 without sending the request again, so the
     * whole exec stays within the runtime's 5 s.
     */
    public static final String FORWARDER_TIMEOUT_ENV = "FABRICBINDER_IPAM_FORWARDER_TIMEOUT_MS";

    private static final String[] FORWARDED = {
        "CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH"
    };

    private final Map<String, String> env;
    private final InputStream in;
    private final OutputStream out;
    private final PrintStream err;
    private final AtomicBoolean answered = new AtomicBoolean();

    Plugin(Map<String, String> env, InputStream in, OutputStream out, PrintStream err) {
        this.env = env;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Runs one CNI command and exits with its status. */
    public static void main(String[] args) {
        Plugin p = new Plugin(System.getenv(), System.in, System.out, System.err);
        int code = p.run(true);
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs one command; returns the exit status.
     *
     * @param watchdog whether to halt the JVM with code 11 when the agent does not answer in time
     */
    int run(boolean watchdog) {
        String command = env.get("CNI_COMMAND");
        if ("VERSION".equals(command)) {
            // The runtime may pass {"cniVersion": ...} on stdin; the answer does not depend on it.
            return answer(0, CniError.versionResult());
        }
        byte[] stdin;
        try {
            stdin = in.readAllBytes();
        } catch (IOException e) {
            return fail(null, new CniError(CniError.IO_FAILURE, "cannot read stdin", String.valueOf(e)));
        }
        String version;
        try {
            version = cniVersion(stdin);
        } catch (IOException e) {
            return fail(
                    null,
                    new CniError(
                            CniError.DECODING_FAILURE,
                            "stdin is not a JSON network configuration",
                            String.valueOf(e.getMessage())));
        }
        NodeConfig config;
        try {
            config = NodeConfig.read(NodeConfig.location(env));
        } catch (NodeConfig.Invalid e) {
            return fail(version, e.error());
        }
        String waited = env.get(FORWARDER_TIMEOUT_ENV);
        if (waited != null) {
            return fail(
                    version,
                    new CniError(
                            CniError.TRY_AGAIN_LATER,
                            "node agent at " + config.socket() + " did not answer within " + waited + " ms",
                            ""));
        }
        Map<String, String> forwarded = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            String v = env.get(name);
            if (v != null) {
                if (AgentProtocol.encodedLength(v) > AgentProtocol.MAX_VALUE) {
                    return fail(
                            version,
                            new CniError(
                                    CniError.INVALID_ENVIRONMENT,
                                    name + " is longer than " + AgentProtocol.MAX_VALUE + " bytes",
                                    ""));
                }
                forwarded.put(name, v);
            }
        }
        @Nullable Thread dog = null;
        if (watchdog) {
            // A named class, not a lambda: no method-handle bootstrap at start-up (docs/performance.md).
            dog = new Thread(new Watchdog(config, version));
            dog.setDaemon(true);
            dog.start();
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(config.socket()));
            AgentProtocol.writeRequest(Channels.newOutputStream(ch), forwarded, stdin);
            AgentProtocol.Response r = AgentProtocol.readResponse(Channels.newInputStream(ch));
            return answer(r.exitCode(), r.stdout());
        } catch (IOException | RuntimeException e) {
            return fail(
                    version,
                    new CniError(
                            CniError.TRY_AGAIN_LATER,
                            "node agent at " + config.socket() + " is unreachable",
                            String.valueOf(e.getMessage())));
        } finally {
            if (dog != null) {
                dog.interrupt();
            }
        }
    }

    /** Answers code 11 and halts when the agent has not answered within {@link #DEADLINE_MILLIS}. */
    private final class Watchdog implements Runnable {
        private final NodeConfig config;
        private final @Nullable String version;

        Watchdog(NodeConfig config, @Nullable String version) {
            this.config = config;
            this.version = version;
        }

        @Override
        public void run() {
            try {
                Thread.sleep(DEADLINE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            CniError late = new CniError(
                    CniError.TRY_AGAIN_LATER,
                    "node agent at " + config.socket() + " did not answer within " + DEADLINE_MILLIS + " ms",
                    "");
            if (tryAnswer(late.toJson(version))) {
                err.println("fabricbinder-ipam: " + late.msg());
                Runtime.getRuntime().halt(CniError.TRY_AGAIN_LATER);
            }
        }
    }

    private int fail(@Nullable String version, CniError error) {
        err.println("fabricbinder-ipam: " + error.msg() + (error.details().isEmpty() ? "" : ": " + error.details()));
        return answer(Math.max(1, Math.min(error.code(), 255)), error.toJson(version));
    }

    /** Writes {@code stdout} once (the first answer wins; a late agent answer is dropped). */
    private int answer(int code, byte[] stdout) {
        return tryAnswer(stdout) ? code : CniError.TRY_AGAIN_LATER;
    }

    private boolean tryAnswer(byte[] stdout) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        try {
            out.write(stdout);
            out.flush();
        } catch (IOException e) {
            err.println("fabricbinder-ipam: cannot write stdout: " + e);
        }
        return true;
    }

    /**
     * The top-level {@code cniVersion} of a configuration, or null if absent; the whole document
     * must be well-formed JSON with an object at the top.
     */
    public static @Nullable String cniVersion(byte[] stdin) throws IOException {
        @Nullable String version = null;
        try (JsonParser p = new JsonFactory().createParser(stdin)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("cniVersion".equals(name) && v == JsonToken.VALUE_STRING) {
                    version = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("trailing data after the configuration object");
            }
        }
        return version;
    }
}
