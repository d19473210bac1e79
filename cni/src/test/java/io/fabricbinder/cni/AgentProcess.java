package io.fabricbinder.cni;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a node agent in its own JVM ({@link AgentMain}), as on a node, with its socket and a
 * node configuration naming it. Tests kill it with SIGKILL and restart it; the benchmark reads its
 * CPU time. {@code store} is {@code [file, DIR]} or {@code [etcd, URL,URL,URL, PREFIX]}.
 */
final class AgentProcess {
    final Path socket;
    final Path nodeConfig;
    private final List<String> store;
    volatile Process process;

    AgentProcess(Path dir, List<String> store) throws IOException {
        this.socket = dir.resolve("ipam.sock");
        this.nodeConfig = PluginHarness.writeNodeConfig(dir.resolve("node.conf"), socket);
        this.store = store;
        this.process = start();
    }

    /** Starts (or, after a kill, restarts) the agent and waits until it listens. */
    Process start() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                AgentMain.class.getName(),
                socket.toString()));
        cmd.addAll(store);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null && !line.equals("ready")) {
            // agent start-up log
        }
        Thread drain = new Thread(() -> {
            try {
                while (r.readLine() != null) {
                    // keep the pipe from filling
                }
            } catch (IOException e) {
                // process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    /** CPU time (user + system, ms) the agent process has used so far, from /proc/PID/stat. */
    double cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        // proc(5): utime is field 14, stime 15 (1-based); the fields here start at field 3
        long ticks = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
        return ticks * 1000.0 / 100.0; // USER_HZ is 100 on Linux
    }

    /** Kills the agent (SIGKILL) and waits for it. */
    void stop() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
