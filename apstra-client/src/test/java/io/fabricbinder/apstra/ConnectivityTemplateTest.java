package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConnectivityTemplateTest extends WireMockSupport {
    private static final ObjectMapper M = new ObjectMapper();

    static final String EXPORT = "{\"policies\":["
            + "{\"id\":\"ct-1\",\"policy_type_name\":\"batch\",\"label\":\"vn5003-tagged\",\"description\":\"\",\"visible\":true,"
            + "\"tags\":[\"fb\"],\"user_data\":\"{}\",\"attributes\":{\"subpolicies\":[\"p-1\"]},\"new_field\":1},"
            + "{\"id\":\"p-1\",\"policy_type_name\":\"pipeline\",\"label\":\"x\",\"visible\":false,"
            + "\"attributes\":{\"first_subpolicy\":\"v-1\",\"second_subpolicy\":null,\"resolver\":null}},"
            + "{\"id\":\"v-1\",\"policy_type_name\":\"AttachSingleVLAN\",\"label\":\"x\",\"visible\":false,"
            + "\"attributes\":{\"vn_node_id\":\"vn-1\",\"tag_type\":\"vlan_tagged\"}},"
            + "{\"id\":\"ct-2\",\"policy_type_name\":\"batch\",\"label\":\"multi\",\"visible\":true,\"tags\":[],"
            + "\"attributes\":{\"subpolicies\":[\"p-2\"]}},"
            + "{\"id\":\"p-2\",\"policy_type_name\":\"pipeline\",\"label\":\"x\",\"visible\":false,"
            + "\"attributes\":{\"first_subpolicy\":\"m-2\",\"second_subpolicy\":null}},"
            + "{\"id\":\"m-2\",\"policy_type_name\":\"AttachMultipleVLAN\",\"label\":\"x\",\"visible\":false,"
            + "\"attributes\":{\"untagged_vn_node_id\":\"vn-3\",\"tagged_vn_node_ids\":[\"vn-1\",\"vn-2\"]}}]}";

    private ConnectivityTemplates cts() {
        return client.blueprint(BP).connectivityTemplates();
    }

    @Test
    void createTaggedVlanImportsRootPipelineAndPrimitiveWithClientIds() throws Exception {
        wm.stubFor(put(urlPathEqualTo(bpPath("/obj-policy-import")))
                .willReturn(aResponse().withStatus(204)));

        String id = cts().createTaggedVlan("vn5003-tagged", "vn-1");

        List<LoggedRequest> sent = wm.findAll(putRequestedFor(urlPathEqualTo(bpPath("/obj-policy-import")))
                .withQueryParam("async", equalTo("full"))
                .withHeader("AuthToken", equalTo(TOKEN)));
        assertThat(sent).hasSize(1);
        JsonNode policies = M.readTree(sent.get(0).getBodyAsString()).path("policies");
        Map<String, JsonNode> byType = new HashMap<>();
        policies.forEach(p -> byType.put(p.path("policy_type_name").asText(), p));
        assertThat(byType).containsOnlyKeys("batch", "pipeline", "AttachSingleVLAN");
        JsonNode root = Objects.requireNonNull(byType.get("batch"));
        JsonNode pipe = Objects.requireNonNull(byType.get("pipeline"));
        JsonNode vlan = Objects.requireNonNull(byType.get("AttachSingleVLAN"));
        assertThat(root.path("id").asText()).isEqualTo(id);
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(root.path("visible").asBoolean()).isTrue();
        assertThat(root.path("label").asText()).isEqualTo("vn5003-tagged");
        assertThat(root.path("attributes").path("subpolicies").get(0).asText())
                .isEqualTo(pipe.path("id").asText());
        assertThat(pipe.path("attributes").path("first_subpolicy").asText())
                .isEqualTo(vlan.path("id").asText());
        assertThat(pipe.path("attributes").path("second_subpolicy").isNull()).isTrue();
        assertThat(vlan.path("visible").asBoolean()).isFalse();
        assertThat(vlan.path("attributes"))
                .isEqualTo(M.readTree("{\"vn_node_id\":\"vn-1\",\"tag_type\":\"vlan_tagged\"}"));
    }

    @Test
    void exportParsesTemplatesAndFindsTheTaggedOne() {
        wm.stubFor(get(urlEqualTo(bpPath("/obj-policy-export"))).willReturn(okJson(EXPORT)));

        List<ConnectivityTemplate> all = cts().list();

        assertThat(all).extracting(ConnectivityTemplate::id).containsExactly("ct-1", "ct-2");
        assertThat(all.get(0))
                .isEqualTo(new ConnectivityTemplate(
                        "ct-1",
                        "vn5003-tagged",
                        "",
                        List.of("fb"),
                        List.of("vn-1"),
                        null,
                        List.of("AttachSingleVLAN")));
        assertThat(all.get(1).taggedVnIds()).containsExactly("vn-1", "vn-2");
        assertThat(all.get(1).untaggedVnId()).isEqualTo("vn-3");
        assertThat(cts().findTaggedVlan("vn-1")).map(ConnectivityTemplate::id).hasValue("ct-1");
        assertThat(cts().findTaggedVlan("vn-2")).isEmpty();
    }

    @Test
    void findTreatsApstras500NoneTypeAnd404AsAbsent() {
        wm.stubFor(get(urlEqualTo(bpPath("/obj-policy-export/ct-x")))
                .willReturn(json(
                        500,
                        "{\"errors\":\"Error executing facade API GET /obj-policy-export "
                                + "'NoneType' object has no attribute 'id'\"}")));
        wm.stubFor(get(urlEqualTo(bpPath("/obj-policy-export/ct-y"))).willReturn(json(404, "{\"errors\":\"no\"}")));
        wm.stubFor(get(urlEqualTo(bpPath("/obj-policy-export/ct-1"))).willReturn(okJson(EXPORT)));

        assertThat(cts().find("ct-x")).isEmpty();
        assertThat(cts().find("ct-y")).isEmpty();
        assertThat(cts().find("ct-1")).map(ConnectivityTemplate::label).hasValue("vn5003-tagged");
    }

    @Test
    void deleteIsRecursive() {
        wm.stubFor(delete(urlPathEqualTo(bpPath("/endpoint-policies/ct-1")))
                .willReturn(aResponse().withStatus(204)));

        cts().delete("ct-1");

        wm.verify(deleteRequestedFor(urlPathEqualTo(bpPath("/endpoint-policies/ct-1")))
                .withQueryParam("delete_recursive", equalTo("true"))
                .withQueryParam("async", equalTo("full")));
    }

    @Test
    void applySendsManyTemplatesOnManyPointsInOneCall() {
        wm.stubFor(patch(urlPathEqualTo(bpPath("/obj-policy-batch-apply")))
                .willReturn(aResponse().withStatus(204)));

        cts().apply(List.of(
                CtAssignment.assign("ap-1", "ct-1"),
                CtAssignment.assign("ap-2", "ct-1"),
                CtAssignment.assign("ap-1", "ct-2"),
                CtAssignment.unassign("ap-3", "ct-9")));

        wm.verify(1, patchRequestedFor(urlPathEqualTo(bpPath("/obj-policy-batch-apply"))));
        wm.verify(patchRequestedFor(urlPathEqualTo(bpPath("/obj-policy-batch-apply")))
                .withQueryParam("async", equalTo("full"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"application_points\":["
                        + "{\"id\":\"ap-1\",\"policies\":[{\"policy\":\"ct-1\",\"used\":true},{\"policy\":\"ct-2\",\"used\":true}]},"
                        + "{\"id\":\"ap-2\",\"policies\":[{\"policy\":\"ct-1\",\"used\":true}]},"
                        + "{\"id\":\"ap-3\",\"policies\":[{\"policy\":\"ct-9\",\"used\":false}]}]}")));
    }

    @Test
    void applyRejectsContradictionsAndSkipsEmptyBatches() {
        cts().apply(List.of());
        assertThatThrownBy(() -> cts().apply(
                                List.of(CtAssignment.assign("ap-1", "ct-1"), CtAssignment.unassign("ap-1", "ct-1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ap-1");
        wm.verify(0, patchRequestedFor(urlPathEqualTo(bpPath("/obj-policy-batch-apply"))));
    }

    @Test
    void indexKeyed422IsResolvedToOurIds() {
        wm.stubFor(patch(urlPathEqualTo(bpPath("/obj-policy-batch-apply")))
                .willReturn(json(
                        422,
                        "{\"error_code\":422,\"errors\":{\"application_points\":"
                                + "{\"1\":{\"policies\":{\"0\":\"Not a valid application point\"}}}}}")));

        assertThatThrownBy(() ->
                        cts().apply(List.of(CtAssignment.assign("ap-1", "ct-1"), CtAssignment.assign("ap-2", "ct-7"))))
                .isInstanceOfSatisfying(ApstraAssignmentException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(422);
                    assertThat(e.details())
                            .containsExactly(
                                    new ApplicationPointError("ap-2", "ct-7", "Not a valid application point", null));
                });
    }

    @Test
    void idKeyed422WithConflictsNamesTheConflictingTemplate() {
        wm.stubFor(patch(urlPathEqualTo(bpPath("/obj-policy-batch-apply")))
                .willReturn(json(
                        422,
                        "{\"errors\":{\"application_points\":{\"ap-1\":{\"ct-1\":{\"v-1\":{\"conflicts\":"
                                + "[{\"policy\":\"ct-old\",\"error\":\"Unable to apply Virtual Network template. VN my_VN is "
                                + "already configured on interface of system my_server\"}]}}}}}}")));

        assertThatThrownBy(() -> cts().apply(List.of(CtAssignment.assign("ap-1", "ct-1"))))
                .isInstanceOfSatisfying(
                        ApstraAssignmentException.class,
                        e -> assertThat(e.details()).singleElement().satisfies(d -> {
                            assertThat(d.applicationPointId()).isEqualTo("ap-1");
                            assertThat(d.connectivityTemplateId()).isEqualTo("ct-1");
                            assertThat(d.conflictingTemplateId()).isEqualTo("ct-old");
                            assertThat(d.message()).contains("already configured");
                        }));
    }

    @Test
    void stringError422IsStillAnAssignmentError() {
        wm.stubFor(patch(urlPathEqualTo(bpPath("/obj-policy-batch-apply")))
                .willReturn(json(422, "{\"errors\":\"Endpoint policy with node id ct-z does not exist\"}")));

        assertThatThrownBy(() -> cts().apply(List.of(CtAssignment.assign("ap-1", "ct-z"))))
                .isInstanceOfSatisfying(
                        ApstraAssignmentException.class,
                        e -> assertThat(e.details())
                                .containsExactly(new ApplicationPointError(
                                        null, null, "Endpoint policy with node id ct-z does not exist", null)));
    }

    @Test
    void assignmentsWalksTheApplicationPointTree() {
        wm.stubFor(get(urlPathEqualTo(bpPath("/obj-policy-application-points")))
                .willReturn(okJson("{\"application_points\":{\"children_count\":1,\"children\":[{\"id\":\"pod-1\","
                        + "\"label\":\"pod\",\"type\":\"pod\",\"children\":[{\"id\":\"leaf-1\",\"type\":\"system\","
                        + "\"policies\":[],\"children\":[{\"id\":\"if-1\",\"label\":\"xe-0/0/1\",\"type\":\"interface\","
                        + "\"children\":[],\"policies\":[{\"policy\":\"ct-1\",\"state\":\"used-directly\"}]},"
                        + "{\"id\":\"if-2\",\"type\":\"interface\",\"policies\":[{\"policy\":\"ct-1\",\"state\":\"unused\"},"
                        + "{\"policy\":\"ct-other\",\"state\":\"used-directly\"}]}]}]}]},\"node_types\":[]}")));

        assertThat(cts().assignments("ct-1")).containsExactly("if-1");
        wm.verify(getRequestedFor(urlPathEqualTo(bpPath("/obj-policy-application-points")))
                .withQueryParam("policy", equalTo("ct-1"))
                .withQueryParam("max_count", equalTo("1000"))
                .withQueryParam("offset_max_count", equalTo("0"))
                .withHeader("AuthToken", equalTo(TOKEN)));
    }
}
