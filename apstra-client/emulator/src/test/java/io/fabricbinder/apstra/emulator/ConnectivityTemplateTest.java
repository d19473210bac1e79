package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectivityTemplateTest {
    private static final Topology ESI = Topology.builder()
            .leaf("leaf1")
            .esiPair("pair1", "leaf3", "leaf4")
            .cable("worker-1", "ens1f0", "leaf1", "xe-0/0/10")
            .esiLag(
                    "worker-2",
                    "bond0",
                    new Topology.Cable("worker-2", "ens2f0", "leaf3", "xe-0/0/1"),
                    new Topology.Cable("worker-2", "ens2f1", "leaf4", "xe-0/0/1"))
            .build();

    private final ApstraEmulator emulator =
            ApstraEmulator.builder().topology(ESI).start();
    private final Http h = Http.loggedIn(emulator);
    private final String leaf1 = emulator.systemId("leaf1");

    @AfterEach
    void close() {
        emulator.close();
    }

    @Test
    void createTagDeployUntagDeleteRoundTrip() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, leaf1, 300);
        String ct = h.createTaggedCt("blue-300-tagged", vn);
        String port = h.leafPortFacing("worker-1", "ens1f0");

        assertThat(h.apply(port, ct, true).status()).isEqualTo(204);
        assertThat(emulator.taggedVlans(Stage.STAGING))
                .containsExactly(new PortVlan("leaf1", "xe-0/0/10", 300, vn, "blue-300", true));
        assertThat(emulator.taggedVlans(Stage.DEPLOYED)).isEmpty();
        h.put(h.bp + "/deploy", "{\"version\":" + h.stagingVersion() + "}");
        assertThat(emulator.taggedVlans(Stage.DEPLOYED))
                .containsExactly(new PortVlan("leaf1", "xe-0/0/10", 300, vn, "blue-300", true));

        assertThat(h.apply(port, ct, false).status()).isEqualTo(204);
        assertThat(h.delete(h.bp + "/endpoint-policies/" + ct + "?delete_recursive=true")
                        .status())
                .isEqualTo(204);
        assertThat(h.delete(h.bp + "/virtual-networks/" + vn).status()).isEqualTo(204);
        h.put(h.bp + "/deploy", "{\"version\":" + h.stagingVersion() + "}");
        assertThat(emulator.taggedVlans(Stage.DEPLOYED)).isEmpty();
        assertThat(emulator.virtualNetworks(Stage.DEPLOYED)).isEmpty();
        assertThat(h.get(h.bp + "/obj-policy-export").json().get("policies")).isEmpty();
    }

    @Test
    void vnReferencedByCtCannotBeDeleted() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, leaf1, 300);
        String ct = h.createTaggedCt("t", vn);

        Http.Resp r = h.delete(h.bp + "/virtual-networks/" + vn);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").asText()).contains(ct);
        assertThat(emulator.virtualNetworks(Stage.STAGING)).hasSize(1);
    }

    @Test
    void zoneReferencedByCtCannotBeDeleted() {
        String zone = h.createZone("blue");
        String body = "{\"policies\":[{\"id\":\"rz\",\"policy_type_name\":\"batch\",\"label\":\"rz\",\"visible\":true,"
                + "\"attributes\":{\"subpolicies\":[\"rzp\"]}},{\"id\":\"rzp\",\"policy_type_name\":\"pipeline\","
                + "\"visible\":false,\"attributes\":{\"first_subpolicy\":\"rzc\",\"second_subpolicy\":null}},"
                + "{\"id\":\"rzc\",\"policy_type_name\":\"AttachRoutingZoneConstraint\",\"visible\":false,"
                + "\"attributes\":{\"routing_zone_id\":\"" + zone + "\"}}]}";
        assertThat(h.put(h.bp + "/obj-policy-import", body).status()).isEqualTo(204);

        Http.Resp r = h.delete(h.bp + "/security-zones/" + zone);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").asText()).contains("connectivity templates");
    }

    @Test
    void esiMemberPortsAreNotValidApplicationPoints() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, emulator.systemId("pair1"), 300);
        String ct = h.createTaggedCt("t", vn);
        String q = "match(node('system', label='worker-2', name='gs').out('hosted_interfaces')"
                + ".node('interface', if_type='ethernet', name='gs_if').out('link').node('link')"
                + ".in_('link').node('interface', if_type='ethernet', name='leaf_if')"
                + ".in_('hosted_interfaces').node('system', system_type='switch'),"
                + "optional(node(name='leaf_if').in_('composed_of').node('interface', name='ae')),"
                + "optional(node(name='ae').in_('composed_of').node('interface', name='mc_ae')))";
        Http.Resp found = h.post(
                h.bp + "/qe", Http.MAPPER.createObjectNode().put("query", q).toString());
        String member = found.json().at("/items/0/leaf_if/id").asText();
        String ae = found.json().at("/items/0/ae/id").asText();
        String mcAe = found.json().at("/items/0/mc_ae/id").asText();

        Http.Resp memberResp = h.apply(member, ct, true);
        Http.Resp aeResp = h.apply(ae, ct, true);
        Http.Resp mcResp = h.apply(mcAe, ct, true);

        assertThat(found.json().get("count").asInt()).isEqualTo(2);
        assertThat(memberResp.status()).isEqualTo(422);
        assertThat(memberResp
                        .json()
                        .at("/errors/application_points/0/policies/0")
                        .asText())
                .isEqualTo("Not a valid application point");
        assertThat(memberResp.json().get("error_code").asInt()).isEqualTo(422);
        assertThat(aeResp.status()).isEqualTo(422);
        assertThat(mcResp.status()).isEqualTo(204);
        assertThat(emulator.taggedVlans(Stage.STAGING))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("leaf3", "xe-0/0/1", 300),
                        org.assertj.core.groups.Tuple.tuple("leaf4", "xe-0/0/1", 300));
    }

    @Test
    void unknownCtInBatchApplyIsReportedPerIndex() {
        String port = h.leafPortFacing("worker-1", "ens1f0");

        Http.Resp r = h.apply(port, "no-such-ct", true);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().at("/errors/application_points/0/policies/0").asText())
                .isEqualTo("Endpoint policy with node id no-such-ct does not exist");
    }

    @Test
    void sameVnThroughTwoCtsOnOnePortIsAConflict() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, leaf1, 300);
        String ct1 = h.createTaggedCt("a", vn);
        String ct2 = h.createTaggedCt("b", vn);
        String port = h.leafPortFacing("worker-1", "ens1f0");
        h.apply(port, ct1, true);

        Http.Resp r = h.apply(port, ct2, true);

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().at("/errors/application_points/" + port + "/" + ct2).toString())
                .contains("conflicts")
                .contains("is already configured on interface of system leaf1");
    }

    @Test
    void assignedCtCannotBeDeleted() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, leaf1, 300);
        String ct = h.createTaggedCt("a", vn);
        h.apply(h.leafPortFacing("worker-1", "ens1f0"), ct, true);

        Http.Resp r = h.delete(h.bp + "/endpoint-policies/" + ct + "?delete_recursive=true");

        assertThat(r.status()).isEqualTo(422);
        assertThat(h.delete(h.bp + "/endpoint-policies/nope?delete_recursive=true")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void importRejectsUnknownVn() {
        Http.Resp r = h.put(
                h.bp + "/obj-policy-import",
                "{\"policies\":[{\"id\":\"v\",\"policy_type_name\":\"AttachSingleVLAN\",\"visible\":false,"
                        + "\"attributes\":{\"vn_node_id\":\"ghost\",\"tag_type\":\"vlan_tagged\"}}]}");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().toString()).contains("ghost");
    }

    @Test
    void exportOneCtAndMissingCtQuirk() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, leaf1, 300);
        String ct = h.createTaggedCt("a", vn);

        Http.Resp one = h.get(h.bp + "/obj-policy-export/" + ct);
        Http.Resp missing = h.get(h.bp + "/obj-policy-export/nope");

        assertThat(one.json().get("policies")).hasSize(3);
        assertThat(one.json().at("/policies/0/id").asText()).isEqualTo(ct);
        assertThat(missing.status()).isEqualTo(500);
        assertThat(missing.json().get("errors").asText()).contains("'NoneType' object has no attribute 'id'");
    }

    @Test
    void applicationPointTreeShowsUsedDirectly() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, leaf1, 300);
        String ct = h.createTaggedCt("a", vn);
        String port = h.leafPortFacing("worker-1", "ens1f0");
        h.apply(port, ct, true);

        Http.Resp r =
                h.get(h.bp + "/obj-policy-application-points?policy=" + ct + "&max_count=1000&offset_max_count=0");

        String json = r.json().toString();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/application_points/children/0/type").asText()).isEqualTo("pod");
        assertThat(json).contains("\"id\":\"" + port + "\"");
        assertThat(json).contains("\"state\":\"used-directly\"");
        assertThat(h.get(h.bp + "/endpoint-policies")
                        .json()
                        .get("endpoint_policies")
                        .findValuesAsText("status"))
                .contains("assigned");
        assertThat(h.get(h.bp + "/endpoint-policies/" + ct)
                        .json()
                        .at("/endpoint_policy/app_points_count")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void createPolicyTaggedMakesACtFoundByTheReferenceQuery() {
        String zone = h.createZone("blue");
        String body = Http.vnBody("blue-300", zone, leaf1, 300)
                .replace("\"svi_ips\"", "\"create_policy_tagged\":true,\"svi_ips\"");
        String vn = h.post(h.bp + "/virtual-networks", body).json().get("id").asText();
        String q = "node('virtual_network', id='" + vn + "').in_().node('ep_endpoint_policy',name='p')"
                + ".in_('ep_first_subpolicy').node().in_('ep_subpolicy').node('ep_endpoint_policy',name='ct')";

        Http.Resp r = h.post(
                h.bp + "/qe", Http.MAPPER.createObjectNode().put("query", q).toString());

        assertThat(r.json().get("count").asInt()).isEqualTo(1);
        assertThat(r.json().at("/items/0/ct/label").asText()).isEqualTo("blue-300-tagged");
        assertThat(r.json().at("/items/0/ct/visible").asBoolean()).isTrue();
    }

    @Test
    void applyingOnUnboundLeafBindsTheVnThere() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, emulator.systemId("pair1"), 300);
        String ct = h.createTaggedCt("a", vn);

        h.apply(h.leafPortFacing("worker-1", "ens1f0"), ct, true);

        assertThat(emulator.virtualNetworks(Stage.STAGING).get(0).vlanBySystem())
                .containsEntry("leaf1", 300)
                .containsEntry("pair1", 300);
    }
}
