package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulatorCommandTest {
    private static final Pattern URL = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern BLUEPRINT = Pattern.compile("blueprint: +(\\S+)");

    @Test
    void servesTheApstraApiOnLoopbackUntilInterrupted() throws Exception {
        Running emulator = Running.start("emulator", "--port", "0");

        String login = post(emulator.url() + "/api/user/login", "{\"username\":\"admin\",\"password\":\"admin\"}");
        String token = login.replaceAll("(?s).*\"token\" *: *\"([^\"]+)\".*", "$1");
        String blueprint = get(emulator.url() + "/api/blueprints/" + emulator.blueprint(), token);
        int code = emulator.stop();

        assertThat(login).contains("\"token\"");
        assertThat(blueprint).contains(emulator.blueprint());
        assertThat(code).isZero();
        assertThat(emulator.out.toString())
                .contains("user:       admin", "password:   admin", "Apstra emulator stopped.");
    }

    @Test
    void acceptsTheStaticTopologyFormat(@TempDir Path dir) throws Exception {
        Path topology = dir.resolve("topology.yaml");
        Files.writeString(topology, "links:\n  - {node: db-7, nic: ens2f0, leaf: leaf9, port: xe-0/0/1}\n");
        Running emulator = Running.start("emulator", "--port", "0", "--topology", topology.toString());

        String token = post(emulator.url() + "/api/user/login", "{\"username\":\"admin\",\"password\":\"admin\"}")
                .replaceAll("(?s).*\"token\" *: *\"([^\"]+)\".*", "$1");
        String cabling = get(emulator.url() + "/api/blueprints/" + emulator.blueprint() + "/cabling-map", token);
        emulator.stop();

        assertThat(cabling).contains("leaf9", "db-7");
        assertThat(emulator.out.toString()).contains("servers [db-7]");
    }

    @Test
    void badTopologyIsAnInputErrorNamingTheField(@TempDir Path dir) throws Exception {
        Path topology = dir.resolve("topology.yaml");
        Files.writeString(topology, "links:\n  - {node: worker-1, nic: ens1f0, leaf: leaf1}\n");

        CliRun run = CliRun.of("emulator", "--port", "0", "--topology", topology.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("links[0].port");
    }

    @Test
    void aLeafPortCabledTwiceIsAnInputErrorNamingTheFileAndBothNics(@TempDir Path dir) throws Exception {
        Path topology = dir.resolve("topology.yaml");
        Files.writeString(topology, """
                links:
                  - {node: worker-1, nic: ens1f0, leaf: leaf1, port: xe-0/0/10}
                  - {node: worker-2, nic: ens1f0, leaf: leaf1, port: xe-0/0/10}
                """);

        CliRun run = CliRun.of("emulator", "--port", "0", "--topology", topology.toString());

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("static:topology.yaml", "leaf1 xe-0/0/10", "worker-1/ens1f0", "worker-2/ens1f0");
    }

    private static String post(String url, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return response.body();
    }

    private static String get(String url, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("AuthToken", token)
                .GET()
                .build();
        HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The emulator subcommand running on its own thread, as a user's terminal would run it. */
    private record Running(Thread thread, StringWriter out, AtomicInteger code, String url, String blueprint) {
        static Running start(String... args) throws InterruptedException {
            StringWriter out = new StringWriter();
            AtomicInteger code = new AtomicInteger(-1);
            Thread thread = new Thread(
                    () -> code.set(FabricBinderCli.run(
                            Map.of(), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args)),
                    "emulator-command");
            thread.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                String text;
                synchronized (out.getBuffer()) {
                    text = out.toString();
                }
                Matcher url = URL.matcher(text);
                Matcher blueprint = BLUEPRINT.matcher(text);
                if (url.find() && blueprint.find() && text.contains("Press Ctrl-C")) {
                    return new Running(thread, out, code, url.group(1), blueprint.group(1));
                }
                Thread.sleep(20);
            }
            thread.interrupt();
            throw new AssertionError("emulator did not start: " + out);
        }

        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
            return code.get();
        }
    }
}
