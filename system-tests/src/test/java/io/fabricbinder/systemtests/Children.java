package io.fabricbinder.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code fabricbinder} processes of the system test, each a JVM of its own on examples' shaded
 * jar (the class path the image carries) with its output in a log file. {@link #close()} kills every
 * one still running, by its pid, and waits for it; so does a JVM shutdown hook, should the test JVM be
 * stopped first.
 */
final class Children implements AutoCloseable {
    private final Path jar;
    private final Path logs;
    private final List<Child> started = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "system-test-children");

    /** One started process and its log. */
    record Child(String name, Process process, Path log) {
        long pid() {
            return process.pid();
        }

        /** Everything it printed so far. */
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        /** The last lines it printed, for failure messages. */
        String tail() {
            List<String> lines = output().lines().toList();
            return name + " (pid " + pid() + (process.isAlive() ? "" : ", exited " + process.exitValue()) + "):\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        }
    }

    Children(Path jar, Path logs) throws IOException {
        this.jar = jar;
        this.logs = Files.createDirectories(logs);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code fabricbinder ARGS...} with {@code env} added to this JVM's environment. */
    synchronized Child start(String name, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the image's flags (no perf data file), plus a small heap and serial GC for a 2-core CI machine
                "-XX:-UsePerfData",
                "-XX:+UseSerialGC",
                "-Xmx192m",
                "-cp",
                jar.toString(),
                "io.fabricbinder.examples.cli.FabricBinderCli"));
        command.addAll(List.of(args));
        Path log = logs.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        Child child = new Child(name, pb.start(), log);
        started.add(child);
        return child;
    }

    /** Runs {@code fabricbinder ARGS...} to its end (at most 2 minutes); returns its output, failing on a non-zero exit. */
    String run(String name, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Child c = start(name, env, args);
        if (!c.process().waitFor(2, TimeUnit.MINUTES)) {
            throw new AssertionError("fabricbinder " + String.join(" ", args) + " did not finish: " + c.tail());
        }
        if (c.process().exitValue() != 0) {
            throw new AssertionError("fabricbinder " + String.join(" ", args) + " failed: " + c.tail());
        }
        return c.output();
    }

    /**
     * Waits until {@code child} has printed a line matching {@code pattern} (searching from the
     * {@code after}-th line on) and returns the match; fails when it exits first or after {@code timeout}.
     */
    static Matcher awaitLine(Child child, Pattern pattern, int after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = child.output().lines().toList();
            for (String line : lines.subList(Math.min(after, lines.size()), lines.size())) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            if (!child.process().isAlive()) {
                throw new AssertionError("exited before printing /" + pattern + "/: " + child.tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line /" + pattern + "/ within " + timeout + ": " + child.tail());
            }
            Thread.sleep(100);
        }
    }

    /** How many lines {@code child} has printed so far. */
    static int lineCount(Child child) {
        return (int) child.output().lines().count();
    }

    /** SIGKILL (Process.destroyForcibly on Linux) and wait until it is gone. */
    static void kill9(Child child) throws InterruptedException {
        child.process().destroyForcibly();
        if (!child.process().waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(child.name() + " survived SIGKILL");
        }
    }

    /** The tails of every log, for failure messages. */
    synchronized String tails() {
        StringBuilder s = new StringBuilder();
        for (Child c : started) {
            s.append('\n').append(c.tail());
        }
        return s.toString();
    }

    private synchronized void killAll() {
        for (Child c : started) {
            c.process().destroyForcibly();
        }
        for (Child c : started) {
            try {
                c.process().waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs killAll itself
        }
    }
}
