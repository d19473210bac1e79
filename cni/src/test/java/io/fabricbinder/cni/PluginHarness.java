package io.fabricbinder.cni;

import com.fasterxml.jackson.core.JsonFactory;
import io.fabricbinder.cni.agent.CniHandler;
import io.fabricbinder.cni.agent.IpamAgent;
import io.fabricbinder.ipam.FileIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a {@code fabricbinder-ipam} executable in its own directory (the module's classes on
 * the test JVM's Java, or the packaged {@code target/fabricbinder-ipam} when {@code
 * -Dfabricbinder.ipam.packaged=true}), a node configuration pointing at an agent socket, and an
 * in-process agent over a file store.
 */
public final class PluginHarness implements AutoCloseable {
    public final Path dir;
    public final Path binDir;
    public final Path nodeConfig;
    public final Path socket;
    public final FileIpPoolStore store;
    public final IpAllocator allocator;
    public final IpamAgent agent;

    public PluginHarness(Path dir) throws IOException {
        this.dir = dir;
        this.binDir = Files.createDirectories(dir.resolve("bin"));
        writeLauncher(binDir.resolve("fabricbinder-ipam"));
        this.socket = dir.resolve("run/ipam.sock");
        this.nodeConfig = writeNodeConfig(dir.resolve("fabricbinder-ipam.conf"), socket);
        this.store = FileIpPoolStore.open(Files.createDirectories(dir.resolve("store")));
        this.allocator = IpAllocator.create(store);
        this.agent = IpamAgent.start(socket, new CniHandler(allocator, store));
    }

    /** Writes a 0600 node configuration naming {@code socket}. */
    public static Path writeNodeConfig(Path file, Path socket) throws IOException {
        Files.writeString(file, "{\"socket\":\"" + socket + "\"}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Writes an executable that runs the plugin. */
    public static void writeLauncher(Path file) throws IOException {
        String packaged = System.getProperty("fabricbinder.ipam.packaged", "false");
        String script;
        if (packaged.equals("true")) {
            Path home = Path.of("target/fabricbinder-ipam").toAbsolutePath();
            script = "#!/bin/sh\nexec " + home.resolve("fabricbinder-ipam") + " \"$@\"\n";
        } else {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = location(Plugin.class) + ":" + location(JsonFactory.class);
            script = "#!/bin/sh\nexec " + java + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -cp " + cp
                    + " io.fabricbinder.cni.Plugin \"$@\"\n";
        }
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The environment a runtime would pass, plus the node configuration override. */
    public Map<String, String> env(String command, String container, String ifname, String netns, String pod) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", container);
        env.put("CNI_NETNS", netns);
        env.put("CNI_IFNAME", ifname);
        env.put("CNI_PATH", "/usr/lib/cni:" + binDir);
        env.put(
                "CNI_ARGS",
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=demo;K8S_POD_NAME=" + pod + ";K8S_POD_INFRA_CONTAINER_ID="
                        + container + ";K8S_POD_UID=uid-" + pod);
        env.put(NodeConfig.ENV_OVERRIDE, nodeConfig.toString());
        return env;
    }

    /** What an exec'd plugin printed and returned. */
    public record Result(int exitCode, String stdout, String stderr) {}

    /** Runs {@code executable} with exactly {@code env} and {@code stdin}; waits up to 60 s. */
    public static Result exec(Path executable, Map<String, String> env, String stdin) {
        return exec(List.of(executable.toString()), env, stdin);
    }

    /** Runs {@code command} with exactly {@code env} and {@code stdin}; waits up to 60 s. */
    public static Result exec(List<String> command, Map<String, String> env, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            try {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
            } catch (IOException e) {
                // it exited without reading stdin (as a runtime's exec sees it, not an error)
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread t = new Thread(() -> copy(p.getErrorStream(), err));
            t.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish");
            }
            t.join();
            return new Result(
                    p.exitValue(), new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // process ended
        }
    }

    /** Runs a command that must succeed (ip, ...). */
    public static String sh(String... command) {
        Result r = exec(List.of(command), Map.of(), "");
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + r.stderr());
        }
        return r.stdout();
    }

    /** Runs a command whose failure is fine (clean-up). */
    public static void quietly(String... command) {
        exec(List.of(command), Map.of(), "");
    }

    @Override
    public void close() {
        agent.close();
        store.close();
    }
}
