package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BlueprintTest extends WireMockSupport {

    private void stubList(long version, boolean uncommitted, int buildErrors) {
        wm.stubFor(get(urlEqualTo("/api/blueprints"))
                .willReturn(okJson("{\"items\":[{\"id\":\"other\",\"label\":\"x\",\"version\":1},"
                        + "{\"id\":\"bp-1\",\"label\":\"dc1\",\"status\":\"succeeded\",\"design\":\"two_stage_l3clos\","
                        + "\"has_uncommitted_changes\":" + uncommitted + ",\"version\":" + version
                        + ",\"last_modified_at\":\"2026-01-01T00:00:00.000000Z\",\"build_errors_count\":" + buildErrors
                        + ",\"build_warnings_count\":0,\"leaf_count\":4,"
                        + "\"deployment_status\":{\"service_config\":{\"num_succeeded\":4,\"num_failed\":0,\"num_pending\":0}},"
                        + "\"anomaly_counts\":{\"all\":0}}]}")));
    }

    private void stubDeployPut(String taskId) {
        wm.stubFor(put(urlPathEqualTo(bpPath("/deploy"))).willReturn(json(202, taskAccepted(taskId))));
        stubTask(taskId, succeededTask(taskId, "null", 7));
    }

    @Test
    void statusFindsThisBlueprintInTheList() {
        stubList(7, true, 0);

        BlueprintSummary s = client.blueprint(BP).status();

        assertThat(s.label()).isEqualTo("dc1");
        assertThat(s.design()).isEqualTo("two_stage_l3clos");
        assertThat(s.version()).isEqualTo(7);
        assertThatThrownBy(() -> client.blueprint("missing").status()).isInstanceOf(ApstraNotFoundException.class);
    }

    @Test
    void getReadsTopLevelFieldsOfTheGraph() {
        wm.stubFor(get(urlEqualTo(bpPath("")))
                .willReturn(okJson("{\"id\":\"bp-1\",\"version\":11,\"design\":\"two_stage_l3clos\","
                        + "\"last_modified_at\":\"t\",\"label\":\"dc1\",\"nodes\":{\"n1\":{\"type\":\"system\"}},"
                        + "\"relationships\":{},\"source_versions\":{\"config_blueprint\":11}}")));
        wm.stubFor(get(urlEqualTo("/api/blueprints/nope"))
                .willReturn(json(404, "{\"errors\":\"Blueprint nope of type staging not found\"}")));

        Blueprint b = client.blueprint(BP).get();

        assertThat(b).isEqualTo(new Blueprint("bp-1", "dc1", "two_stage_l3clos", 11, "t", 11L));
        assertThat(b.isDatacenter()).isTrue();
        assertThatThrownBy(() -> client.blueprint("nope").get()).isInstanceOf(ApstraNotFoundException.class);
    }

    @Test
    void diffStatusParsesThePythonFixture() {
        wm.stubFor(get(urlEqualTo(bpPath("/diff-status")))
                .willReturn(okJson("{\"status\":\"undeployed\",\"logical_diff_supported\":true,\"deployed_version\":0,"
                        + "\"staging_version\":1,\"cache_diff_supported\":true,\"deploy_config_version\":0,"
                        + "\"deploy_status_version\":0,\"operation_version\":0,\"deploy_status\":\"success\","
                        + "\"deploy_error\":null}")));

        DiffStatus d = client.blueprint(BP).diffStatus();

        assertThat(d).isEqualTo(new DiffStatus("undeployed", 1, 0, "success", null));
    }

    @Test
    void buildErrorsAreKeyedByNode() {
        wm.stubFor(get(urlEqualTo(bpPath("/errors")))
                .willReturn(okJson("{\"nodes\":{\"n1\":[{\"message\":\"VN has no VLAN\",\"severity\":\"error\"}]},"
                        + "\"relationships\":{},\"version\":9,\"errors_count\":1,\"warnings_count\":0}")));

        BuildErrors e = client.blueprint(BP).errors();

        assertThat(e.isClean()).isFalse();
        assertThat(e.count()).isEqualTo(1);
        assertThat(e.nodes().get("n1")).containsExactly(new BuildError("VN has no VLAN", "error"));
    }

    @Test
    void cleanBlueprintHasNoErrors() {
        wm.stubFor(get(urlEqualTo(bpPath("/errors"))).willReturn(okJson("{\"nodes\":{},\"relationships\":{}}")));

        assertThat(client.blueprint(BP).errors().isClean()).isTrue();
    }

    @Test
    void revisionsKeepStringIds() {
        wm.stubFor(get(urlEqualTo(bpPath("/revisions")))
                .willReturn(okJson("{\"items\":[{\"revision_id\":\"3\",\"description\":\"fb commit\","
                        + "\"created_at\":\"2026-01-01T00:00:00Z\",\"auto_saved\":false,\"user_saved\":true,"
                        + "\"user\":\"admin\",\"user_ip\":\"10.0.0.1\"}]}")));

        assertThat(client.blueprint(BP).revisions())
                .containsExactly(new Revision("3", "fb commit", "2026-01-01T00:00:00Z", "admin", false, true));
    }

    @Test
    void revertIsAnAsyncPostWithEmptyBody() {
        wm.stubFor(post(urlPathEqualTo(bpPath("/revert"))).willReturn(json(202, taskAccepted("t-rev"))));
        stubTask("t-rev", succeededTask("t-rev", "null", 12));

        BlueprintClient bp = client.blueprint(BP);
        bp.revert();

        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/revert")))
                .withQueryParam("async", equalTo("full"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .withRequestBody(equalToJson("{}")));
        assertThat(bp.lastConfigBlueprintVersion()).hasValue(12);
        assertThat(client.blueprint(BP).lastConfigBlueprintVersion()).hasValue(12);
    }

    @Test
    void taskThatSucceedsWithErrorsIsAFailure() {
        wm.stubFor(post(urlPathEqualTo(bpPath("/revert"))).willReturn(json(202, taskAccepted("t-bad"))));
        stubTask(
                "t-bad",
                "{\"id\":\"t-bad\",\"status\":\"succeeded\",\"detailed_status\":{\"api_response\":null,"
                        + "\"config_blueprint_version\":0,\"errors\":{\"_schema\":\"Staging is not synced with config\"},"
                        + "\"error_code\":422}}");

        assertThatThrownBy(() -> client.blueprint(BP).revert()).isInstanceOfSatisfying(ApstraHttpException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(422);
            assertThat(e.method()).isEqualTo("POST");
            assertThat(e.path()).isEqualTo(bpPath("/revert"));
            assertThat(e.fieldErrors()).containsEntry("_schema", "Staging is not synced with config");
        });
    }

    @Test
    void taskIsPolledUntilFinished() {
        wm.stubFor(post(urlPathEqualTo(bpPath("/revert"))).willReturn(json(202, taskAccepted("t-slow"))));
        wm.stubFor(get(urlPathEqualTo(bpPath("/tasks/t-slow")))
                .inScenario("task")
                .whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"id\":\"t-slow\",\"status\":\"in_progress\"}"))
                .willSetStateTo("done"));
        wm.stubFor(get(urlPathEqualTo(bpPath("/tasks/t-slow")))
                .inScenario("task")
                .whenScenarioStateIs("done")
                .willReturn(okJson(succeededTask("t-slow", "{\"id\":\"x\"}", 5))));

        client.blueprint(BP).revert();

        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(500));
    }

    @Test
    void taskStillRunningPastTaskTimeoutTimesOut() {
        wm.stubFor(post(urlPathEqualTo(bpPath("/revert"))).willReturn(json(202, taskAccepted("t-stuck"))));
        stubTask("t-stuck", "{\"id\":\"t-stuck\",\"status\":\"in_progress\"}");

        assertThatThrownBy(() -> client.blueprint(BP).revert())
                .isInstanceOf(ApstraTimeoutException.class)
                .hasMessageContaining("t-stuck");
    }

    @Test
    void taskReadsStatusAndVersion() {
        stubTask(
                "t1",
                "{\"id\":\"t1\",\"status\":\"failed\",\"type\":\"blueprint.facade.POST./virtual-networks\","
                        + "\"detailed_status\":{\"errors\":\"boom\",\"error_code\":500,\"config_blueprint_version\":4}}");

        Task t = client.blueprint(BP).task("t1");

        assertThat(t.isFinished()).isTrue();
        assertThat(t.isFailure()).isTrue();
        assertThat(t.errorText()).isEqualTo("boom");
        assertThat(t.configBlueprintVersion()).isEqualTo(4L);
    }

    @Test
    void deploySendsVerifiedVersionAndPollsUntilSuccess() {
        stubList(7, true, 0);
        stubDeployPut("t-dep");
        wm.stubFor(get(urlEqualTo(bpPath("/deploy")))
                .inScenario("deploy")
                .whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"state\":\"success\",\"version\":6}"))
                .willSetStateTo("done"));
        wm.stubFor(get(urlEqualTo(bpPath("/deploy")))
                .inScenario("deploy")
                .whenScenarioStateIs("done")
                .willReturn(okJson("{\"state\":\"success\",\"version\":7}")));

        DeployResult r = client.blueprint(BP).deploy(7, "fabricbinder: add vn", Duration.ofSeconds(30));

        assertThat(r).isEqualTo(new DeployResult(BP, 7, true));
        wm.verify(putRequestedFor(urlPathEqualTo(bpPath("/deploy")))
                .withQueryParam("async", equalTo("full"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"version\":7,\"description\":\"fabricbinder: add vn\"}")));
    }

    @Test
    void deployFailureCarriesApstrasError() {
        stubList(7, true, 0);
        stubDeployPut("t-dep");
        wm.stubFor(get(urlEqualTo(bpPath("/deploy")))
                .willReturn(
                        okJson("{\"state\":\"failure\",\"version\":7,\"error\":\"Device leaf1 rejected config\"}")));

        assertThatThrownBy(() -> client.blueprint(BP).deploy(7, "x", Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(ApstraDeployException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ApstraDeployException.Reason.FAILED);
                    assertThat(e.getMessage()).contains("Device leaf1 rejected config");
                    assertThat(e.isRetryable()).isFalse();
                });
    }

    @Test
    void deployRefusesWhenStagingMovedPastTheVerifiedVersion() {
        stubList(8, true, 0);

        assertThatThrownBy(() -> client.blueprint(BP).deploy(7, "x", Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(ApstraDeployException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ApstraDeployException.Reason.STAGING_CHANGED);
                    assertThat(e.isRetryable()).isTrue();
                });
        wm.verify(0, putRequestedFor(urlPathEqualTo(bpPath("/deploy"))));
    }

    @Test
    void deployRefusesBuildErrors() {
        stubList(7, true, 2);

        assertThatThrownBy(() -> client.blueprint(BP).deploy("x", Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(
                        ApstraDeployException.class,
                        e -> assertThat(e.reason()).isEqualTo(ApstraDeployException.Reason.BUILD_ERRORS));
        wm.verify(0, putRequestedFor(urlPathEqualTo(bpPath("/deploy"))));
    }

    @Test
    void deployWithoutUncommittedChangesDoesNothing() {
        stubList(7, false, 0);

        assertThat(client.blueprint(BP).deploy("x", Duration.ofSeconds(30))).isEqualTo(new DeployResult(BP, 7, false));
        wm.verify(0, putRequestedFor(urlPathEqualTo(bpPath("/deploy"))));
    }

    @Test
    void deployThatNeverFinishesTimesOut() {
        stubList(7, true, 0);
        stubDeployPut("t-dep");
        wm.stubFor(get(urlEqualTo(bpPath("/deploy"))).willReturn(okJson("{\"state\":\"success\",\"version\":6}")));

        assertThatThrownBy(() -> client.blueprint(BP).deploy(7, "x", Duration.ofSeconds(5)))
                .isInstanceOf(ApstraTimeoutException.class)
                .hasMessageContaining("version 7");
    }

    @Test
    void deployStatusParses() {
        wm.stubFor(get(urlEqualTo(bpPath("/deploy"))).willReturn(okJson("{\"state\":\"success\",\"version\":3}")));

        assertThat(client.blueprint(BP).deployStatus()).isEqualTo(new DeployStatus("success", 3, null));
    }
}
