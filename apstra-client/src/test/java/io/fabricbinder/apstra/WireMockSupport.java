package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts WireMock on a loopback port and builds clients against it with a fake clock and sleeper. */
abstract class WireMockSupport {
    static final String BP = "bp-1";
    static final String TOKEN = "tok-1";

    WireMockServer wm;
    final FakeClock clock = new FakeClock();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    ApstraClient client;

    /** A clock that only moves when the fake sleeper sleeps. */
    static final class FakeClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        @Override
        public Instant instant() {
            return Objects.requireNonNull(now.get());
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    @BeforeEach
    void startWireMock() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        wm.stubFor(post(urlEqualTo("/api/aaa/login"))
                .willReturn(json(201, "{\"token\":\"" + TOKEN + "\",\"id\":\"user-1\"}")));
        wm.stubFor(post(urlEqualTo("/api/aaa/logout")).willReturn(aResponse().withStatus(200)));
        stubVersion("4.2.1.1");
        client = builder().build();
    }

    @AfterEach
    void stopWireMock() {
        if (client != null) {
            client.close();
        }
        wm.stop();
    }

    void stubVersion(String version) {
        wm.stubFor(get(urlEqualTo("/api/versions/api"))
                .willReturn(okJson("{\"major\":\"" + version.split("\\.", -1)[0] + "\",\"minor\":\""
                        + version.split("\\.", -1)[1] + "\",\"build\":\"0\",\"version\":\"" + version + "\"}")));
    }

    ApstraClient.Builder builder() {
        return ApstraClient.builder()
                .baseUrl(URI.create(wm.baseUrl()))
                .credentials(new Credentials("admin", "s3cret-pw"))
                .clock(clock)
                .sleeper(d -> {
                    sleeps.add(d);
                    clock.advance(d);
                })
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2)))
                .callTimeout(Duration.ofSeconds(30))
                .taskTimeout(Duration.ofSeconds(60));
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    static String bpPath(String rest) {
        return "/api/blueprints/" + BP + rest;
    }

    /** Stubs an async write answering with a task id and the task detail answering with {@code detail}. */
    void stubTask(String taskId, String taskJson) {
        wm.stubFor(get(urlPathEqualTo(bpPath("/tasks/" + taskId))).willReturn(okJson(taskJson)));
    }

    static String succeededTask(String taskId, String apiResponse, long version) {
        return "{\"id\":\"" + taskId + "\",\"status\":\"succeeded\",\"type\":\"blueprint.facade.POST./x\","
                + "\"user_id\":\"user-1\",\"detailed_status\":{\"api_response\":" + apiResponse
                + ",\"config_blueprint_version\":" + version + ",\"errors\":null,\"error_code\":0}}";
    }

    static String taskAccepted(String taskId) {
        return "{\"id\":\"" + BP + "\",\"task_id\":\"" + taskId + "\"}";
    }
}
