package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
    private final ApstraEmulator emulator = ApstraEmulator.start();
    private final Http h = Http.loggedIn(emulator);

    @AfterEach
    void close() {
        emulator.close();
    }

    @Test
    void failNextWith429CarriesRetryAfterAndLeavesStateAlone() {
        emulator.faults().failNext(2, 429, "POST .*security-zones", Duration.ofMillis(1500));
        String body = "{\"label\":\"blue\",\"vrf_name\":\"blue\",\"sz_type\":\"evpn\"}";

        Http.Resp first = h.post(h.bp + "/security-zones", body);
        Http.Resp second = h.post(h.bp + "/security-zones", body);
        Http.Resp third = h.post(h.bp + "/security-zones", body);

        assertThat(first.status()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(first.json().get("errors").asText()).isNotEmpty();
        assertThat(second.status()).isEqualTo(429);
        assertThat(third.status()).isEqualTo(201);
        assertThat(emulator.securityZones(Stage.STAGING)).hasSize(2);
    }

    @Test
    void failuresOnlyHitMatchingEndpoints() {
        emulator.faults().failNext(1, 503, "PUT .*deploy").failNext(1, 500, "GET .*diff-status");

        Http.Resp other = h.get(h.bp + "/lock-status");
        Http.Resp diff = h.get(h.bp + "/diff-status");
        Http.Resp deploy = h.put(h.bp + "/deploy", "{\"version\":1}");
        Http.Resp deployAgain = h.put(h.bp + "/deploy", "{\"version\":1}");

        assertThat(other.status()).isEqualTo(200);
        assertThat(diff.status()).isEqualTo(500);
        assertThat(deploy.status()).isEqualTo(503);
        assertThat(deployAgain.status()).isEqualTo(204);
    }

    @Test
    void droppedConnectionGivesNoResponseAndNoChange() {
        emulator.faults().dropNext(1, "POST .*security-zones");

        assertThatThrownBy(() -> h.post(h.bp + "/security-zones", "{\"label\":\"x\",\"sz_type\":\"evpn\"}"))
                .isInstanceOf(UncheckedIOException.class);

        assertThat(emulator.securityZones(Stage.STAGING)).hasSize(1);
        assertThat(emulator.requestLog())
                .last()
                .extracting(RecordedRequest::status)
                .isEqualTo(-1);
        assertThat(h.post(h.bp + "/security-zones", "{\"label\":\"x\",\"sz_type\":\"evpn\"}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void fixedLatencyDelaysResponses() {
        emulator.faults().latency(Duration.ofMillis(150));
        long start = System.nanoTime();

        h.get("/api/version");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        emulator.faults().clear();
    }

    @Test
    void randomLatencyStaysInRange() {
        emulator.faults().randomLatency(Duration.ofMillis(20), Duration.ofMillis(60), 42);
        long start = System.nanoTime();

        for (int i = 0; i < 3; i++) {
            h.get("/api/version");
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(60));
    }

    @Test
    void expireTokensNowForcesRelogin() {
        emulator.faults().expireTokensNow();

        assertThat(h.get("/api/blueprints").status()).isEqualTo(401);
        h.login(emulator.username(), emulator.password());
        assertThat(h.get("/api/blueprints").status()).isEqualTo(200);
    }

    @Test
    void foreignLockShowsInLockStatusAndTags() {
        emulator.faults().blueprintLockedBy("terraform");
        String label = "blueprint " + emulator.blueprintId() + " locked";

        Http.Resp lock = h.get(h.bp + "/lock-status");
        Http.Resp tag = h.post("/api/design/tags", "{\"label\":\"" + label + "\",\"description\":\"me\"}");

        assertThat(lock.json().get("lock_status").asText()).isEqualTo("locked");
        assertThat(lock.json().get("username").asText()).isEqualTo("terraform");
        assertThat(lock.json().get("user_id").asText()).isNotEqualTo(emulator.userId());
        assertThat(tag.status()).isEqualTo(422);
        assertThat(emulator.designTagLabels()).containsExactly(label);

        emulator.faults().releaseForeignLock();

        assertThat(h.get(h.bp + "/lock-status").json().get("lock_status").asText())
                .isEqualTo("unlocked");
        assertThat(h.post("/api/design/tags", "{\"label\":\"" + label + "\"}").status())
                .isEqualTo(201);
    }

    @Test
    void foreignChangeBetweenReadAndDeployMakesDeployStale() {
        h.createZone("blue");
        int read = h.stagingVersion();
        emulator.faults().foreignChangeBeforeNext("PUT .*deploy");

        Http.Resp deploy = h.put(h.bp + "/deploy", "{\"version\":" + read + "}");

        assertThat(deploy.status()).isEqualTo(409);
        assertThat(emulator.stagingVersion()).isEqualTo(read + 1);
        Http.Resp lock = h.get(h.bp + "/lock-status");
        assertThat(lock.json().get("user_id").asText()).isNotEqualTo(emulator.userId());
        assertThat(h.put(h.bp + "/deploy", "{\"version\":" + (read + 1) + "}").status())
                .isEqualTo(204);
    }

    @Test
    void requestLogAndCallCountsUseEndpointTemplates() {
        h.createZone("blue");
        h.get(h.bp + "/virtual-networks");
        h.get(h.bp + "/virtual-networks");

        assertThat(emulator.callCount("GET /api/blueprints/{bp}/virtual-networks"))
                .isEqualTo(2);
        assertThat(emulator.callCount("POST /api/blueprints/{bp}/security-zones"))
                .isEqualTo(1);
        assertThat(emulator.callCounts()).containsEntry("POST /api/aaa/login", 1);
        RecordedRequest login = emulator.requestLog().get(0);
        assertThat(login.body()).contains("<redacted>").doesNotContain("\"admin\"}");
        assertThat(emulator.requestLog())
                .last()
                .extracting(RecordedRequest::status)
                .isEqualTo(200);
    }

    @Test
    void resetRestoresSeedAndClearsFaultsAndLog() {
        h.createZone("blue");
        emulator.faults().failNext(5, 500, ".*").blueprintLockedBy("other");

        emulator.reset();

        assertThat(emulator.securityZones(Stage.STAGING)).hasSize(1);
        assertThat(emulator.stagingVersion()).isEqualTo(1);
        assertThat(emulator.designTagLabels()).isEmpty();
        assertThat(h.get(h.bp + "/lock-status").status()).isEqualTo(200);
        assertThat(emulator.requestLog()).hasSize(1);
    }

    @Test
    void unknownEndpointIs404() {
        Http.Resp r = h.get("/api/no/such/thing");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("errors").isTextual()).isTrue();
    }
}
