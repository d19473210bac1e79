package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/testing-with-the-emulator.md, compiled and run. {@link Http} stands in for
 * the controller under test: any Apstra client pointed at {@code baseUrl()} works the same way.
 */
class DocsExampleTest {
    private final ApstraEmulator apstra = ApstraEmulator.start();

    @AfterEach
    void stop() {
        apstra.close();
    }

    /** Stand-in for "the controller reconciles one SR-IOV network onto worker-1's PF". */
    private static void reconcile(ApstraEmulator apstra) {
        Http client = Http.loggedIn(apstra);
        String zone = client.createZone("blue");
        String vn = client.createVn("blue-300", zone, apstra.systemId("leaf1"), 300);
        String ct = client.createTaggedCt("blue-300-tagged", vn);
        client.apply(client.leafPortFacing("worker-1", "ens1f0"), ct, true);
        int version = client.get(client.bp + "/diff-status")
                .json()
                .get("staging_version")
                .asInt();
        Http.Resp deploy = client.put(client.bp + "/deploy", "{\"version\":" + version + "}");
        if (deploy.status() != 204) {
            throw new IllegalStateException("deploy failed: " + deploy.body());
        }
    }

    @Test
    void controllerTagsVlanOnTheWorkerPort() {
        reconcile(apstra);

        assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId, PortVlan::tagged)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("leaf1", "xe-0/0/10", 300, true));
        assertThat(apstra.hasUncommittedChanges()).isFalse();
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(1);
    }

    @Test
    void controllerSurvivesA429OnBatchApply() {
        apstra.faults().failNext(1, 429, "PATCH .*obj-policy-batch-apply", Duration.ofSeconds(1));

        Http client = Http.loggedIn(apstra);
        String zone = client.createZone("blue");
        String vn = client.createVn("blue-300", zone, apstra.systemId("leaf1"), 300);
        String ct = client.createTaggedCt("t", vn);
        String port = client.leafPortFacing("worker-1", "ens1f0");
        Http.Resp first = client.apply(port, ct, true);
        Http.Resp retry = client.apply(port, ct, true);

        assertThat(first.status()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(retry.status()).isEqualTo(204);
        assertThat(apstra.taggedVlans(Stage.STAGING)).hasSize(1);
    }

    @Test
    void standaloneStartUsesTheGivenPortAndDefaultTopology() {
        try (ApstraEmulator standalone = ApstraEmulator.startStandalone(0, null)) {
            assertThat(standalone.systemId("worker-3")).isNotBlank();
            assertThat(new Http(standalone).get("/api/versions/api").status()).isEqualTo(200);
        }
    }
}
