package io.fabricbinder.cni;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The framing between the {@code fabricbinder-ipam} plugin process and the node agent, over a
 * unix domain socket. One request and one response per connection; the plugin forwards what the
 * runtime gave it and prints what the agent answers, so every CNI decision is made in one place.
 *
 * <pre>
 * request:  int MAGIC, int version=1, int n, n × (UTF key, UTF value)   -- the CNI_* environment
 *           int length, length bytes                                    -- stdin, verbatim
 * response: int MAGIC, int exit code, int length, length bytes          -- stdout, verbatim
 * </pre>
 *
 * <p>Java's modified UTF-8 ({@link DataOutputStream#writeUTF}) limits a value to 65535 bytes, far
 * above any CNI variable. Stdin is capped at {@link #MAX_BODY} bytes.
 */
public final class AgentProtocol {
    /** "FBIP". */
    public static final int MAGIC = 0x46424950;

    /** Protocol version of this build. */
    public static final int VERSION = 1;

    /** Largest stdin or stdout body accepted (4 MiB; a network configuration is a few kB). */
    public static final int MAX_BODY = 4 << 20;

    /** Largest encoded variable value ({@link DataOutputStream#writeUTF}'s limit). */
    public static final int MAX_VALUE = 65_535;

    /** The length of {@code s} in Java's modified UTF-8, as {@link #writeRequest} encodes it. */
    public static int encodedLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
        }
        return n;
    }

    private AgentProtocol() {}

    /** A decoded request: the forwarded environment and stdin. */
    public static final class Request {
        private final Map<String, String> env;
        private final byte[] stdin;

        /** Creates a request. */
        public Request(Map<String, String> env, byte[] stdin) {
            this.env = Map.copyOf(env);
            this.stdin = stdin;
        }

        /** The forwarded {@code CNI_*} variables. */
        public Map<String, String> env() {
            return env;
        }

        /** Stdin, verbatim (not copied). */
        public byte[] stdin() {
            return stdin;
        }
    }

    /** A decoded response: the plugin's exit status and stdout. */
    public static final class Response {
        private final int exitCode;
        private final byte[] stdout;

        /** Creates a response. */
        public Response(int exitCode, byte[] stdout) {
            this.exitCode = exitCode;
            this.stdout = stdout;
        }

        /** The exit status. */
        public int exitCode() {
            return exitCode;
        }

        /** Stdout, verbatim (not copied). */
        public byte[] stdout() {
            return stdout;
        }
    }

    /** Writes a request. */
    public static void writeRequest(OutputStream out, Map<String, String> env, byte[] stdin) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(env.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeUTF(e.getValue());
        }
        d.writeInt(stdin.length);
        d.write(stdin);
        d.flush();
    }

    /**
     * Reads a request.
     *
     * @throws IOException if the stream ends early or is not a request of this protocol
     */
    public static Request readRequest(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not a fabricbinder-ipam request");
        }
        int version = d.readInt();
        if (version != VERSION) {
            throw new IOException("unsupported fabricbinder-ipam protocol version " + version);
        }
        int n = d.readInt();
        if (n < 0 || n > 256) {
            throw new IOException("bad variable count " + n);
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            env.put(d.readUTF(), d.readUTF());
        }
        return new Request(env, body(d));
    }

    /** Writes a response. */
    public static void writeResponse(OutputStream out, int exitCode, byte[] stdout) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(exitCode);
        d.writeInt(stdout.length);
        d.write(stdout);
        d.flush();
    }

    /**
     * Reads a response.
     *
     * @throws IOException if the stream ends early or is not a response of this protocol
     */
    public static Response readResponse(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not a fabricbinder-ipam response");
        }
        int code = d.readInt();
        return new Response(code, body(d));
    }

    private static byte[] body(DataInputStream d) throws IOException {
        int len = d.readInt();
        if (len < 0 || len > MAX_BODY) {
            throw new IOException("bad body length " + len);
        }
        byte[] b = new byte[len];
        d.readFully(b);
        return b;
    }
}
