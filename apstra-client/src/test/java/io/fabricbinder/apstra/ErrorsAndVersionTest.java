package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ErrorsAndVersionTest extends WireMockSupport {

    @Test
    void stringErrorsBecomeNotFoundWithPathAndText() {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status")))
                .willReturn(json(404, "{\"errors\":\"Blueprint bp-1 of type staging not found\"}")));

        assertThatThrownBy(() -> client.blueprint(BP).diffStatus())
                .isInstanceOfSatisfying(ApstraNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.method()).isEqualTo("GET");
                    assertThat(e.path()).isEqualTo(bpPath("/diff-status"));
                    assertThat(e.errorText()).isEqualTo("Blueprint bp-1 of type staging not found");
                    assertThat(e.fieldErrors()).isEmpty();
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage())
                            .isEqualTo("GET /api/blueprints/bp-1/diff-status returned 404: "
                                    + "Blueprint bp-1 of type staging not found")
                            .doesNotContain(TOKEN);
                });
    }

    @Test
    void objectErrorsBecomeAFieldMap() {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status")))
                .willReturn(json(
                        422,
                        "{\"errors\":{\"reserved_vlan_id\":\"Value should be at least 1 and at most 4094\","
                                + "\"nested\":{\"a\":\"b\"}}}")));

        assertThatThrownBy(() -> client.blueprint(BP).diffStatus())
                .isInstanceOfSatisfying(ApstraHttpException.class, e -> {
                    assertThat(e).isExactlyInstanceOf(ApstraHttpException.class);
                    assertThat(e.fieldErrors())
                            .containsEntry("reserved_vlan_id", "Value should be at least 1 and at most 4094")
                            .containsEntry("nested.a", "b");
                    assertThat(e.errorText()).contains("reserved_vlan_id: Value should be at least 1");
                });
    }

    @Test
    void alreadyExistsAndNotUniqueAreConflictsThatAreNotRetryable() {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status")))
                .willReturn(json(422, "{\"errors\":{\"label\":\"Virtual Network name not unique\"}}")));

        assertThatThrownBy(() -> client.blueprint(BP).diffStatus())
                .isInstanceOfSatisfying(ApstraConflictException.class, e -> {
                    assertThat(e.isExists()).isTrue();
                    assertThat(e.isRetryable()).isFalse();
                });
    }

    @Test
    void http409IsARetryableConflict() {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status"))).willReturn(json(409, "{\"errors\":\"changed\"}")));

        assertThatThrownBy(() -> client.blueprint(BP).diffStatus())
                .isInstanceOfSatisfying(ApstraConflictException.class, e -> {
                    assertThat(e.isExists()).isFalse();
                    assertThat(e.isRetryable()).isTrue();
                });
    }

    @Test
    void nonJsonErrorBodyStillGivesStatusAndPath() {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status"))).willReturn(json(400, "<html>bad</html>")));

        assertThatThrownBy(() -> client.blueprint(BP).diffStatus())
                .isInstanceOfSatisfying(ApstraHttpException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.errorText()).isEmpty();
                });
    }

    @Test
    void detectsNonSemverVersion() {
        ApstraVersion v = client.version();

        assertThat(v.text()).isEqualTo("4.2.1.1");
        assertThat(v.parts()).containsExactly(4, 2, 1, 1);
        assertThat(v.atLeast("4.2.1")).isTrue();
        assertThat(v.atLeast("6.2")).isFalse();
    }

    @Test
    void fallsBackToApiVersionWhenVersionsApiIsMissing() {
        wm.stubFor(get(urlEqualTo("/api/versions/api")).willReturn(json(404, "{\"errors\":\"no\"}")));
        wm.stubFor(get(urlEqualTo("/api/version"))
                .willReturn(okJson("{\"major\":\"5\",\"version\":\"5.1.0\",\"build\":\"0\",\"minor\":\"1\"}")));

        assertThat(client.version().text()).isEqualTo("5.1.0");
    }

    @Test
    void unsupportedVersionFailsClearlyUnlessAllowed() {
        stubVersion("3.3.0");

        assertThatThrownBy(() -> client.version())
                .isInstanceOf(ApstraVersionException.class)
                .hasMessageContaining("3.3.0")
                .hasMessageContaining("4.2 to 6.x");

        ApstraClient lenient = builder().allowUnsupportedVersion(true).build();
        try {
            assertThat(lenient.version().major()).isEqualTo(3);
        } finally {
            lenient.close();
        }
    }

    @Test
    void versionParsingAndRange() {
        assertThat(ApstraVersion.parse("6.1.2").isSupported()).isTrue();
        assertThat(ApstraVersion.parse("6.99").isSupported()).isTrue();
        assertThat(ApstraVersion.parse("7.0.0").isSupported()).isFalse();
        assertThat(ApstraVersion.parse("4.1.2").isSupported()).isFalse();
        assertThat(ApstraVersion.parse("3.3.0-730").parts()).containsExactly(3, 3, 0);
        assertThat(ApstraVersion.parse("4.2.1.1")).isGreaterThan(ApstraVersion.parse("4.2.1"));
        assertThat(ApstraVersion.parse("4.2")).isEqualByComparingTo(ApstraVersion.parse("4.2.0"));
        assertThatThrownBy(() -> ApstraVersion.parse("abc")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lockStatusParsesOtherHolder() {
        wm.stubFor(
                get(urlEqualTo(bpPath("/lock-status")))
                        .willReturn(
                                okJson(
                                        "{\"lock_status\":\"locked\",\"lock_type\":\"lock_by_changes\",\"username\":\"bob\","
                                                + "\"first_name\":\"B\",\"last_name\":\"O\",\"user_id\":\"user-9\",\"possible_override\":true}")));

        LockStatus s = client.blueprint(BP).lockStatus();

        assertThat(s.isUnlocked()).isFalse();
        assertThat(s.isLockedByOtherThan("user-1")).isTrue();
        assertThat(s.isLockedByOtherThan("user-9")).isFalse();
        assertThat(s.username()).isEqualTo("bob");
    }
}
