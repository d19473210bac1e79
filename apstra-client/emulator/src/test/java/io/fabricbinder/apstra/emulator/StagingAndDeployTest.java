package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StagingAndDeployTest {
    private final ApstraEmulator emulator = ApstraEmulator.start();
    private final Http h = Http.loggedIn(emulator);
    private final String leaf1 = emulator.systemId("leaf1");

    @AfterEach
    void close() {
        emulator.close();
    }

    @Test
    void everyStagingChangeBumpsVersionAndMarksUncommitted() {
        int v0 = h.stagingVersion();

        String zone = h.createZone("blue");
        int v1 = h.stagingVersion();
        h.createVn("blue-300", zone, leaf1, 300);
        Http.Resp diff = h.get(h.bp + "/diff-status");

        assertThat(v1).isEqualTo(v0 + 1);
        assertThat(diff.json().get("staging_version").asInt()).isEqualTo(v0 + 2);
        assertThat(diff.json().get("deployed_version").asInt()).isEqualTo(v0);
        assertThat(diff.json().get("status").asText()).isEqualTo("undeployed");
        assertThat(h.get("/api/blueprints")
                        .json()
                        .at("/items/0/has_uncommitted_changes")
                        .asBoolean())
                .isTrue();
        assertThat(h.get("/api/blueprints").json().at("/items/0/version").asInt())
                .isEqualTo(v0 + 2);
    }

    @Test
    void noOpWriteDoesNotBumpVersion() {
        String zone = h.createZone("blue");
        String id = h.createVn("blue-300", zone, leaf1, 300);
        int v = h.stagingVersion();

        h.patch(h.bp + "/virtual-networks/" + id, "{\"label\":\"blue-300\"}");

        assertThat(h.stagingVersion()).isEqualTo(v);
    }

    @Test
    void deployCopiesStagingToDeployedAndAddsRevision() {
        String zone = h.createZone("blue");
        h.createVn("blue-300", zone, leaf1, 300);
        int v = h.stagingVersion();

        Http.Resp deploy = h.put(h.bp + "/deploy", "{\"version\":" + v + ",\"description\":\"first\"}");

        assertThat(deploy.status()).isEqualTo(204);
        assertThat(h.get(h.bp + "/deploy").json().get("state").asText()).isEqualTo("success");
        assertThat(h.get(h.bp + "/deploy").json().get("version").asInt()).isEqualTo(v);
        assertThat(h.get(h.bp + "/diff-status").json().get("deployed_version").asInt())
                .isEqualTo(v);
        assertThat(h.get(h.bp + "/diff-status").json().get("status").asText()).isEqualTo("completed");
        assertThat(emulator.virtualNetworks(Stage.DEPLOYED))
                .extracting(VirtualNetworkView::label)
                .containsExactly("blue-300");
        assertThat(h.get(h.bp + "/virtual-networks?type=deployed")
                        .json()
                        .get("virtual_networks")
                        .size())
                .isEqualTo(1);
        Http.Resp revs = h.get(h.bp + "/revisions");
        assertThat(revs.json().get("items")).hasSize(1);
        assertThat(revs.json().at("/items/0/revision_id").asText()).isEqualTo("1");
        assertThat(revs.json().at("/items/0/description").asText()).isEqualTo("first");
        assertThat(emulator.hasUncommittedChanges()).isFalse();
    }

    @Test
    void deployWithStaleVersionIsRejectedAndChangesNothing() {
        h.createZone("blue");
        int stale = h.stagingVersion();
        h.createZone("red");

        Http.Resp r = h.put(h.bp + "/deploy", "{\"version\":" + stale + ",\"description\":\"x\"}");

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("errors").asText()).contains("does not match");
        assertThat(emulator.deployedVersion()).isEqualTo(1);
        assertThat(emulator.securityZones(Stage.DEPLOYED)).hasSize(1);
    }

    @Test
    void deployWithoutVersionIs422() {
        Http.Resp r = h.put(h.bp + "/deploy", "{\"description\":\"x\"}");

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").get("version").asText()).isNotEmpty();
    }

    @Test
    void revertDiscardsUncommittedChanges() {
        h.createZone("blue");
        int before = h.stagingVersion();

        Http.Resp r = h.post(h.bp + "/revert?async=full", "{}");

        assertThat(r.status()).isEqualTo(202);
        assertThat(emulator.securityZones(Stage.STAGING))
                .extracting(SecurityZoneView::label)
                .containsExactly("default");
        assertThat(emulator.hasUncommittedChanges()).isFalse();
        assertThat(h.stagingVersion()).isGreaterThan(before);
    }

    @Test
    void rollbackRestoresARevisionIntoStaging() {
        h.createZone("blue");
        h.put(h.bp + "/deploy", "{\"version\":" + h.stagingVersion() + "}");
        h.createZone("red");
        h.put(h.bp + "/deploy", "{\"version\":" + h.stagingVersion() + "}");

        Http.Resp r = h.post(h.bp + "/rollback", "{\"revision_id\":\"1\"}");

        assertThat(r.status()).isEqualTo(204);
        assertThat(emulator.securityZones(Stage.STAGING))
                .extracting(SecurityZoneView::label)
                .containsExactly("default", "blue");
        assertThat(emulator.hasUncommittedChanges()).isTrue();
    }

    @Test
    void asyncFullWritesReturnTaskWhoseDetailedStatusCarriesResponseAndVersion() {
        Http.Resp accepted = h.post(
                h.bp + "/security-zones?async=full", "{\"label\":\"blue\",\"vrf_name\":\"blue\",\"sz_type\":\"evpn\"}");
        String taskId = accepted.json().get("task_id").asText();

        Http.Resp task = h.get(h.bp + "/tasks/" + taskId);
        Http.Resp list = h.get(h.bp + "/tasks?filter=id%20in%20%5B%27" + taskId + "%27%5D");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().get("id").asText()).isEqualTo(emulator.blueprintId());
        assertThat(task.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(task.json().get("type").asText()).isEqualTo("blueprint.facade.POST./security-zones");
        String zoneId = task.json().at("/detailed_status/api_response/id").asText();
        assertThat(emulator.securityZones(Stage.STAGING))
                .extracting(SecurityZoneView::id)
                .contains(zoneId);
        assertThat(task.json().at("/detailed_status/config_blueprint_version").asInt())
                .isEqualTo(emulator.stagingVersion());
        assertThat(task.json().at("/detailed_status/error_code").asInt()).isZero();
        assertThat(list.json().get("items")).hasSize(1);
        assertThat(list.json().at("/items/0").has("detailed_status")).isFalse();
    }

    @Test
    void asyncDeployThenDeployStatus() {
        h.createZone("blue");
        int v = h.stagingVersion();

        Http.Resp accepted = h.put(h.bp + "/deploy?async=full", "{\"version\":" + v + ",\"description\":\"d\"}");
        Http.Resp task = h.get(h.bp + "/tasks/" + accepted.json().get("task_id").asText());

        assertThat(task.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(h.get(h.bp + "/deploy").json().get("version").asInt()).isEqualTo(v);
    }

    @Test
    void unknownTaskIs404() {
        assertThat(h.get(h.bp + "/tasks/nope").status()).isEqualTo(404);
    }

    @Test
    void lockStatusShowsWhoHoldsUncommittedChanges() {
        assertThat(h.get(h.bp + "/lock-status").json().get("lock_status").asText())
                .isEqualTo("unlocked");

        h.createZone("blue");
        Http.Resp locked = h.get(h.bp + "/lock-status");

        assertThat(locked.json().get("lock_status").asText()).isEqualTo("locked");
        assertThat(locked.json().get("lock_type").asText()).isEqualTo("lock_by_changes");
        assertThat(locked.json().get("user_id").asText()).isEqualTo(emulator.userId());
        h.put(h.bp + "/deploy", "{\"version\":" + h.stagingVersion() + "}");
        assertThat(h.get(h.bp + "/lock-status").json().get("lock_status").asText())
                .isEqualTo("unlocked");
    }

    @Test
    void errorsEndpointIsCleanAndVersionedOn61() {
        assertThat(h.get(h.bp + "/errors").json().get("nodes").size()).isZero();
        try (ApstraEmulator six =
                ApstraEmulator.builder().apstraVersion("6.1.0").start()) {
            Http h6 = Http.loggedIn(six);
            assertThat(h6.get(h6.bp + "/errors").json().get("errors_count").asInt())
                    .isZero();
        }
    }

    @Test
    void designTagsAreUniqueByLabelForTheCooperativeLock() {
        String label = "blueprint " + emulator.blueprintId() + " locked";

        Http.Resp first = h.post("/api/design/tags", "{\"label\":\"" + label + "\",\"description\":\"me\"}");
        Http.Resp second = h.post("/api/design/tags", "{\"label\":\"" + label + "\",\"description\":\"other\"}");
        Http.Resp del = h.delete("/api/design/tags/" + first.json().get("id").asText());
        Http.Resp again = h.delete("/api/design/tags/" + first.json().get("id").asText());

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(422);
        assertThat(second.json().get("errors").asText()).isEqualTo("Tag with label '" + label + "' already exists");
        assertThat(del.status()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(404);
        assertThat(emulator.stagingVersion()).isEqualTo(1);
    }

    @Test
    void designTagLabelLimitedTo64() {
        Http.Resp r = h.post("/api/design/tags", "{\"label\":\"" + "x".repeat(65) + "\"}");

        assertThat(r.status()).isEqualTo(422);
    }
}
