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
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoutingZoneTest extends WireMockSupport {
    static final String ZONES = "{\"items\":{"
            + "\"sz-default\":{\"id\":\"sz-default\",\"label\":\"Default routing zone\",\"vrf_name\":\"default\","
            + "\"sz_type\":\"l3_fabric\",\"vni_id\":null,\"vlan_id\":null,\"route_target\":null,\"rt_policy\":null},"
            + "\"sz-1\":{\"id\":\"sz-1\",\"label\":\"blue\",\"vrf_name\":\"blue_vrf\",\"sz_type\":\"evpn\","
            + "\"routing_policy_id\":\"rp-1\",\"vni_id\":5000,\"vlan_id\":2,\"route_target\":\"5000:1\",\"rt_policy\":null,"
            + "\"junos_evpn_irb_mode\":\"asymmetric\",\"tags\":[\"t\"],\"vrf_description\":\"new\"}}}";

    private RoutingZones zones() {
        return client.blueprint(BP).routingZones();
    }

    @Test
    void listFindsByLabelVrfAndDefault() {
        wm.stubFor(get(urlEqualTo(bpPath("/security-zones"))).willReturn(okJson(ZONES)));

        assertThat(zones().list()).containsOnlyKeys("sz-default", "sz-1");
        RoutingZone blue = zones().findByLabel("blue").orElseThrow();
        assertThat(blue.vniId()).isEqualTo(5000);
        assertThat(blue.vrfName()).isEqualTo("blue_vrf");
        assertThat(blue.tags()).containsExactly("t");
        assertThat(blue.vrfDescription()).isEqualTo("new");
        assertThat(zones().getDefault().vrfDescription()).isNull();
        assertThat(zones().findByVrfName("blue_vrf")).map(RoutingZone::id).hasValue("sz-1");
        assertThat(zones().findByVrfName("blue")).isEmpty();
        assertThat(zones().getDefault().id()).isEqualTo("sz-default");
        assertThat(zones().getDefault().isDefault()).isTrue();
    }

    @Test
    void createSendsMinimalEvpnBody() {
        wm.stubFor(post(urlPathEqualTo(bpPath("/security-zones"))).willReturn(json(202, taskAccepted("t-sz"))));
        stubTask("t-sz", succeededTask("t-sz", "{\"id\":\"sz-9\"}", 3));

        String id = zones().create(RoutingZone.evpn("red", "red").withVniId(5100));

        assertThat(id).isEqualTo("sz-9");
        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/security-zones")))
                .withQueryParam("async", equalTo("full"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .withRequestBody(
                        equalToJson("{\"label\":\"red\",\"vrf_name\":\"red\",\"sz_type\":\"evpn\",\"vni_id\":5100}")));
    }

    @Test
    void createSendsTheVrfDescriptionOnApstra5AndRefusesItBefore() {
        wm.stubFor(post(urlPathEqualTo(bpPath("/security-zones"))).willReturn(json(202, taskAccepted("t-sz"))));
        stubTask("t-sz", succeededTask("t-sz", "{\"id\":\"sz-9\"}", 3));
        RoutingZone described = RoutingZone.evpn("red", "red").withVrfDescription("kept with the VRF");

        // The default client of this test talks to a 4.2 server, which has no vrf_description.
        assertThatThrownBy(() -> zones().create(described))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("red")
                .hasMessageContaining("vrfDescription needs Apstra 5.0+");
        wm.verify(0, postRequestedFor(urlPathEqualTo(bpPath("/security-zones"))));

        stubVersion("5.1.0");
        try (ApstraClient five = builder().build()) {
            assertThat(five.blueprint(BP).routingZones().create(described)).isEqualTo("sz-9");
        }
        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/security-zones")))
                .withRequestBody(equalToJson("{\"label\":\"red\",\"vrf_name\":\"red\",\"sz_type\":\"evpn\","
                        + "\"vrf_description\":\"kept with the VRF\"}")));
    }

    @Test
    void createRejectsBlankVrfName() {
        assertThatThrownBy(() -> zones().create(RoutingZone.evpn("red", " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("red")
                .hasMessageContaining("vrfName");
    }

    @Test
    void getUpdateDelete() {
        wm.stubFor(get(urlEqualTo(bpPath("/security-zones/sz-1")))
                .willReturn(okJson("{\"id\":\"sz-1\",\"label\":\"blue\",\"vrf_name\":\"blue_vrf\",\"sz_type\":\"evpn\","
                        + "\"vni_id\":5000,\"junos_evpn_irb_mode\":\"asymmetric\",\"route_target\":\"5000:1\"}")));
        wm.stubFor(put(urlPathEqualTo(bpPath("/security-zones/sz-1")))
                .willReturn(aResponse().withStatus(204)));
        wm.stubFor(delete(urlPathEqualTo(bpPath("/security-zones/sz-1")))
                .willReturn(aResponse().withStatus(204)));
        wm.stubFor(get(urlEqualTo(bpPath("/security-zones/nope"))).willReturn(json(404, "{\"errors\":\"nope\"}")));

        RoutingZone z = zones().get("sz-1");
        zones().update(z.withLabel("blue2"));
        zones().delete("sz-1");

        assertThat(zones().find("nope")).isEmpty();
        wm.verify(putRequestedFor(urlPathEqualTo(bpPath("/security-zones/sz-1")))
                .withRequestBody(equalToJson("{\"label\":\"blue2\",\"vrf_name\":\"blue_vrf\",\"sz_type\":\"evpn\","
                        + "\"vni_id\":5000,\"junos_evpn_irb_mode\":\"asymmetric\"}")));
        wm.verify(deleteRequestedFor(urlPathEqualTo(bpPath("/security-zones/sz-1")))
                .withQueryParam("async", equalTo("full")));
    }
}
