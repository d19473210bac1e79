package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class RetryTest extends WireMockSupport {
    private static final String DIFF = "{\"status\":\"undeployed\",\"staging_version\":3,\"deployed_version\":2}";

    private void failThenSucceed(ResponseDefinitionBuilder first) {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status")))
                .inScenario("flaky")
                .whenScenarioStateIs(STARTED)
                .willReturn(first)
                .willSetStateTo("ok"));
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status")))
                .inScenario("flaky")
                .whenScenarioStateIs("ok")
                .willReturn(okJson(DIFF)));
    }

    @Test
    void retries503ThenSucceedsWithJitteredBackoff() {
        failThenSucceed(json(503, "{\"errors\":\"busy\"}"));

        DiffStatus d = client.blueprint(BP).diffStatus();

        assertThat(d.stagingVersion()).isEqualTo(3);
        assertThat(d.hasUndeployedChanges()).isTrue();
        wm.verify(2, getRequestedFor(urlEqualTo(bpPath("/diff-status"))));
        assertThat(sleeps)
                .singleElement()
                .satisfies(s -> assertThat(s).isBetween(Duration.ofMillis(50), Duration.ofMillis(100)));
    }

    @Test
    void honoursRetryAfterOn429() {
        failThenSucceed(json(429, "{\"errors\":\"slow down\"}").withHeader("Retry-After", "3"));

        client.blueprint(BP).diffStatus();

        assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void retriesConnectionResetOnIdempotentCall() {
        failThenSucceed(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        assertThat(client.blueprint(BP).diffStatus().deployedVersion()).isEqualTo(2);

        wm.verify(2, getRequestedFor(urlEqualTo(bpPath("/diff-status"))));
    }

    @Test
    void connectionResetOnPostIsNotRetried() {
        client.version();
        wm.stubFor(post(urlPathEqualTo(bpPath("/revert")))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> client.blueprint(BP).revert())
                .isInstanceOfSatisfying(ApstraTransportException.class, e -> {
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.method()).isEqualTo("POST");
                    assertThat(e.path()).isEqualTo(bpPath("/revert"));
                });
        wm.verify(1, postRequestedFor(urlPathEqualTo(bpPath("/revert"))));
    }

    @Test
    void postIsNotRetriedOn503() {
        client.version();
        wm.stubFor(post(urlPathEqualTo(bpPath("/revert"))).willReturn(json(503, "{\"errors\":\"busy\"}")));

        assertThatThrownBy(() -> client.blueprint(BP).revert()).isInstanceOfSatisfying(ApstraHttpException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(503);
            assertThat(e.isRetryable()).isTrue();
        });
        wm.verify(1, postRequestedFor(urlPathEqualTo(bpPath("/revert"))));
        assertThat(sleeps).isEmpty();
    }

    @Test
    void attemptsAreBounded() {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status"))).willReturn(json(502, "{\"errors\":\"bad gateway\"}")));

        assertThatThrownBy(() -> client.blueprint(BP).diffStatus())
                .isInstanceOfSatisfying(
                        ApstraHttpException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(502));

        wm.verify(4, getRequestedFor(urlEqualTo(bpPath("/diff-status"))));
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void retryAfterBeyondDeadlineFailsAtOnce() {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status")))
                .willReturn(json(429, "{\"errors\":\"later\"}").withHeader("Retry-After", "120")));

        assertThatThrownBy(() -> client.blueprint(BP).diffStatus())
                .isInstanceOfSatisfying(
                        ApstraHttpException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(429));

        wm.verify(1, getRequestedFor(urlEqualTo(bpPath("/diff-status"))));
        assertThat(sleeps).isEmpty();
    }

    @Test
    void slowResponsePastTheDeadlineIsATransportError() {
        ApstraClient fast = ApstraClient.builder()
                .baseUrl(java.net.URI.create(wm.baseUrl()))
                .credentials(new Credentials("admin", "s3cret-pw"))
                .clock(InstantSource.system())
                .callTimeout(Duration.ofMillis(400))
                .retryPolicy(RetryPolicy.none())
                .build();
        try {
            fast.version();
            wm.stubFor(get(urlEqualTo(bpPath("/diff-status")))
                    .willReturn(okJson(DIFF).withFixedDelay(3000)));

            assertThatThrownBy(() -> fast.blueprint(BP).diffStatus())
                    .isInstanceOfSatisfying(ApstraTransportException.class, e -> {
                        assertThat(e.isRetryable()).isTrue();
                        assertThat(e.getMessage()).contains("GET " + bpPath("/diff-status"));
                    });
        } finally {
            fast.close();
        }
    }

    @Test
    void retryPolicyBackoffDoublesUpToTheCap() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(700));

        assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.backoff(4)).isEqualTo(Duration.ofMillis(700));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
