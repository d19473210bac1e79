package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.apstra.RoutingZone;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.apstra.VnBinding;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.SecurityZoneView;
import io.fabricbinder.apstra.emulator.Stage;
import io.fabricbinder.apstra.emulator.VirtualNetworkView;
import io.fabricbinder.core.FabricGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The gateway contract for {@link ApstraFabricGateway} against the Apstra emulator over real HTTP
 * (Apstra 6.2). A refusal is another tool's lock tag on the blueprint; foreign objects are a zone
 * and networks made by hand, one of them with FabricBinder's label prefix.
 */
class ApstraFabricGatewayContractTest extends FabricGatewayContract {

    private ApstraEmulator apstra;
    private ApstraClient client;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private List<VirtualNetworkView> foreignVns = List.of();
    private List<SecurityZoneView> foreignZones = List.of();

    @BeforeEach
    void start() {
        apstra = ApstraEmulator.builder().apstraVersion("6.2.0").start();
        client = EmulatorClients.client(apstra);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        client.close();
        apstra.close();
    }

    @Override
    FabricGateway gateway() {
        return ApstraFabricGateway.builder()
                .client(client)
                .blueprintId(apstra.blueprintId())
                .lockWait(Duration.ZERO)
                .deployTimeout(Duration.ofSeconds(20))
                .build();
    }

    @Override
    boolean makeTheNextApplyRefused() {
        ApstraClient other = EmulatorClients.client(apstra);
        opened.add(other);
        opened.add(other.blueprint(apstra.blueprintId())
                .mutex()
                .tryLock("locked by terraform run 17")
                .orElseThrow());
        return true;
    }

    @Override
    boolean plantForeignObjects() {
        BlueprintClient bp = client.blueprint(apstra.blueprintId());
        String zone = bp.routingZones().create(RoutingZone.evpn("ops", "ops"));
        bp.virtualNetworks()
                .create(VirtualNetwork.vxlan("ops-mgmt", zone)
                        .vnId(20000L)
                        .boundTo(List.of(VnBinding.of(apstra.systemId("leaf1"), 300)))
                        .build());
        bp.virtualNetworks()
                .create(VirtualNetwork.vxlan("fb-not-ours-00000000", zone)
                        .vnId(20001L)
                        .description("made by hand")
                        .build());
        bp.deploy(bp.status().version(), "ops", Duration.ofSeconds(10));
        foreignVns = apstra.virtualNetworks(Stage.DEPLOYED);
        foreignZones = apstra.securityZones(Stage.DEPLOYED);
        return true;
    }

    @Override
    boolean foreignObjectsIntact() {
        return apstra.virtualNetworks(Stage.DEPLOYED).equals(foreignVns)
                && apstra.securityZones(Stage.DEPLOYED).equals(foreignZones);
    }
}
