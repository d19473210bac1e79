package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented quick-start flow, end to end through the public API, against wire-shaped stubs. */
class QuickStartFlowTest extends WireMockSupport {

    @Test
    void lockZoneVnTemplateAssignDeployUnlock() {
        wm.stubFor(get(urlEqualTo(bpPath("/lock-status"))).willReturn(okJson("{\"lock_status\":\"unlocked\"}")));
        wm.stubFor(post(urlEqualTo("/api/design/tags")).willReturn(json(201, "{\"id\":\"tag-1\"}")));
        wm.stubFor(delete(urlEqualTo("/api/design/tags/tag-1"))
                .willReturn(aResponse().withStatus(204)));
        wm.stubFor(get(urlEqualTo(bpPath("/security-zones"))).willReturn(okJson(RoutingZoneTest.ZONES)));
        wm.stubFor(post(urlPathEqualTo(bpPath("/security-zones"))).willReturn(json(202, taskAccepted("t1"))));
        stubTask("t1", succeededTask("t1", "{\"id\":\"sz-new\"}", 5));
        wm.stubFor(post(urlPathEqualTo(bpPath("/virtual-networks"))).willReturn(json(202, taskAccepted("t2"))));
        stubTask("t2", succeededTask("t2", "{\"id\":\"vn-new\"}", 6));
        wm.stubFor(put(urlPathEqualTo(bpPath("/obj-policy-import"))).willReturn(json(202, taskAccepted("t3"))));
        stubTask("t3", succeededTask("t3", "null", 7));
        wm.stubFor(post(urlPathEqualTo(bpPath("/qe")))
                .willReturn(okJson("{\"count\":1,\"items\":[{\"gs_if\":{\"id\":\"g1\",\"if_name\":\"ens1f0\"},"
                        + "\"leaf_if\":{\"id\":\"if-1\"},\"leaf\":{\"id\":\"leaf-1\"},\"ae\":{\"id\":\"ae-1\"},"
                        + "\"mc_ae\":{\"id\":\"esi-1\"}}]}")));
        wm.stubFor(patch(urlPathEqualTo(bpPath("/obj-policy-batch-apply"))).willReturn(json(202, taskAccepted("t4"))));
        stubTask("t4", succeededTask("t4", "null", 8));
        wm.stubFor(get(urlEqualTo("/api/blueprints"))
                .willReturn(okJson("{\"items\":[{\"id\":\"bp-1\",\"version\":8,\"has_uncommitted_changes\":true,"
                        + "\"build_errors_count\":0}]}")));
        wm.stubFor(put(urlPathEqualTo(bpPath("/deploy"))).willReturn(json(202, taskAccepted("t5"))));
        stubTask("t5", succeededTask("t5", "null", 8));
        wm.stubFor(get(urlEqualTo(bpPath("/deploy"))).willReturn(okJson("{\"state\":\"success\",\"version\":8}")));

        BlueprintClient bp = client.blueprint(BP);
        DeployResult result;
        try (MutexLock lock = bp.mutex().lock("fabricbinder: tenant-a", Duration.ofMinutes(2))) {
            assertThat(lock.tagId()).isEqualTo("tag-1");
            String zone = bp.routingZones()
                    .findByVrfName("tenant_a")
                    .map(RoutingZone::id)
                    .orElseGet(() -> bp.routingZones().create(RoutingZone.evpn("tenant-a", "tenant_a")));
            String vn = bp.virtualNetworks()
                    .create(VirtualNetwork.vxlan("tenant-a-app", zone)
                            .vnId(10300L)
                            .boundTo(List.of(VnBinding.of("rg-1", 300)))
                            .build());
            String ct = bp.connectivityTemplates().createTaggedVlan("tenant-a-app tagged", vn);
            ApplicationPoint port =
                    bp.graph().applicationPointFacing("server-01", "ens1f0").orElseThrow();
            bp.connectivityTemplates().apply(List.of(CtAssignment.assign(port.id(), ct)));
            result = bp.deploy(
                    bp.lastConfigBlueprintVersion().orElseThrow(), "fabricbinder: tenant-a", Duration.ofMinutes(5));
            assertThat(zone).isEqualTo("sz-new");
            assertThat(vn).isEqualTo("vn-new");
            assertThat(port.id()).isEqualTo("esi-1");
        }

        assertThat(result).isEqualTo(new DeployResult(BP, 8, true));
        List<ServeEvent> events = new ArrayList<>(wm.getAllServeEvents());
        Collections.reverse(events); // WireMock lists the newest first
        List<String> calls = events.stream()
                .map(e -> e.getRequest().getMethod() + " "
                        + e.getRequest().getUrl().replaceAll("\\?.*", ""))
                .filter(s -> !s.contains("/tasks/"))
                .toList();
        assertThat(calls)
                .containsExactly(
                        "POST /api/aaa/login",
                        "GET /api/versions/api",
                        "GET " + bpPath("/lock-status"),
                        "POST /api/design/tags",
                        "GET " + bpPath("/security-zones"),
                        "POST " + bpPath("/security-zones"),
                        "POST " + bpPath("/virtual-networks"),
                        "PUT " + bpPath("/obj-policy-import"),
                        "POST " + bpPath("/qe"),
                        "PATCH " + bpPath("/obj-policy-batch-apply"),
                        "GET /api/blueprints",
                        "PUT " + bpPath("/deploy"),
                        "GET " + bpPath("/deploy"),
                        "DELETE /api/design/tags/tag-1");
    }
}
