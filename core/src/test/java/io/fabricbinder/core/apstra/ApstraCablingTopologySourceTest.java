package io.fabricbinder.core.apstra;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.Credentials;
import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Topology;
import io.fabricbinder.core.topology.ApstraCablingTopologySource;
import io.fabricbinder.core.topology.TopologyLink;
import io.fabricbinder.core.topology.TopologySource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner's cabling-map topology source over HTTP against the emulator. */
class ApstraCablingTopologySourceTest {

    @Test
    void readsServerToLeafLinksFromTheCablingMap() {
        try (ApstraEmulator apstra = ApstraEmulator.start();
                ApstraClient client = client(apstra)) {
            TopologySource source = ApstraCablingTopologySource.of(
                    () -> client.blueprint(apstra.blueprintId()).graph().cablingMap());

            TopologySource.Result r = source.read();

            assertThat(r.errors()).isEmpty();
            assertThat(r.links())
                    .containsExactlyInAnyOrder(
                            new TopologyLink("worker-1", "ens1f0", "leaf1", "xe-0/0/10"),
                            new TopologyLink("worker-1", "ens1f1", "leaf2", "xe-0/0/10"),
                            new TopologyLink("worker-2", "ens1f0", "leaf1", "xe-0/0/11"),
                            new TopologyLink("worker-3", "ens1f0", "leaf2", "xe-0/0/12"),
                            new TopologyLink("worker-3", "ens1f1", "leaf1", "xe-0/0/12"));
            assertThat(io.fabricbinder.core.topology.Topology.merge(List.of(source))
                            .findLink("worker-3", "ens1f1", null))
                    .map(TopologyLink::port)
                    .contains("xe-0/0/12");
        }
    }

    @Test
    void esiLagMembersAreListedAsTheirPhysicalCables() {
        Topology topology = Topology.builder()
                .spine("spine1")
                .esiPair("pair1", "leaf3", "leaf4")
                .esiLag(
                        "worker-9",
                        "bond0",
                        new Topology.Cable("worker-9", "ens2f0", "leaf3", "xe-0/0/1"),
                        new Topology.Cable("worker-9", "ens2f1", "leaf4", "xe-0/0/1"))
                .build();
        try (ApstraEmulator apstra = ApstraEmulator.builder().topology(topology).start();
                ApstraClient client = client(apstra)) {
            TopologySource.Result r = ApstraCablingTopologySource.of(
                            () -> client.blueprint(apstra.blueprintId()).graph().cablingMap())
                    .read();

            assertThat(r.links())
                    .containsExactlyInAnyOrder(
                            new TopologyLink("worker-9", "ens2f0", "leaf3", "xe-0/0/1"),
                            new TopologyLink("worker-9", "ens2f1", "leaf4", "xe-0/0/1"));
        }
    }

    private static ApstraClient client(ApstraEmulator apstra) {
        return ApstraClient.builder()
                .baseUrl(apstra.baseUrl())
                .credentials(new Credentials(apstra.username(), apstra.password()))
                .build();
    }
}
