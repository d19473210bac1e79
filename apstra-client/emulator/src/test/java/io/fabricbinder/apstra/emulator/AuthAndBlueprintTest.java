package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthAndBlueprintTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T00:00:00Z"));
    private final ApstraEmulator emulator = ApstraEmulator.builder()
            .clock(now::get)
            .tokenTtl(Duration.ofMinutes(10))
            .apstraVersion("4.2.1")
            .start();

    @AfterEach
    void close() {
        emulator.close();
    }

    @Test
    void startsOnLoopbackWithFreePort() {
        assertThat(emulator.baseUrl().getHost()).isEqualTo("127.0.0.1");
        assertThat(emulator.port()).isPositive();
        assertThat(emulator.baseUrl().toString()).endsWith(":" + emulator.port());
    }

    @Test
    void loginOnBothPathsReturns201WithTokenAndUserId() {
        Http h = new Http(emulator);

        Http.Resp aaa = h.login("admin", "admin");
        Http.Resp user = h.post("/api/user/login", "{\"username\":\"admin\",\"password\":\"admin\"}");

        assertThat(aaa.status()).isEqualTo(201);
        assertThat(user.status()).isEqualTo(201);
        assertThat(aaa.json().get("token").asText()).contains(".");
        assertThat(aaa.json().get("id").asText()).isEqualTo(emulator.userId());
    }

    @Test
    void badCredentialsGet401WithApstraBody() {
        Http.Resp r = new Http(emulator).login("admin", "wrong");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("errors").asText()).isEqualTo("Invalid credentials");
    }

    @Test
    void callsWithoutTokenGet401() {
        Http.Resp r = new Http(emulator).get("/api/blueprints");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("errors").isTextual()).isTrue();
    }

    @Test
    void tokenExpiresAfterConfiguredTtl() {
        Http h = Http.loggedIn(emulator);
        assertThat(h.get("/api/blueprints").status()).isEqualTo(200);

        now.updateAndGet(t -> t.plus(Duration.ofMinutes(10)));

        assertThat(h.get("/api/blueprints").status()).isEqualTo(401);
        h.login("admin", "admin");
        assertThat(h.get("/api/blueprints").status()).isEqualTo(200);
    }

    @Test
    void logoutInvalidatesToken() {
        Http h = Http.loggedIn(emulator);

        assertThat(h.post("/api/user/logout", null).status()).isEqualTo(200);

        assertThat(h.get("/api/blueprints").status()).isEqualTo(401);
    }

    @Test
    void versionEndpointsNeedNoToken() {
        Http h = new Http(emulator);

        Http.Resp api = h.get("/api/versions/api");
        Http.Resp legacy = h.get("/api/version");

        assertThat(api.status()).isEqualTo(200);
        assertThat(api.json().get("version").asText()).isEqualTo("4.2.1");
        assertThat(api.json().get("major").asText()).isEqualTo("4");
        assertThat(api.json().get("minor").asText()).isEqualTo("2");
        assertThat(api.json().get("build").asText()).isEqualTo("1");
        assertThat(legacy.json()).isEqualTo(api.json());
    }

    @Test
    void configuredVersionIsReported() {
        try (ApstraEmulator six =
                ApstraEmulator.builder().apstraVersion("6.0.0").start()) {
            assertThat(new Http(six)
                            .get("/api/versions/api")
                            .json()
                            .get("version")
                            .asText())
                    .isEqualTo("6.0.0");
        }
    }

    @Test
    void blueprintListShowsSeededBlueprint() {
        Http h = Http.loggedIn(emulator);

        Http.Resp list = h.get("/api/blueprints");
        Http.Resp ids = h.send("OPTIONS", "/api/blueprints", null);

        assertThat(list.json().get("items")).hasSize(1);
        assertThat(list.json().get("items").get(0).get("id").asText()).isEqualTo(emulator.blueprintId());
        assertThat(list.json().get("items").get(0).get("design").asText()).isEqualTo("two_stage_l3clos");
        assertThat(list.json()
                        .get("items")
                        .get(0)
                        .get("has_uncommitted_changes")
                        .asBoolean())
                .isFalse();
        assertThat(ids.json().get("items").get(0).asText()).isEqualTo(emulator.blueprintId());
    }

    @Test
    void unknownBlueprintIs404WithApstraMessage() {
        Http h = Http.loggedIn(emulator);

        Http.Resp r = h.get("/api/blueprints/BP-does-not-exist");
        Http.Resp vns = h.get("/api/blueprints/BP-does-not-exist/virtual-networks");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("errors").asText()).isEqualTo("Blueprint BP-does-not-exist of type staging not found");
        assertThat(vns.status()).isEqualTo(404);
    }

    @Test
    void blueprintGraphHasSystemsInterfacesAndLinks() {
        Http h = Http.loggedIn(emulator);

        Http.Resp r = h.get(h.bp);

        assertThat(r.json().get("version").asInt()).isEqualTo(1);
        assertThat(r.json()
                        .get("nodes")
                        .get(emulator.systemId("leaf1"))
                        .get("role")
                        .asText())
                .isEqualTo("leaf");
        assertThat(r.json()
                        .get("nodes")
                        .get(emulator.systemId("worker-1"))
                        .get("system_type")
                        .asText())
                .isEqualTo("server");
        assertThat(r.json().get("relationships").size()).isPositive();
        assertThat(r.json().get("source_versions").get("config_blueprint").asInt())
                .isEqualTo(1);
    }

    @Test
    void cablingMapListsServerLinks() {
        Http h = Http.loggedIn(emulator);

        Http.Resp r = h.get(h.bp + "/experience/web/cabling-map?aggregate_links=true");

        assertThat(r.json().get("links").findValuesAsText("label"))
                .contains("worker-1<->leaf1:xe-0/0/10", "worker-3<->leaf1:xe-0/0/12");
        assertThat(h.get(h.bp + "/cabling-map").json().get("version").asInt()).isEqualTo(1);
    }

    @Test
    void closeStopsServing() {
        Http h = new Http(emulator);
        emulator.close();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.get("/api/version"))
                .isInstanceOf(java.io.UncheckedIOException.class);
    }
}
