package io.fabricbinder.apstra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.PortVlan;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.Topology;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against the stateful emulator over real HTTP: the whole port-tagging life cycle and
 * the faults a reconciler meets. The WireMock tests pin the wire format; these pin that client and
 * emulator agree on Apstra's state model.
 */
class ApstraClientEmulatorTest {

    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(20);

    private ApstraEmulator apstra;
    private ApstraClient client;
    private BlueprintClient blueprint;

    @BeforeEach
    void start() {
        apstra = ApstraEmulator.start();
        client = ApstraClient.builder()
                .baseUrl(apstra.baseUrl())
                .credentials(new Credentials(apstra.username(), apstra.password()))
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(20)))
                .build();
        blueprint = client.blueprint(apstra.blueprintId());
    }

    @AfterEach
    void stop() {
        client.close();
        apstra.close();
    }

    @Test
    void createTagDeployUntagDeleteRoundTrip() {
        String zone = blueprint.routingZones().create(RoutingZone.evpn("blue", "blue"));
        String leaf1 = apstra.systemId("leaf1");
        String vn = blueprint
                .virtualNetworks()
                .create(VirtualNetwork.vxlan("blue-net", zone)
                        .vnId(10300L)
                        .boundTo(List.of(VnBinding.of(leaf1, 300)))
                        .build());
        String ct = blueprint.connectivityTemplates().createTaggedVlan("blue-net tagged", vn);
        ApplicationPoint port =
                blueprint.graph().applicationPointFacing("worker-2", "ens1f0").orElseThrow();

        blueprint.connectivityTemplates().apply(List.of(CtAssignment.assign(port.id(), ct)));
        deploy("tag blue-net on worker-2");

        assertThat(port.kind()).isEqualTo(ApplicationPoint.Kind.PHYSICAL);
        assertThat(blueprint.connectivityTemplates().assignments(ct)).containsExactly(port.id());
        assertThat(apstra.taggedVlans(Stage.DEPLOYED))
                .extracting(PortVlan::leaf, PortVlan::port, PortVlan::vlanId, PortVlan::tagged)
                .containsExactly(tuple("leaf1", "xe-0/0/11", 300, true));
        assertThat(apstra.hasUncommittedChanges()).isFalse();

        blueprint.connectivityTemplates().apply(List.of(CtAssignment.unassign(port.id(), ct)));
        deploy("untag blue-net on worker-2");

        assertThat(apstra.taggedVlans(Stage.DEPLOYED)).isEmpty();

        blueprint.connectivityTemplates().delete(ct);
        blueprint.virtualNetworks().delete(vn);
        blueprint.routingZones().delete(zone);
        deploy("remove blue-net");

        assertThat(blueprint.virtualNetworks().find(vn)).isEmpty();
        assertThat(apstra.virtualNetworks(Stage.DEPLOYED)).isEmpty();
        assertThat(apstra.securityZones(Stage.DEPLOYED))
                .noneSatisfy(z -> assertThat(z.label()).isEqualTo("blue"));
    }

    @Test
    void aNetworkInUseByATemplateCannotBeDeleted() {
        String zone = blueprint.routingZones().create(RoutingZone.evpn("red", "red"));
        String vn = blueprint
                .virtualNetworks()
                .create(VirtualNetwork.vxlan("red-net", zone)
                        .vnId(10400L)
                        .boundTo(List.of(VnBinding.of(apstra.systemId("leaf2"), 400)))
                        .build());
        blueprint.connectivityTemplates().createTaggedVlan("red-net tagged", vn);

        assertThatThrownBy(() -> blueprint.virtualNetworks().delete(vn))
                .isInstanceOf(ApstraHttpException.class)
                .satisfies(
                        e -> assertThat(((ApstraHttpException) e).statusCode()).isEqualTo(422));
        assertThat(blueprint.virtualNetworks().find(vn)).isPresent();
    }

    @Test
    void expiredTokenIsRenewedOnceTransparently() {
        blueprint.routingZones().list();
        int loginsBefore = logins();

        apstra.faults().expireTokensNow();
        blueprint.routingZones().list();

        assertThat(logins()).isEqualTo(loginsBefore + 1);
    }

    @Test
    void readsAreRetriedThrough503And429() {
        apstra.faults().failNext(2, 503, "GET /api/blueprints/[^/]+/virtual-networks$");
        apstra.faults().failNext(1, 429, "GET /api/blueprints/[^/]+/security-zones$", Duration.ofSeconds(0));

        assertThat(blueprint.virtualNetworks().list()).isEmpty();
        assertThat(blueprint.routingZones().list()).isNotEmpty();
    }

    @Test
    void deployOfAStaleVersionIsRefused() {
        blueprint.routingZones().create(RoutingZone.evpn("green", "green"));
        long version = blueprint.diffStatus().stagingVersion();

        apstra.faults().foreignChangeNow();

        assertThatThrownBy(() -> blueprint.deploy(version, "stale", DEPLOY_TIMEOUT))
                .isInstanceOf(ApstraException.class);
        assertThat(apstra.deployedVersion()).isNotEqualTo(apstra.stagingVersion());
    }

    @Test
    void theCooperativeLockExcludesASecondHolder() {
        MutexLock held = blueprint.mutex().lock("first", Duration.ofSeconds(5));

        assertThat(blueprint.mutex().tryLock("second")).isEmpty();
        assertThat(apstra.designTagLabels()).contains("blueprint " + apstra.blueprintId() + " locked");

        held.close();
        assertThat(apstra.designTagLabels()).doesNotContain("blueprint " + apstra.blueprintId() + " locked");
    }

    @Test
    void aSingleHomedPortNextToAnEsiLagIsItsOwnApplicationPoint() {
        Topology topology = Topology.builder()
                .spine("spine1")
                .esiPair("pair1", "leaf1", "leaf2")
                .esiLag(
                        "worker-1",
                        "bond0",
                        new Topology.Cable("worker-1", "ens1f0", "leaf1", "xe-0/0/1"),
                        new Topology.Cable("worker-1", "ens1f1", "leaf2", "xe-0/0/1"))
                .cable("worker-2", "ens1f0", "leaf1", "xe-0/0/2")
                .build();
        try (ApstraEmulator esi = ApstraEmulator.builder().topology(topology).start();
                ApstraClient esiClient = ApstraClient.builder()
                        .baseUrl(esi.baseUrl())
                        .credentials(new Credentials(esi.username(), esi.password()))
                        .build()) {
            Graph graph = esiClient.blueprint(esi.blueprintId()).graph();

            ApplicationPoint single =
                    graph.applicationPointFacing("worker-2", "ens1f0").orElseThrow();
            ApplicationPoint bonded =
                    graph.applicationPointFacing("worker-1", "ens1f0").orElseThrow();

            assertThat(single.kind()).isEqualTo(ApplicationPoint.Kind.PHYSICAL);
            assertThat(single.serverInterfaceNames()).containsExactly("ens1f0");
            assertThat(bonded.kind()).isEqualTo(ApplicationPoint.Kind.MULTI_CHASSIS_AGGREGATE);
            assertThat(bonded.id()).isNotEqualTo(single.id());
        }
    }

    private void deploy(String description) {
        long version = blueprint.diffStatus().stagingVersion();
        DeployResult result = blueprint.deploy(version, description, DEPLOY_TIMEOUT);
        assertThat(result.deployed()).isTrue();
    }

    private int logins() {
        return apstra.callCounts().entrySet().stream()
                .filter(e -> e.getKey().contains("login"))
                .mapToInt(e -> e.getValue())
                .sum();
    }
}
