package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class SessionTest extends WireMockSupport {

    private static final String LIST = "{\"items\":[{\"id\":\"bp-1\",\"label\":\"dc1\",\"design\":\"two_stage_l3clos\","
            + "\"version\":7,\"has_uncommitted_changes\":true,\"build_errors_count\":0,\"build_warnings_count\":2,"
            + "\"new_field\":{\"x\":1}}]}";

    @Test
    void logsInWithAaaPathAndSendsAuthTokenHeader() {
        wm.stubFor(get(urlEqualTo("/api/blueprints")).willReturn(okJson(LIST)));

        List<BlueprintSummary> list = client.blueprints();

        assertThat(list).singleElement().satisfies(b -> {
            assertThat(b.id()).isEqualTo("bp-1");
            assertThat(b.version()).isEqualTo(7);
            assertThat(b.hasUncommittedChanges()).isTrue();
            assertThat(b.buildWarningsCount()).isEqualTo(2);
        });
        wm.verify(
                1,
                postRequestedFor(urlEqualTo("/api/aaa/login"))
                        .withHeader("AuthToken", absent())
                        .withRequestBody(equalToJson("{\"username\":\"admin\",\"password\":\"s3cret-pw\"}")));
        wm.verify(getRequestedFor(urlEqualTo("/api/blueprints"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .withHeader("User-Agent", equalTo("fabricbinder-apstra-client")));
        assertThat(client.userId()).isEqualTo("user-1");
    }

    @Test
    void fallsBackToUserLoginOn404AndLogsOutThere() {
        wm.stubFor(post(urlEqualTo("/api/aaa/login")).willReturn(json(404, "{\"errors\":\"not found\"}")));
        wm.stubFor(post(urlEqualTo("/api/user/login")).willReturn(json(201, "{\"token\":\"tok-u\",\"id\":\"u\"}")));
        wm.stubFor(post(urlEqualTo("/api/user/logout")).willReturn(aResponse().withStatus(200)));
        wm.stubFor(get(urlEqualTo("/api/blueprints")).willReturn(okJson("{\"items\":[]}")));

        assertThat(client.blueprints()).isEmpty();
        client.close();

        wm.verify(getRequestedFor(urlEqualTo("/api/blueprints")).withHeader("AuthToken", equalTo("tok-u")));
        wm.verify(1, postRequestedFor(urlEqualTo("/api/user/logout")).withHeader("AuthToken", equalTo("tok-u")));
    }

    @Test
    void badCredentialsGive401WithoutPasswordInMessage() {
        wm.stubFor(post(urlEqualTo("/api/aaa/login")).willReturn(json(401, "{\"errors\":\"Invalid credentials\"}")));

        assertThatThrownBy(() -> client.blueprints()).isInstanceOfSatisfying(ApstraHttpException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(401);
            assertThat(e.path()).isEqualTo("/api/aaa/login");
            assertThat(e.errorText()).isEqualTo("Invalid credentials");
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).doesNotContain("s3cret-pw");
        });
    }

    @Test
    void reLogsInOnceOn401MidSessionAndRetries() {
        client.version(); // session established with tok-1
        stubTokenRotation();
        wm.stubFor(get(urlEqualTo("/api/blueprints"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .willReturn(json(401, "{\"errors\":\"Token expired\"}")));
        wm.stubFor(get(urlEqualTo("/api/blueprints"))
                .withHeader("AuthToken", equalTo("tok-2"))
                .willReturn(okJson(LIST)));

        assertThat(client.blueprints()).hasSize(1);

        wm.verify(2, postRequestedFor(urlEqualTo("/api/aaa/login")));
        wm.verify(1, getRequestedFor(urlEqualTo("/api/blueprints")).withHeader("AuthToken", equalTo("tok-2")));
    }

    @Test
    void secondConsecutive401IsThrownNotLooped() {
        wm.stubFor(get(urlEqualTo("/api/blueprints")).willReturn(json(401, "{\"errors\":\"nope\"}")));

        assertThatThrownBy(() -> client.blueprints())
                .isInstanceOfSatisfying(
                        ApstraHttpException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(401))
                .hasMessageNotContaining(TOKEN);
        wm.verify(2, postRequestedFor(urlEqualTo("/api/aaa/login")));
    }

    @Test
    void thirtyTwoThreadsDuringForcedReLoginDoExactlyOneLogin() throws Exception {
        wm.stubFor(get(urlEqualTo("/api/blueprints"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .willReturn(okJson(LIST)));
        assertThat(client.blueprints()).hasSize(1); // session established with tok-1
        wm.resetRequests();
        stubTokenRotation();
        // tok-1 is now expired for everyone; tok-2 works after a little latency.
        wm.stubFor(get(urlEqualTo("/api/blueprints"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .willReturn(json(401, "{\"errors\":\"expired\"}")));
        wm.stubFor(get(urlEqualTo("/api/blueprints"))
                .withHeader("AuthToken", equalTo("tok-2"))
                .willReturn(okJson(LIST)));
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<BlueprintSummary>>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return client.blueprints();
                }));
            }
            start.countDown();
            for (Future<List<BlueprintSummary>> f : results) {
                assertThat(f.get(20, TimeUnit.SECONDS)).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }

        wm.verify(1, postRequestedFor(urlEqualTo("/api/aaa/login")));
        wm.verify(32, getRequestedFor(urlEqualTo("/api/blueprints")).withHeader("AuthToken", equalTo("tok-2")));
    }

    @Test
    void closeLogsOutWithTokenAndIsIdempotent() {
        wm.stubFor(get(urlEqualTo("/api/blueprints")).willReturn(okJson("{\"items\":[]}")));
        client.blueprints();

        client.close();
        client.close();

        wm.verify(1, postRequestedFor(urlEqualTo("/api/aaa/logout")).withHeader("AuthToken", equalTo(TOKEN)));
        assertThatThrownBy(() -> client.blueprints()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithoutSessionSendsNoLogout() {
        client.close();

        wm.verify(0, postRequestedFor(urlEqualTo("/api/aaa/logout")));
    }

    @Test
    void callerOwnedHttpClientIsNeverClosed() {
        OkHttpClient mine = new OkHttpClient();
        try {
            wm.stubFor(get(urlEqualTo("/api/blueprints")).willReturn(okJson("{\"items\":[]}")));
            ApstraClient c =
                    builder().httpClient(mine).userAgent("my-controller/1.0").build();
            c.blueprints();

            c.close();

            assertThat(mine.dispatcher().executorService().isShutdown()).isFalse();
            wm.verify(getRequestedFor(urlEqualTo("/api/blueprints"))
                    .withHeader("User-Agent", equalTo("my-controller/1.0")));
        } finally {
            mine.dispatcher().executorService().shutdown();
            mine.connectionPool().evictAll();
        }
    }

    @Test
    void builderRejectsMissingAndInvalidSettings() {
        assertThatThrownBy(() -> ApstraClient.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> ApstraClient.builder().callTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("callTimeout");
        assertThatThrownBy(() -> new Credentials(" ", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Credentials("admin", "s3cret-pw").toString()).doesNotContain("s3cret-pw");
    }

    private void stubTokenRotation() {
        wm.stubFor(post(urlEqualTo("/api/aaa/login"))
                .inScenario("rotation")
                .whenScenarioStateIs(STARTED)
                .willReturn(json(201, "{\"token\":\"tok-2\",\"id\":\"user-1\"}").withFixedDelay(50))
                .willSetStateTo("rotated"));
        wm.stubFor(post(urlEqualTo("/api/aaa/login"))
                .inScenario("rotation")
                .whenScenarioStateIs("rotated")
                .willReturn(json(201, "{\"token\":\"tok-3\",\"id\":\"user-1\"}")));
    }
}
