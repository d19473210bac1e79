package io.fabricbinder.ipam.etcd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@link AllocatorChild}, with its stdout lines collected as they arrive. */
final class ChildJvm implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private final Path stderr;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(this::readAll, "child-" + process.pid() + "-stdout");
        this.reader.setDaemon(true);
    }

    static ChildJvm start(String... args) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire may hide the real class path behind a manifest-only jar; both forms work for a child.
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                cp,
                AllocatorChild.class.getName()));
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("fb-child-", ".err");
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.to(err.toFile()))
                    .start();
            ChildJvm c = new ChildJvm(p, err);
            c.reader.start();
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readAll() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("READ-ERROR " + e);
        }
    }

    /** Complete {@code ACK} lines as {@code [pod, cidr]}. */
    List<String[]> acks() {
        List<String[]> out = new ArrayList<>();
        for (String l : lines) {
            String[] p = l.split(" ", -1);
            if (p.length == 4 && p[0].equals("ACK") && p[3].equals(".")) {
                out.add(new String[] {p[1], p[2]});
            }
        }
        return out;
    }

    long ackCount() {
        return lines.stream().filter(l -> l.startsWith("ACK ")).count();
    }

    /** Waits for the process to exit and for its output to be read; fails with its stderr if it hangs. */
    int await(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child " + process.pid() + " did not finish within " + seconds + " s; "
                    + "last lines " + tail() + "; stderr: " + stderrText());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    /** SIGKILL, then wait until the output is drained. */
    void kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        process.waitFor();
        reader.join(10_000);
    }

    List<String> tail() {
        return lines.subList(Math.max(0, lines.size() - 5), lines.size());
    }

    String stderrText() {
        try {
            String s = Files.readString(stderr, StandardCharsets.UTF_8);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            // Best effort.
        }
    }
}
