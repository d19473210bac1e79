package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class VirtualNetworkTest extends WireMockSupport {

    static final String VN_1 = "{\"id\":\"vn-1\",\"label\":\"tenant-a\",\"vn_type\":\"vxlan\",\"vn_id\":\"5003\","
            + "\"security_zone_id\":\"sz-1\",\"bound_to\":[{\"system_id\":\"leaf-1\",\"access_switch_node_ids\":[],"
            + "\"vlan_id\":300},{\"system_id\":\"rg-1\",\"access_switch_node_ids\":[],\"vlan_id\":null}],"
            + "\"ipv4_enabled\":true,\"ipv4_subnet\":\"10.1.1.0/24\",\"virtual_gateway_ipv4\":\"10.1.1.1\","
            + "\"virtual_gateway_ipv4_enabled\":true,\"dhcp_service\":\"dhcpServiceDisabled\","
            + "\"svi_ips\":[{\"system_id\":\"leaf-1\",\"ipv4_mode\":\"enabled\",\"ipv4_addr\":\"10.1.1.2/24\","
            + "\"ipv6_mode\":\"disabled\",\"ipv6_addr\":null}],\"rt_policy\":{\"import_RTs\":null,\"export_RTs\":[\"5003:9\"]},"
            + "\"route_target\":\"5003:1\",\"reserved_vlan_id\":300,"
            + "\"endpoints\":[{\"interface_id\":\"if1\",\"tag_type\":\"vlan_tagged\",\"label\":\"x\"}],"
            + "\"floating_ips\":[],\"l3_connectivity\":\"l3Enabled\",\"unknown_future\":{\"a\":1}}";

    private VirtualNetworks vns() {
        return client.blueprint(BP).virtualNetworks();
    }

    @Test
    void listParsesTheMapKeyedResponseWithQuirks() {
        // The second VN has no "id" in its body: the map key is the id.
        wm.stubFor(get(urlEqualTo(bpPath("/virtual-networks")))
                .willReturn(okJson("{\"virtual_networks\":{\"vn-1\":" + VN_1 + ",\"vn-2\":{\"label\":\"b\","
                        + "\"vn_type\":\"vlan\",\"vn_id\":null,\"bound_to\":[],\"ipv4_subnet\":null}}}")));

        Map<String, VirtualNetwork> all = vns().list();

        assertThat(all).containsOnlyKeys("vn-1", "vn-2");
        VirtualNetwork a = Objects.requireNonNull(all.get("vn-1"));
        assertThat(a.vnId()).isEqualTo(5003L);
        assertThat(a.boundTo())
                .containsExactly(new VnBinding("leaf-1", List.of(), 300), new VnBinding("rg-1", List.of(), null));
        assertThat(a.sviIps()).containsExactly(new SviIp("leaf-1", "enabled", "10.1.1.2/24", "disabled", null));
        assertThat(a.rtPolicy()).isEqualTo(new RtPolicy(List.of(), List.of("5003:9")));
        assertThat(a.routeTarget()).isEqualTo("5003:1");
        assertThat(a.reservedVlanId()).isEqualTo(300);
        assertThat(a.bindingFor("rg-1")).isPresent();
        VirtualNetwork b = Objects.requireNonNull(all.get("vn-2"));
        assertThat(b.id()).isEqualTo("vn-2");
        assertThat(b.vnId()).isNull();
        assertThat(b.ipv4Subnet()).isNull();
        assertThat(vns().findByLabel("b")).map(VirtualNetwork::id).hasValue("vn-2");
        assertThat(vns().findByLabel("nope")).isEmpty();
    }

    @Test
    void getAndFind() {
        wm.stubFor(get(urlEqualTo(bpPath("/virtual-networks/vn-1"))).willReturn(okJson(VN_1)));
        wm.stubFor(get(urlEqualTo(bpPath("/virtual-networks/gone")))
                .willReturn(json(404, "{\"errors\":\"No virtual_network with id: gone\"}")));

        assertThat(vns().get("vn-1").label()).isEqualTo("tenant-a");
        assertThat(vns().find("gone")).isEmpty();
        assertThatThrownBy(() -> vns().get("gone")).isInstanceOf(ApstraNotFoundException.class);
    }

    @Test
    void createSendsVniAsStringAndNullVlanAndReturnsTheTaskId() {
        wm.stubFor(post(urlPathEqualTo(bpPath("/virtual-networks"))).willReturn(json(202, taskAccepted("t-vn"))));
        stubTask("t-vn", succeededTask("t-vn", "{\"id\":\"vn-9\"}", 21));
        VirtualNetwork vn = VirtualNetwork.vxlan("tenant-a-app", "sz-1")
                .vnId(5003L)
                .boundTo(List.of(VnBinding.of("leaf-1", 300), VnBinding.of("rg-1", null)))
                .ipv4Subnet("10.1.1.0/24")
                .virtualGatewayIpv4("10.1.1.1")
                .reservedVlanId(300)
                .build();

        String id = client.blueprint(BP).virtualNetworks().create(vn);

        assertThat(id).isEqualTo("vn-9");
        assertThat(client.blueprint(BP).lastConfigBlueprintVersion()).hasValue(21);
        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/virtual-networks")))
                .withQueryParam("async", equalTo("full"))
                .withHeader("AuthToken", equalTo(TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"label\":\"tenant-a-app\",\"vn_type\":\"vxlan\",\"vn_id\":\"5003\","
                        + "\"security_zone_id\":\"sz-1\",\"bound_to\":["
                        + "{\"system_id\":\"leaf-1\",\"access_switch_node_ids\":[],\"vlan_id\":300},"
                        + "{\"system_id\":\"rg-1\",\"access_switch_node_ids\":[],\"vlan_id\":null}],"
                        + "\"ipv4_enabled\":true,\"ipv4_subnet\":\"10.1.1.0/24\",\"virtual_gateway_ipv4_enabled\":true,"
                        + "\"virtual_gateway_ipv4\":\"10.1.1.1\",\"dhcp_service\":\"dhcpServiceDisabled\","
                        + "\"reserved_vlan_id\":300,\"svi_ips\":[]}")));
    }

    @Test
    void createOn62SendsTags() {
        stubVersion("6.2.0");
        wm.stubFor(post(urlPathEqualTo(bpPath("/virtual-networks"))).willReturn(json(202, taskAccepted("t-vn"))));
        stubTask("t-vn", succeededTask("t-vn", "{\"id\":\"vn-9\"}", 21));

        vns().create(VirtualNetwork.vxlan("a", "sz-1")
                .tags(List.of("fabricbinder"))
                .build());

        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/virtual-networks")))
                .withRequestBody(equalToJson("{\"tags\":[\"fabricbinder\"]}", true, true)));
    }

    @Test
    void before62TagsGoThroughTheTaggingApiAndBefore50TheyAreRejected() {
        stubVersion("5.1.0");
        wm.stubFor(post(urlPathEqualTo(bpPath("/virtual-networks"))).willReturn(json(202, taskAccepted("t-vn"))));
        stubTask("t-vn", succeededTask("t-vn", "{\"id\":\"vn-9\"}", 21));
        wm.stubFor(
                post(urlPathEqualTo(bpPath("/tagging"))).willReturn(aResponse().withStatus(204)));

        vns().create(VirtualNetwork.vxlan("a", "sz-1")
                .tags(List.of("fabricbinder", "tenant-a"))
                .build());

        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/virtual-networks")))
                .withRequestBody(equalToJson("{\"label\":\"a\",\"vn_type\":\"vxlan\",\"security_zone_id\":\"sz-1\","
                        + "\"ipv4_enabled\":true,\"virtual_gateway_ipv4_enabled\":true,"
                        + "\"dhcp_service\":\"dhcpServiceDisabled\",\"bound_to\":[],\"svi_ips\":[]}")));
        wm.verify(postRequestedFor(urlPathEqualTo(bpPath("/tagging")))
                .withQueryParam("async", equalTo("full"))
                .withRequestBody(
                        equalToJson("{\"nodes\":[\"vn-9\"],\"add\":[\"fabricbinder\",\"tenant-a\"],\"remove\":[]}")));

        ApstraClient old = builder().build();
        try {
            stubVersion("4.2.0");
            assertThatThrownBy(() -> old.blueprint(BP)
                            .virtualNetworks()
                            .create(VirtualNetwork.vxlan("b", "sz-1")
                                    .tags(List.of("x"))
                                    .build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tags need Apstra 5.0+");
        } finally {
            old.close();
        }
    }

    @Test
    void duplicateLabelIsAConflictThatSaysExists() {
        wm.stubFor(post(urlPathEqualTo(bpPath("/virtual-networks")))
                .willReturn(json(422, "{\"errors\":{\"label\":\"Virtual Network name not unique\"}}")));

        assertThatThrownBy(() -> vns().create(VirtualNetwork.vxlan("a", "sz-1").build()))
                .isInstanceOfSatisfying(ApstraConflictException.class, e -> {
                    assertThat(e.isExists()).isTrue();
                    assertThat(e.fieldErrors()).containsEntry("label", "Virtual Network name not unique");
                });
        wm.verify(1, postRequestedFor(urlPathEqualTo(bpPath("/virtual-networks"))));
    }

    @Test
    void invalidVnIsRejectedBeforeAnyCallNamingVnAndField() {
        assertThatThrownBy(() -> vns().create(VirtualNetwork.vxlan("tenant-a", "sz-1")
                        .reservedVlanId(5000)
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenant-a")
                .hasMessageContaining("reservedVlanId");
        assertThatThrownBy(
                        () -> vns().create(VirtualNetwork.builder("x", "vxlan").build()))
                .hasMessageContaining("securityZoneId");
        assertThatThrownBy(() ->
                        vns().create(VirtualNetwork.vxlan("x", "z").l3Mtu(1501).build()))
                .hasMessageContaining("l3Mtu");
        assertThatThrownBy(() -> VnBinding.of("leaf-1", 0)).hasMessageContaining("leaf-1");
        wm.verify(0, postRequestedFor(urlPathEqualTo(bpPath("/virtual-networks"))));
    }

    @Test
    void updatePutsTheFullObjectWithoutReadOnlyFields() {
        wm.stubFor(get(urlEqualTo(bpPath("/virtual-networks/vn-1"))).willReturn(okJson(VN_1)));
        wm.stubFor(put(urlPathEqualTo(bpPath("/virtual-networks/vn-1")))
                .willReturn(aResponse().withStatus(204)));

        VirtualNetwork vn = vns().get("vn-1");
        vns().update(vn.toBuilder().description("moved").build());

        wm.verify(putRequestedFor(urlPathEqualTo(bpPath("/virtual-networks/vn-1")))
                .withQueryParam("async", equalTo("full"))
                .withRequestBody(equalToJson("{\"label\":\"tenant-a\",\"description\":\"moved\",\"vn_type\":\"vxlan\","
                        + "\"vn_id\":\"5003\",\"security_zone_id\":\"sz-1\",\"bound_to\":["
                        + "{\"system_id\":\"leaf-1\",\"access_switch_node_ids\":[],\"vlan_id\":300},"
                        + "{\"system_id\":\"rg-1\",\"access_switch_node_ids\":[],\"vlan_id\":null}],"
                        + "\"ipv4_enabled\":true,\"ipv4_subnet\":\"10.1.1.0/24\",\"virtual_gateway_ipv4_enabled\":true,"
                        + "\"virtual_gateway_ipv4\":\"10.1.1.1\",\"dhcp_service\":\"dhcpServiceDisabled\","
                        + "\"reserved_vlan_id\":300,\"svi_ips\":[{\"system_id\":\"leaf-1\",\"ipv4_mode\":\"enabled\","
                        + "\"ipv4_addr\":\"10.1.1.2/24\",\"ipv6_mode\":\"disabled\"}],"
                        + "\"rt_policy\":{\"import_RTs\":[],\"export_RTs\":[\"5003:9\"]}}")));
    }

    @Test
    void updateOn62FillsTheDefaultZoneAndRequiresSwitchingZone() {
        stubVersion("6.2.0");
        wm.stubFor(get(urlEqualTo(bpPath("/security-zones"))).willReturn(okJson(RoutingZoneTest.ZONES)));
        wm.stubFor(put(urlPathEqualTo(bpPath("/virtual-networks/vn-5")))
                .willReturn(aResponse().withStatus(204)));
        VirtualNetwork noZone = VirtualNetwork.builder("x", "vlan")
                .id("vn-5")
                .switchingZoneId("swz-1")
                .build();

        vns().update(noZone);

        wm.verify(putRequestedFor(urlPathEqualTo(bpPath("/virtual-networks/vn-5")))
                .withRequestBody(equalToJson(
                        "{\"security_zone_id\":\"sz-default\",\"switching_zone_id\":\"swz-1\",\"bound_to\":[],\"tags\":[]}",
                        true,
                        true)));
        assertThatThrownBy(() -> vns().update(
                                VirtualNetwork.builder("x", "vlan").id("vn-5").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("switchingZoneId");
    }

    @Test
    void setBindingsPatchesOnlyBindingsAndSviIps() {
        wm.stubFor(patch(urlPathEqualTo(bpPath("/virtual-networks/vn-1"))).willReturn(json(202, taskAccepted("t-p"))));
        stubTask("t-p", succeededTask("t-p", "null", 30));

        vns().setBindings(
                        "vn-1",
                        List.of(VnBinding.of("rg-1", 301)),
                        List.of(new SviIp("leaf-1", "enabled", null, "disabled", null)));

        wm.verify(patchRequestedFor(urlPathEqualTo(bpPath("/virtual-networks/vn-1")))
                .withQueryParam("async", equalTo("full"))
                .withRequestBody(equalToJson("{\"bound_to\":[{\"system_id\":\"rg-1\",\"access_switch_node_ids\":[],"
                        + "\"vlan_id\":301}],\"svi_ips\":[{\"system_id\":\"leaf-1\",\"ipv4_mode\":\"enabled\","
                        + "\"ipv6_mode\":\"disabled\"}]}")));
    }

    @Test
    void deleteIsAsyncAndTolerates204() {
        wm.stubFor(delete(urlPathEqualTo(bpPath("/virtual-networks/vn-1")))
                .willReturn(aResponse().withStatus(204)));

        vns().delete("vn-1");

        wm.verify(deleteRequestedFor(urlPathEqualTo(bpPath("/virtual-networks/vn-1")))
                .withQueryParam("async", equalTo("full"))
                .withHeader("AuthToken", equalTo(TOKEN)));
    }
}
