package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MutexAndPoolsTest extends WireMockSupport {
    private static final String UNLOCKED = "{\"lock_status\":\"unlocked\",\"lock_type\":\"unlocked\"}";
    private static final String HELD = "{\"errors\":\"Tag with label 'blueprint bp-1 locked' already exists\"}";

    private void stubLockStatus(String body) {
        wm.stubFor(get(urlEqualTo(bpPath("/lock-status"))).willReturn(okJson(body)));
    }

    @Test
    void tryLockCreatesTheTerraformCompatibleTagAndCloseDeletesIt() {
        stubLockStatus(UNLOCKED);
        wm.stubFor(post(urlEqualTo("/api/design/tags")).willReturn(json(201, "{\"id\":\"tag-1\"}")));
        wm.stubFor(delete(urlEqualTo("/api/design/tags/tag-1"))
                .willReturn(aResponse().withStatus(204)));
        BlueprintMutex mutex = client.blueprint(BP).mutex();

        try (MutexLock lock = mutex.tryLock("fabricbinder controller-0").orElseThrow()) {
            assertThat(lock.tagId()).isEqualTo("tag-1");
            wm.verify(0, deleteRequestedFor(urlEqualTo("/api/design/tags/tag-1")));
        }

        assertThat(mutex.label()).isEqualTo("blueprint bp-1 locked");
        wm.verify(postRequestedFor(urlEqualTo("/api/design/tags"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .withRequestBody(equalToJson(
                        "{\"label\":\"blueprint bp-1 locked\",\"description\":\"fabricbinder controller-0\"}")));
        wm.verify(1, deleteRequestedFor(urlEqualTo("/api/design/tags/tag-1")).withHeader("AuthToken", equalTo(TOKEN)));
    }

    @Test
    void tagThatAlreadyExistsMeansHeld() {
        stubLockStatus(UNLOCKED);
        wm.stubFor(post(urlEqualTo("/api/design/tags")).willReturn(json(422, HELD)));

        assertThat(client.blueprint(BP).mutex().tryLock("me")).isEmpty();
    }

    @Test
    void stagingLockedByAnotherUserMeansHeldWithoutCreatingTheTag() {
        stubLockStatus("{\"lock_status\":\"locked\",\"lock_type\":\"lock_by_changes\",\"username\":\"bob\","
                + "\"user_id\":\"user-9\",\"possible_override\":false}");

        assertThat(client.blueprint(BP).mutex().tryLock("me")).isEmpty();

        wm.verify(0, postRequestedFor(urlEqualTo("/api/design/tags")));
    }

    @Test
    void stagingLockedByMyOwnUserDoesNotBlock() {
        stubLockStatus("{\"lock_status\":\"locked\",\"lock_type\":\"lock_by_changes\",\"user_id\":\"user-1\"}");
        wm.stubFor(post(urlEqualTo("/api/design/tags")).willReturn(json(201, "{\"id\":\"tag-2\"}")));

        assertThat(client.blueprint(BP).mutex().tryLock("me"))
                .map(MutexLock::tagId)
                .hasValue("tag-2");
    }

    @Test
    void lockWaitsUntilTheHolderReleases() {
        stubLockStatus(UNLOCKED);
        wm.stubFor(post(urlEqualTo("/api/design/tags"))
                .inScenario("m")
                .whenScenarioStateIs(STARTED)
                .willReturn(json(422, HELD))
                .willSetStateTo("free"));
        wm.stubFor(post(urlEqualTo("/api/design/tags"))
                .inScenario("m")
                .whenScenarioStateIs("free")
                .willReturn(json(201, "{\"id\":\"tag-3\"}")));

        MutexLock lock = client.blueprint(BP).mutex().lock("me", Duration.ofSeconds(10));

        assertThat(lock.tagId()).isEqualTo("tag-3");
        assertThat(sleeps).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void lockGivesUpAfterTheWait() {
        stubLockStatus(UNLOCKED);
        wm.stubFor(post(urlEqualTo("/api/design/tags")).willReturn(json(422, HELD)));

        assertThatThrownBy(() -> client.blueprint(BP).mutex().lock("me", Duration.ofSeconds(2)))
                .isInstanceOf(ApstraTimeoutException.class)
                .hasMessageContaining("blueprint bp-1 locked");
    }

    @Test
    void releasingATagRemovedByHandSucceeds() {
        stubLockStatus(UNLOCKED);
        wm.stubFor(post(urlEqualTo("/api/design/tags")).willReturn(json(201, "{\"id\":\"tag-4\"}")));
        wm.stubFor(delete(urlEqualTo("/api/design/tags/tag-4")).willReturn(json(404, "{\"errors\":\"gone\"}")));

        Optional<MutexLock> lock = client.blueprint(BP).mutex().tryLock("me");
        lock.orElseThrow().close();
        lock.orElseThrow().close();

        wm.verify(1, deleteRequestedFor(urlEqualTo("/api/design/tags/tag-4")));
    }

    @Test
    void vniPoolsParseStringCountersAndValidateAVni() {
        wm.stubFor(get(urlEqualTo("/api/resources/vni-pools"))
                .willReturn(okJson("{\"items\":[{\"id\":\"vni-a\",\"display_name\":\"tenants\",\"status\":\"in_use\","
                        + "\"used\":\"2\",\"total\":\"10001\",\"used_percentage\":0.02,\"ranges\":[{\"first\":10000,"
                        + "\"last\":20000,\"status\":\"pool_element_in_use\",\"used\":\"2\",\"total\":\"10001\"}],"
                        + "\"created_at\":\"x\",\"last_modified_at\":\"y\",\"tags\":[\"fb\"]}]}")));

        List<ResourcePool> pools = client.resourcePools().vniPools();

        assertThat(pools).singleElement().satisfies(p -> {
            assertThat(p.used()).isEqualTo(2);
            assertThat(p.total()).isEqualTo(10001);
            assertThat(p.ranges()).containsExactly(new ResourcePool.Range(10000, 20000));
        });
        assertThat(client.resourcePools().findVniPoolContaining(15000))
                .map(ResourcePool::id)
                .hasValue("vni-a");
        assertThat(client.resourcePools().findVniPoolContaining(5000)).isEmpty();
    }

    @Test
    void ipAndVlanPools() {
        wm.stubFor(get(urlEqualTo("/api/resources/ip-pools"))
                .willReturn(
                        okJson("{\"items\":[{\"id\":\"ip-a\",\"display_name\":\"svi\",\"used\":\"0\",\"total\":\"256\","
                                + "\"subnets\":[{\"network\":\"10.0.0.0/24\",\"status\":\"x\"}],\"tags\":[]}]}")));
        wm.stubFor(
                get(urlEqualTo("/api/resources/vlan-pools"))
                        .willReturn(
                                okJson(
                                        "{\"items\":[{\"id\":\"vl\",\"ranges\":[{\"first\":100,\"last\":199}],\"used\":\"1\",\"total\":\"100\"}]}")));

        assertThat(client.resourcePools().ipPools())
                .containsExactly(new IpPool("ip-a", "svi", null, 0, 256, List.of("10.0.0.0/24"), List.of()));
        assertThat(client.resourcePools().vlanPools().get(0).contains(150)).isTrue();
    }
}
