package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class GraphTest extends WireMockSupport {

    private Graph graph() {
        return client.blueprint(BP).graph();
    }

    private void stubQe(String queryFragment, String response) {
        wm.stubFor(post(urlPathEqualTo(bpPath("/qe")))
                .withRequestBody(matchingJsonPath("$.query", containing(queryFragment)))
                .willReturn(okJson(response)));
    }

    @Test
    void queryPostsToStagingAndParsesNamedItems() {
        stubQe(
                "node(",
                "{\"count\":1,\"items\":[{\"leaf\":{\"id\":\"leaf-1\",\"type\":\"system\",\"label\":\"l1\","
                        + "\"role\":\"leaf\",\"hostname\":\"leaf1\",\"deploy_mode\":\"deploy\",\"tags\":null}}]}");

        QeResult r =
                graph().query(Qe.match(Qe.node("system").where("role", "leaf").name("leaf")));

        assertThat(r.count()).isEqualTo(1);
        GraphNode leaf = Objects.requireNonNull(r.items().get(0).get("leaf"));
        assertThat(leaf.id()).isEqualTo("leaf-1");
        assertThat(leaf.attribute("hostname")).isEqualTo("leaf1");
        assertThat(leaf.attributes()).doesNotContainKey("tags");
        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/qe")))
                .withQueryParam("type", equalTo("staging"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"query\":\"match(node('system', role='leaf', name='leaf'))\"}")));
    }

    @Test
    void leafsCarryTheirRedundancyGroup() {
        stubQe(
                "redundancy_group",
                "{\"count\":2,\"items\":["
                        + "{\"rg\":{\"id\":\"rg-1\",\"type\":\"redundancy_group\",\"label\":\"pair1\",\"rg_type\":\"esi\"},"
                        + "\"member\":{\"id\":\"leaf-1\",\"type\":\"system\"}},"
                        + "{\"rg\":{\"id\":\"rg-1\",\"type\":\"redundancy_group\",\"label\":\"pair1\",\"rg_type\":\"esi\"},"
                        + "\"member\":{\"id\":\"leaf-2\",\"type\":\"system\"}}]}");
        stubQe(
                "role='leaf', name='leaf'",
                "{\"count\":3,\"items\":["
                        + "{\"leaf\":{\"id\":\"leaf-1\",\"label\":\"l1\",\"hostname\":\"h1\"}},"
                        + "{\"leaf\":{\"id\":\"leaf-2\",\"label\":\"l2\"}},{\"leaf\":{\"id\":\"leaf-3\",\"label\":\"l3\"}}]}");

        List<Leaf> leafs = graph().leafs();

        assertThat(leafs)
                .containsExactly(
                        new Leaf("leaf-1", "l1", "h1", "rg-1"),
                        new Leaf("leaf-2", "l2", null, "rg-1"),
                        new Leaf("leaf-3", "l3", null, null));
        assertThat(graph().redundancyGroups())
                .containsExactly(new RedundancyGroup("rg-1", "pair1", "esi", List.of("leaf-1", "leaf-2")));
    }

    @Test
    void applicationPointPrefersMultiChassisAggregateThenLagThenPort() {
        stubQe(
                "system_type='server'",
                "{\"count\":4,\"items\":["
                        // dual-homed ESI: two links, both under the same mc_ae
                        + "{\"gs\":{\"id\":\"srv\"},\"gs_if\":{\"id\":\"g1\",\"if_name\":\"eth0\"},\"link\":{\"id\":\"l1\"},"
                        + "\"leaf_if\":{\"id\":\"if-1\"},\"leaf\":{\"id\":\"leaf-1\"},\"ae\":{\"id\":\"ae-1\"},\"mc_ae\":{\"id\":\"esi-1\"}},"
                        + "{\"gs\":{\"id\":\"srv\"},\"gs_if\":{\"id\":\"g2\",\"if_name\":\"eth1\"},\"link\":{\"id\":\"l2\"},"
                        + "\"leaf_if\":{\"id\":\"if-2\"},\"leaf\":{\"id\":\"leaf-2\"},\"ae\":{\"id\":\"ae-2\"},\"mc_ae\":{\"id\":\"esi-1\"}},"
                        + "{\"gs\":{\"id\":\"srv\"},\"gs_if\":{\"id\":\"g3\",\"if_name\":\"eth2\"},\"link\":{\"id\":\"l3\"},"
                        + "\"leaf_if\":{\"id\":\"if-3\"},\"leaf\":{\"id\":\"leaf-3\"},\"ae\":{\"id\":\"ae-3\"}},"
                        + "{\"gs\":{\"id\":\"srv\"},\"gs_if\":{\"id\":\"g4\",\"if_name\":\"eth3\"},\"link\":{\"id\":\"l4\"},"
                        + "\"leaf_if\":{\"id\":\"if-4\"},\"leaf\":{\"id\":\"leaf-4\"}}]}");

        List<ApplicationPoint> points = graph().applicationPointsFacing("srv-01");

        assertThat(points)
                .containsExactly(
                        new ApplicationPoint(
                                "esi-1",
                                ApplicationPoint.Kind.MULTI_CHASSIS_AGGREGATE,
                                List.of("leaf-1", "leaf-2"),
                                List.of("if-1", "if-2"),
                                List.of("eth0", "eth1")),
                        new ApplicationPoint(
                                "ae-3", ApplicationPoint.Kind.LAG, List.of("leaf-3"), List.of("if-3"), List.of("eth2")),
                        new ApplicationPoint(
                                "if-4",
                                ApplicationPoint.Kind.PHYSICAL,
                                List.of("leaf-4"),
                                List.of("if-4"),
                                List.of("eth3")));
        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/qe")))
                .withRequestBody(equalToJson("{\"query\":\"match("
                        + "node('system', system_type='server', label='srv-01', name='gs').out('hosted_interfaces')"
                        + ".node('interface', name='gs_if').out('link').node('link', name='link').in_('link')"
                        + ".node('interface', if_type='ethernet', name='leaf_if').in_('hosted_interfaces')"
                        + ".node('system', system_type='switch', name='leaf'), "
                        + "optional(node(name='leaf_if').in_('composed_of').node('interface', name='ae')), "
                        + "optional(node(name='leaf_if').in_('composed_of').node('interface')"
                        + ".in_('composed_of').node('interface', name='mc_ae')))\"}")));
    }

    @Test
    void applicationPointForOneServerInterfaceFiltersByIfName() {
        stubQe(
                "if_name='eth3'",
                "{\"count\":1,\"items\":[{\"gs_if\":{\"id\":\"g4\",\"if_name\":\"eth3\"},"
                        + "\"leaf_if\":{\"id\":\"if-4\"},\"leaf\":{\"id\":\"leaf-4\"}}]}");

        assertThat(graph().applicationPointFacing("srv-01", "eth3"))
                .map(ApplicationPoint::id)
                .hasValue("if-4");
    }

    @Test
    void aServerLabelWithAQuoteCannotChangeTheQuery() {
        stubQe("system_type='server'", "{\"count\":0,\"items\":[]}");

        assertThat(graph().applicationPointsFacing("x'), node('system', name='gs"))
                .isEmpty();

        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/qe")))
                .withRequestBody(
                        matchingJsonPath("$.query", containing("label='x\\'), node(\\'system\\', name=\\'gs'"))));
    }

    @Test
    void cablingMapParsesLinksAndEndpoints() {
        wm.stubFor(get(urlPathEqualTo(bpPath("/experience/web/cabling-map")))
                .willReturn(okJson("{\"links\":[{\"id\":\"l1\",\"label\":\"srv<->leaf1\",\"role\":\"to_generic\","
                        + "\"type\":\"ethernet\",\"speed\":\"25G\",\"aggregate_link_id\":\"agg-1\",\"group_label\":\"g\","
                        + "\"tags\":[\"sriov\"],\"endpoints\":[{\"interface\":{\"id\":\"if-1\",\"if_name\":\"xe-0/0/1\","
                        + "\"if_type\":\"ethernet\",\"port_channel_id\":1,\"lag_mode\":\"lacp_active\",\"ipv4_addr\":null},"
                        + "\"system\":{\"id\":\"leaf-1\",\"role\":\"leaf\",\"label\":\"leaf1\"}},"
                        + "{\"interface\":{\"id\":\"g1\",\"if_name\":\"eth0\",\"if_type\":\"ethernet\"},"
                        + "\"system\":{\"id\":\"srv\",\"role\":\"generic\",\"label\":\"srv-01\"}}]}]}")));

        List<CablingLink> links = graph().cablingMap();

        assertThat(links).singleElement().satisfies(l -> {
            assertThat(l.aggregateLinkId()).isEqualTo("agg-1");
            assertThat(l.tags()).containsExactly("sriov");
            assertThat(l.endpoints())
                    .containsExactly(
                            new CablingLink.Endpoint("leaf-1", "leaf1", "leaf", "if-1", "xe-0/0/1", "ethernet"),
                            new CablingLink.Endpoint("srv", "srv-01", "generic", "g1", "eth0", "ethernet"));
        });
        wm.verify(getRequestedFor(urlPathEqualTo(bpPath("/experience/web/cabling-map")))
                .withQueryParam("aggregate_links", equalTo("true")));
    }

    @Test
    void lldpIsReturnedAsPlainValues() {
        wm.stubFor(get(urlEqualTo(bpPath("/cabling-map/lldp")))
                .willReturn(okJson("{\"links\":[{\"neighbor\":\"srv-01\"}]}")));

        assertThat(graph().lldp()).containsKey("links");
    }
}
