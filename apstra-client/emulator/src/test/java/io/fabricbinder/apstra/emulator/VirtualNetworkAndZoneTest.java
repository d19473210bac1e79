package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VirtualNetworkAndZoneTest {
    private final ApstraEmulator emulator = ApstraEmulator.start();
    private final Http h = Http.loggedIn(emulator);
    private final String leaf1 = emulator.systemId("leaf1");

    @AfterEach
    void close() {
        emulator.close();
    }

    @Test
    void zoneCreateListGetAndDefaultZone() {
        String id = h.createZone("blue");

        Http.Resp list = h.get(h.bp + "/security-zones");
        Http.Resp one = h.get(h.bp + "/security-zones/" + id);

        assertThat(list.json().get("items").get(id).get("label").asText()).isEqualTo("blue");
        assertThat(list.json().get("items").findValuesAsText("vrf_name")).contains("default", "blue");
        assertThat(one.json().get("sz_type").asText()).isEqualTo("evpn");
        assertThat(one.json().get("vni_id").isInt()).isTrue();
        assertThat(one.json().get("route_target").asText()).endsWith(":1");
    }

    @Test
    void zoneLabelsAreUnique() {
        h.createZone("blue");

        Http.Resp dup =
                h.post(h.bp + "/security-zones", "{\"label\":\"blue\",\"vrf_name\":\"blue2\",\"sz_type\":\"evpn\"}");

        assertThat(dup.status()).isEqualTo(422);
        assertThat(dup.json().get("errors").get("label").asText()).contains("already exists");
    }

    @Test
    void zoneVniMustBeInRange() {
        Http.Resp r = h.post(h.bp + "/security-zones", "{\"label\":\"x\",\"sz_type\":\"evpn\",\"vni_id\":12}");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").get("vni_id").asText()).contains("at least 4096");
    }

    @Test
    void vnCreateListAndGet() {
        String zone = h.createZone("blue");

        String id = h.createVn("blue-300", zone, leaf1, 300);
        Http.Resp list = h.get(h.bp + "/virtual-networks");
        Http.Resp one = h.get(h.bp + "/virtual-networks/" + id);

        assertThat(list.json().get("virtual_networks").get(id).get("label").asText())
                .isEqualTo("blue-300");
        assertThat(one.json().get("id").asText()).isEqualTo(id);
        assertThat(one.json().get("vn_id").isTextual()).isTrue();
        assertThat(one.json().get("security_zone_id").asText()).isEqualTo(zone);
        assertThat(one.json().get("bound_to").get(0).get("system_id").asText()).isEqualTo(leaf1);
        assertThat(one.json().get("bound_to").get(0).get("vlan_id").asInt()).isEqualTo(300);
        assertThat(emulator.virtualNetworks(Stage.STAGING))
                .singleElement()
                .satisfies(v -> assertThat(v.vlanBySystem()).containsEntry("leaf1", 300));
        assertThat(emulator.virtualNetworks(Stage.DEPLOYED)).isEmpty();
    }

    @Test
    void explicitVniIsKeptAsString() {
        String zone = h.createZone("blue");
        String body = Http.vnBody("v", zone, leaf1, 10).replace("\"vn_id\":null", "\"vn_id\":\"5003\"");

        String id = h.post(h.bp + "/virtual-networks", body).json().get("id").asText();

        assertThat(h.get(h.bp + "/virtual-networks/" + id).json().get("vn_id").asText())
                .isEqualTo("5003");
        assertThat(h.get(h.bp + "/virtual-networks/" + id)
                        .json()
                        .get("route_target")
                        .asText())
                .isEqualTo("5003:1");
    }

    @Test
    void vnLabelsAreUnique() {
        String zone = h.createZone("blue");
        h.createVn("blue-300", zone, leaf1, 300);

        Http.Resp dup = h.post(h.bp + "/virtual-networks", Http.vnBody("blue-300", zone, leaf1, 301));

        assertThat(dup.status()).isEqualTo(422);
        assertThat(dup.json().get("errors").get("label").asText()).contains("not unique");
    }

    @Test
    void vlanMustBeWithin1And4094() {
        String zone = h.createZone("blue");

        Http.Resp bound = h.post(h.bp + "/virtual-networks", Http.vnBody("a", zone, leaf1, 4095));
        Http.Resp zero = h.post(h.bp + "/virtual-networks", Http.vnBody("b", zone, leaf1, 0));
        Http.Resp reserved = h.post(
                h.bp + "/virtual-networks",
                Http.vnBody("c", zone, leaf1, 10).replace("\"svi_ips\"", "\"reserved_vlan_id\":5000,\"svi_ips\""));

        assertThat(bound.status()).isEqualTo(422);
        assertThat(bound.json().at("/errors/bound_to/0/vlan_id").asText())
                .isEqualTo("Value should be at least 1 and at most 4094");
        assertThat(zero.status()).isEqualTo(422);
        assertThat(reserved.status()).isEqualTo(422);
        assertThat(reserved.json().get("errors").get("reserved_vlan_id").asText())
                .isEqualTo("Value should be at least 1 and at most 4094");
    }

    @Test
    void vniMustBeInRangeAndUnique() {
        String zone = h.createZone("blue");
        String low = Http.vnBody("a", zone, leaf1, 10).replace("\"vn_id\":null", "\"vn_id\":\"100\"");
        String ok = Http.vnBody("b", zone, leaf1, 11).replace("\"vn_id\":null", "\"vn_id\":\"7000\"");
        String dup = Http.vnBody("c", zone, leaf1, 12).replace("\"vn_id\":null", "\"vn_id\":\"7000\"");

        Http.Resp tooLow = h.post(h.bp + "/virtual-networks", low);
        h.post(h.bp + "/virtual-networks", ok);
        Http.Resp taken = h.post(h.bp + "/virtual-networks", dup);

        assertThat(tooLow.status()).isEqualTo(422);
        assertThat(tooLow.json().get("errors").get("vn_id").asText()).contains("at least 4096");
        assertThat(taken.status()).isEqualTo(422);
        assertThat(taken.json().get("errors").get("vn_id").asText()).contains("already in use");
    }

    @Test
    void vxlanVnRequiresZone() {
        Http.Resp r = h.post(h.bp + "/virtual-networks", Http.vnBody("a", "", leaf1, 10));
        Http.Resp unknown = h.post(h.bp + "/virtual-networks", Http.vnBody("a", "nope", leaf1, 10));

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").has("security_zone_id")).isTrue();
        assertThat(unknown.status()).isEqualTo(422);
    }

    @Test
    void bindingMustNameLeafOrRedundancyGroup() {
        String zone = h.createZone("blue");

        Http.Resp r = h.post(h.bp + "/virtual-networks", Http.vnBody("a", zone, emulator.systemId("worker-1"), 10));

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().at("/errors/bound_to/0/system_id").asText()).contains("No node with id");
    }

    @Test
    void patchChangesOnlyGivenFieldsAndPutReplaces() {
        String zone = h.createZone("blue");
        String id = h.createVn("blue-300", zone, leaf1, 300);
        String leaf2 = emulator.systemId("leaf2");

        Http.Resp patch = h.patch(
                h.bp + "/virtual-networks/" + id,
                "{\"bound_to\":[{\"system_id\":\"" + leaf1 + "\",\"vlan_id\":300},{\"system_id\":\"" + leaf2
                        + "\",\"vlan_id\":300}]}");
        Http.Resp afterPatch = h.get(h.bp + "/virtual-networks/" + id);
        Http.Resp put = h.put(h.bp + "/virtual-networks/" + id, Http.vnBody("renamed", zone, leaf2, 301));

        assertThat(patch.status()).isEqualTo(204);
        assertThat(afterPatch.json().get("bound_to")).hasSize(2);
        assertThat(afterPatch.json().get("ipv4_subnet").asText()).isEqualTo("10.1.1.0/24");
        assertThat(put.status()).isEqualTo(204);
        assertThat(h.get(h.bp + "/virtual-networks/" + id).json().get("label").asText())
                .isEqualTo("renamed");
    }

    @Test
    void patchingBindingsWithoutVlanKeepsTheVnVlanAndRepeatingItChangesNothing() {
        String zone = h.createZone("blue");
        String id = h.createVn("blue-300", zone, leaf1, 300);
        String leaf2 = emulator.systemId("leaf2");
        String bindings = "{\"bound_to\":[{\"system_id\":\"" + leaf1 + "\",\"vlan_id\":null},{\"system_id\":\"" + leaf2
                + "\",\"vlan_id\":null}]}";

        Http.Resp first = h.patch(h.bp + "/virtual-networks/" + id, bindings);
        int afterFirst = emulator.stagingVersion();
        Http.Resp again = h.patch(h.bp + "/virtual-networks/" + id, bindings);

        assertThat(first.status()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(204);
        assertThat(h.get(h.bp + "/virtual-networks/" + id)
                        .json()
                        .get("bound_to")
                        .findValuesAsText("vlan_id"))
                .containsExactly("300", "300");
        assertThat(emulator.stagingVersion()).isEqualTo(afterFirst);
    }

    @Test
    void putWithoutVniKeepsTheVniTheVnAlreadyHas() {
        String zone = h.createZone("blue");
        String id = h.createVn("blue-300", zone, leaf1, 300);
        String vni = h.get(h.bp + "/virtual-networks/" + id).json().get("vn_id").asText();
        int before = emulator.stagingVersion();

        Http.Resp put = h.put(h.bp + "/virtual-networks/" + id, Http.vnBody("blue-300", zone, leaf1, 300));

        assertThat(put.status()).isEqualTo(204);
        assertThat(h.get(h.bp + "/virtual-networks/" + id).json().get("vn_id").asText())
                .isEqualTo(vni);
        assertThat(emulator.stagingVersion()).isEqualTo(before);
    }

    @Test
    void unknownVnAndZoneAre404() {
        assertThat(h.get(h.bp + "/virtual-networks/nope").status()).isEqualTo(404);
        assertThat(h.get(h.bp + "/virtual-networks/nope").json().get("errors").asText())
                .isEqualTo("No virtual_network with id: nope");
        assertThat(h.delete(h.bp + "/virtual-networks/nope").status()).isEqualTo(404);
        assertThat(h.put(h.bp + "/security-zones/nope", "{}").status()).isEqualTo(404);
        assertThat(h.delete(h.bp + "/security-zones/nope").status()).isEqualTo(404);
    }

    @Test
    void zoneWithVnsCannotBeDeleted() {
        String zone = h.createZone("blue");
        String vn = h.createVn("blue-300", zone, leaf1, 300);

        Http.Resp blocked = h.delete(h.bp + "/security-zones/" + zone);
        h.delete(h.bp + "/virtual-networks/" + vn);
        Http.Resp ok = h.delete(h.bp + "/security-zones/" + zone);

        assertThat(blocked.status()).isEqualTo(422);
        assertThat(ok.status()).isEqualTo(204);
    }

    @Test
    void apstra62RequiresZoneIdsOnPut() {
        try (ApstraEmulator six =
                ApstraEmulator.builder().apstraVersion("6.2.0").start()) {
            Http h6 = Http.loggedIn(six);
            String zone = h6.createZone("blue");
            String id = h6.createVn("v", zone, six.systemId("leaf1"), 10);
            String swz = h6.get(h6.bp + "/virtual-networks/" + id)
                    .json()
                    .get("switching_zone_id")
                    .asText();

            Http.Resp missing =
                    h6.put(h6.bp + "/virtual-networks/" + id, Http.vnBody("v", zone, six.systemId("leaf1"), 11));
            Http.Resp ok = h6.put(
                    h6.bp + "/virtual-networks/" + id,
                    Http.vnBody("v", zone, six.systemId("leaf1"), 11)
                            .replace("\"svi_ips\"", "\"switching_zone_id\":\"" + swz + "\",\"svi_ips\""));

            assertThat(missing.status()).isEqualTo(422);
            assertThat(missing.json().get("errors").has("switching_zone_id")).isTrue();
            assertThat(ok.status()).isEqualTo(204);
        }
    }

    @Test
    void concurrentCreatesAreAppliedOneAtATime() throws Exception {
        String zone = h.createZone("blue");
        int before = emulator.stagingVersion();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                Http client = Http.loggedIn(emulator);
                int ok = 0;
                for (int i = 0; i < 20; i++) {
                    int n = thread * 20 + i;
                    ok += client.post(client.bp + "/virtual-networks", Http.vnBody("vn-" + n, zone, leaf1, 2 + n))
                                            .status()
                                    == 201
                            ? 1
                            : 0;
                }
                // Every thread also tries one label another thread owns: exactly one of each pair wins.
                ok += client.post(client.bp + "/virtual-networks", Http.vnBody("vn-0", zone, leaf1, 4000))
                                        .status()
                                == 201
                        ? 1
                        : 0;
                return ok;
            }));
        }
        int created = 0;
        for (java.util.concurrent.Future<Integer> f : results) {
            created += f.get();
        }
        pool.shutdown();

        assertThat(created).isEqualTo(120);
        assertThat(emulator.virtualNetworks(Stage.STAGING)).hasSize(120);
        assertThat(emulator.virtualNetworks(Stage.STAGING))
                .extracting(VirtualNetworkView::vni)
                .doesNotHaveDuplicates();
        assertThat(emulator.stagingVersion()).isEqualTo(before + 120);
    }

    @Test
    void apstra4RequiresABinding() {
        String zone = h.createZone("blue");

        Http.Resp r = h.post(
                h.bp + "/virtual-networks",
                "{\"label\":\"x\",\"vn_type\":\"vxlan\",\"security_zone_id\":\"" + zone + "\",\"bound_to\":[]}");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").has("bound_to")).isTrue();
    }
}
