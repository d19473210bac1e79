package io.fabricbinder.core.apstra;

import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.BLUE;
import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.RED;
import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.seed;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.MutexLock;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.VirtualNetworkView;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.FabricNames;
import io.fabricbinder.core.FabricState;
import io.fabricbinder.core.Plan;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into the emulator during apply; after each, the next plan and apply converge to
 * the desired fabric, deployed, with the mutex released.
 */
class ApstraFabricGatewayFaultsTest {

    private ApstraEmulator apstra;
    private ApstraClient client;
    private ApstraFabricGateway gateway;

    @BeforeEach
    void start() {
        apstra = ApstraEmulator.builder().apstraVersion("6.2.0").start();
        client = EmulatorClients.client(apstra);
        gateway = ApstraFabricGateway.builder()
                .client(client)
                .blueprintId(apstra.blueprintId())
                .lockWait(Duration.ZERO)
                .deployTimeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        apstra.close();
    }

    private ApplyResult converge(FabricState desired) {
        return gateway.apply(TestPlans.diff(desired, gateway.readOwnedState()));
    }

    /** The next apply succeeds and leaves the desired fabric deployed, nothing pending. */
    private void assertNextApplyConverges(FabricState desired) {
        ApplyResult r = converge(desired);
        assertThat(r.isSuccess()).as(r.toString()).isTrue();
        Plan again = TestPlans.diff(desired, gateway.readOwnedState());
        assertThat(again.hasFabricChanges()).as(again.toText()).isFalse();
        assertThat(apstra.hasUncommittedChanges()).isFalse();
        assertThat(apstra.designTagLabels()).isEmpty();
        assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId)
                .hasSize(4);
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .extracting(VirtualNetworkView::label)
                .contains(FabricNames.virtualNetworkLabel(RED), FabricNames.virtualNetworkLabel(BLUE));
    }

    @Test
    void tooManyRequestsOnTheBatchIsRetried() {
        apstra.faults().failNext(2, 429, "PATCH .*/obj-policy-batch-apply", Duration.ofMillis(100));

        ApplyResult r = converge(seed());

        assertThat(r.failures()).isEmpty();
        assertThat(apstra.callCount("PATCH /api/blueprints/{bp}/obj-policy-batch-apply"))
                .isEqualTo(3);
        assertNextApplyConverges(seed());
    }

    @Test
    void unavailableOnANetworkCreateFailsThatNetworkOnlyAndTheNextApplyConverges() {
        apstra.faults().failNext(1, 503, "POST .*/virtual-networks$");

        ApplyResult r = converge(seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.FAILED);
        assertThat(r.failures())
                .anySatisfy(d -> assertThat(d.object().toString()).isEqualTo("VirtualNetwork " + BLUE));
        assertThat(r.failures())
                .noneSatisfy(d -> assertThat(d.object().toString()).isEqualTo("VirtualNetwork " + RED));
        // red was applied and deployed; blue's port waits for the next round.
        assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                .extracting(PortVlan::vlanId)
                .containsOnly(100);
        assertThat(apstra.designTagLabels()).isEmpty();
        assertNextApplyConverges(seed());
    }

    @Test
    void droppedConnectionOnZoneCreateChangesNothingAndTheNextApplyConverges() {
        apstra.faults().dropNext(1, "POST .*/security-zones$");

        ApplyResult r = converge(seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.FAILED);
        assertThat(r.failures())
                .anySatisfy(d ->
                        assertThat(d.object().toString()).isEqualTo("RoutingZone " + ApstraFabricGatewayTest.MESH));
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isZero();
        assertThat(apstra.designTagLabels()).isEmpty();
        assertNextApplyConverges(seed());
    }

    @Test
    void droppedConnectionOnTheBatchIsRetried() {
        apstra.faults().dropNext(1, "PATCH .*/obj-policy-batch-apply");

        ApplyResult r = converge(seed());

        assertThat(r.failures()).isEmpty();
        assertNextApplyConverges(seed());
    }

    @Test
    void expiredTokenLogsInAgain() {
        converge(FabricState.EMPTY);
        apstra.faults().expireTokensNow();

        ApplyResult r = converge(seed());

        assertThat(r.failures()).isEmpty();
        assertThat(apstra.callCount("POST /api/aaa/login")).isEqualTo(2);
        assertNextApplyConverges(seed());
    }

    @Test
    void foreignLockHeldRefusesAndChangesNothing() {
        apstra.faults().blueprintLockedBy("terraform");
        int version = apstra.stagingVersion();

        ApplyResult r = converge(seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(r.message()).contains("terraform");
        assertThat(apstra.stagingVersion()).isEqualTo(version);
        assertThat(apstra.virtualNetworks(Stage.STAGING))
                .extracting(VirtualNetworkView::label)
                .noneMatch(l -> l.startsWith("fb-"));
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isZero();

        apstra.faults().releaseForeignLock();
        assertNextApplyConverges(seed());
    }

    @Test
    void mutexTagHeldByAnotherProcessRefuses() {
        try (ApstraClient other = EmulatorClients.client(apstra);
                MutexLock held = other.blueprint(apstra.blueprintId())
                        .mutex()
                        .tryLock("other controller")
                        .orElseThrow()) {
            ApplyResult r = converge(seed());

            assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
            assertThat(r.message()).contains("mutex");
            assertThat(held.tagId()).isNotEmpty();
            assertThat(apstra.hasUncommittedChanges()).isFalse();
        }
        assertNextApplyConverges(seed());
    }

    @Test
    void foreignUncommittedStagingChangeIsRefused() {
        apstra.faults().foreignChangeNow();
        int version = apstra.stagingVersion();

        ApplyResult r = converge(seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(apstra.stagingVersion()).isEqualTo(version);
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isZero();

        // The other user commits their change; then FabricBinder proceeds.
        BlueprintClient bp = client.blueprint(apstra.blueprintId());
        bp.deploy(bp.status().version(), "foreign commit", Duration.ofSeconds(10));
        assertNextApplyConverges(seed());
    }

    @Test
    void foreignChangeBetweenWritesAndDeployRejectsTheDeployAndLaterConverges() {
        apstra.faults().foreignChangeBeforeNext("PUT .*/deploy");
        int deployed = apstra.deployedVersion();

        ApplyResult r = converge(seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.FAILED);
        assertThat(r.failures()).anySatisfy(d -> assertThat(d.field()).isEqualTo("deploy"));
        assertThat(r.changesApplied()).isZero();
        assertThat(apstra.deployedVersion()).isEqualTo(deployed);
        assertThat(apstra.designTagLabels()).isEmpty();

        // Staging now mixes our changes with the other user's: we never commit them in our name.
        assertThat(converge(seed()).status()).isNotEqualTo(ApplyResult.Status.APPLIED);
        assertThat(apstra.deployedVersion()).isEqualTo(deployed);

        // The other user discards everything uncommitted; FabricBinder re-applies and converges.
        client.blueprint(apstra.blueprintId()).revert();
        assertNextApplyConverges(seed());
    }

    @Test
    void ownChangesLeftUndeployedAreDeployedByTheNextApply() {
        apstra.faults().failNext(1, 500, "PUT .*/deploy");

        ApplyResult r = converge(seed());

        assertThat(r.status()).isEqualTo(ApplyResult.Status.FAILED);
        assertThat(apstra.hasUncommittedChanges()).isTrue();
        assertThat(gateway.readOwnedState().findZone(ApstraFabricGateway.UNDEPLOYED_MARKER_ZONE))
                .isPresent();
        assertNextApplyConverges(seed());
        assertThat(apstra.callCount("PUT /api/blueprints/{bp}/deploy")).isEqualTo(2);
    }

    @Test
    void deleteAfterAnInterruptedDeleteConverges() {
        converge(seed());
        apstra.faults().failNext(1, 500, "DELETE .*/virtual-networks/.*");

        ApplyResult r = converge(FabricState.EMPTY);

        assertThat(r.status()).isEqualTo(ApplyResult.Status.FAILED);
        r = converge(FabricState.EMPTY);
        assertThat(r.isSuccess()).as(r.toString()).isTrue();
        assertThat(TestPlans.diff(FabricState.EMPTY, gateway.readOwnedState()).hasFabricChanges())
                .isFalse();
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED))
                .extracting(VirtualNetworkView::label)
                .noneMatch(l -> l.startsWith("fb-"));
        assertThat(apstra.hasUncommittedChanges()).isFalse();
    }
}
