package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Pins every emulated endpoint to the JSON shapes, status codes and error bodies of the reference
 * ({@code apstra-api.md}). Each file in {@code src/test/resources/contract} holds one request and
 * the reference's example answer; the files run in name order against one emulator, so later
 * requests see the state earlier ones built.
 *
 * <p>Matching: {@code shape} requires every field of the example to exist with the same JSON type
 * (a {@code null} example accepts any type, an object with the single key {@code "<id>"} is a map
 * whose every value has that shape, every array element must have the shape of the example's
 * first element, a non-empty example array needs a non-empty answer, and fields listed in the
 * fixture's {@code nullable} array may be {@code null}); {@code exact} requires
 * equality; {@code contains} requires each example string to occur in the answer's string at the
 * same place; {@code empty} requires no body.
 */
class ContractTest {
    private static final ApstraEmulator EMULATOR = ApstraEmulator.start();

    @AfterAll
    static void stop() {
        EMULATOR.close();
    }

    @TestFactory
    Stream<DynamicTest> everyEndpointMatchesTheReference() throws IOException, URISyntaxException {
        Path dir = Path.of(ContractTest.class.getResource("/contract").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(40);
        Http h = Http.loggedIn(EMULATOR);
        Map<String, String> vars = new HashMap<>();
        vars.put("bp", EMULATOR.blueprintId());
        vars.put("leaf1", EMULATOR.systemId("leaf1"));
        vars.put("port", Json.opaqueId("if:leaf1:xe-0/0/10"));
        vars.put("spine-port", Json.opaqueId("if:spine1:et-0/0/0"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : files) {
            tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(h, read(f), vars)));
        }
        return tests.stream();
    }

    private static JsonNode read(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            return Http.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String substitute(String text, Map<String, String> vars) {
        String out = text.replace("\"{version}\"", String.valueOf(EMULATOR.stagingVersion()));
        for (Map.Entry<String, String> e : vars.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    private static void check(Http h, JsonNode fixture, Map<String, String> vars) {
        String[] request = substitute(fixture.get("request").asText(), vars).split(" ", 2);
        String path = request[1];
        String body = fixture.has("requestBody")
                ? substitute(fixture.get("requestBody").toString(), vars)
                : null;
        Http client = h;
        if (path.endsWith("?no-token")) {
            client = new Http(EMULATOR);
            path = path.substring(0, path.indexOf('?'));
        }

        Http.Resp resp = client.send(request[0], path, body);

        String why = fixture.get("source").asText() + " -> " + resp.status() + " " + resp.body();
        assertThat(resp.status()).as(why).isEqualTo(fixture.get("status").asInt());
        JsonNode expected = fixture.get("response");
        switch (fixture.get("match").asText()) {
            case "empty" -> assertThat(resp.body()).as(why).isEmpty();
            case "exact" -> assertThat(resp.json()).as(why).isEqualTo(expected);
            case "contains" -> contains(expected, resp.json(), "$", why);
            default -> {
                java.util.Set<String> nullable = new java.util.HashSet<>();
                fixture.path("nullable").forEach(n -> nullable.add(n.asText()));
                shape(expected, resp.json(), "$", why, nullable);
            }
        }
        if (resp.json().has("id")) {
            remember(fixture.get("request").asText(), resp.json(), vars);
        }
        if (resp.json().has("task_id")) {
            vars.put("task", resp.json().get("task_id").asText());
        }
    }

    private static void remember(String request, JsonNode json, Map<String, String> vars) {
        if (request.startsWith("POST") && request.endsWith("/security-zones")) {
            vars.put("sz", json.get("id").asText());
        } else if (request.startsWith("POST") && request.endsWith("/virtual-networks")) {
            vars.put("vn", json.get("id").asText());
        }
    }

    static void shape(JsonNode expected, JsonNode actual, String where, String why, java.util.Set<String> nullable) {
        if (expected == null || expected.isNull()) {
            return;
        }
        if (actual != null && actual.isNull() && nullable.contains(where.substring(where.lastIndexOf('.') + 1))) {
            return;
        }
        assertThat(actual).as(where + " missing; " + why).isNotNull();
        assertThat(actual.isMissingNode()).as(where + " missing; " + why).isFalse();
        if (expected.isObject()) {
            assertThat(actual.isObject())
                    .as(where + " must be an object; " + why)
                    .isTrue();
            if (expected.size() == 1 && expected.has("<id>")) {
                assertThat(actual.size())
                        .as(where + " must not be empty; " + why)
                        .isPositive();
                actual.properties().forEach(e -> {
                    assertThat(e.getValue().path("id").asText(e.getKey()))
                            .as(where + " map key equals id")
                            .isEqualTo(e.getKey());
                    shape(expected.get("<id>"), e.getValue(), where + "." + e.getKey(), why, nullable);
                });
                return;
            }
            expected.properties().forEach(e -> {
                assertThat(actual.has(e.getKey()))
                        .as(where + "." + e.getKey() + " missing; " + why)
                        .isTrue();
                shape(e.getValue(), actual.get(e.getKey()), where + "." + e.getKey(), why, nullable);
            });
        } else if (expected.isArray()) {
            assertThat(actual.isArray()).as(where + " must be an array; " + why).isTrue();
            if (!expected.isEmpty()) {
                assertThat(actual.size())
                        .as(where + " must not be empty; " + why)
                        .isPositive();
                for (int i = 0; i < actual.size(); i++) {
                    shape(expected.get(0), actual.get(i), where + "[" + i + "]", why, nullable);
                }
            }
        } else if (expected.isTextual()) {
            assertThat(actual.isTextual())
                    .as(where + " must be a string; " + why)
                    .isTrue();
        } else if (expected.isBoolean()) {
            assertThat(actual.isBoolean())
                    .as(where + " must be a boolean; " + why)
                    .isTrue();
        } else if (expected.isIntegralNumber()) {
            assertThat(actual.isIntegralNumber())
                    .as(where + " must be an integer; " + why)
                    .isTrue();
        } else if (expected.isNumber()) {
            assertThat(actual.isNumber())
                    .as(where + " must be a number; " + why)
                    .isTrue();
        }
    }

    private static void contains(JsonNode expected, JsonNode actual, String where, String why) {
        if (expected.isTextual()) {
            assertThat(actual.isTextual())
                    .as(where + " must be a string; " + why)
                    .isTrue();
            assertThat(actual.asText()).as(where + "; " + why).contains(expected.asText());
            return;
        }
        expected.properties().forEach(e -> {
            assertThat(actual.has(e.getKey()))
                    .as(where + "." + e.getKey() + " missing; " + why)
                    .isTrue();
            contains(e.getValue(), actual.get(e.getKey()), where + "." + e.getKey(), why);
        });
    }
}
