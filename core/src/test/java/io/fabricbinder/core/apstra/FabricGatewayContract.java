package io.fabricbinder.core.apstra;

import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.BLUE;
import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.MESH;
import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.RED;
import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.bind;
import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.blue;
import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.red;
import static io.fabricbinder.core.apstra.ApstraFabricGatewayTest.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.FabricGateway;
import io.fabricbinder.core.FabricState;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.PortBinding;
import io.fabricbinder.core.RoutingZoneSpec;
import io.fabricbinder.core.VirtualNetworkSpec;
import io.fabricbinder.ipam.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FabricGateway} must do (the contract on its Javadoc), as one suite run against
 * each implementation: {@link InMemoryFabricGatewayContractTest} and {@link
 * ApstraFabricGatewayContractTest} (the Apstra emulator over HTTP). Plans are built with {@link
 * TestPlans#diff} from desired and read states, so the suite needs no planner.
 *
 * <p>Pinned: reading an empty fabric; creating, updating and deleting routing zones, networks and
 * port tags, read back as they were asked for; applying the same plan again changes nothing;
 * {@code beforeChanges} runs exactly once, before the first change (also for a plan without fabric
 * changes, which must not touch the fabric), never on a refused apply; a refused apply changes
 * nothing; a change that cannot be made is reported per object and the rest still applies, and
 * the next plan converges; objects the gateway does not own are invisible and never touched.
 */
abstract class FabricGatewayContract {

    /** A gateway over an empty fabric (owned objects: none). Called once per test. */
    abstract FabricGateway gateway();

    /**
     * Makes the fabric refuse the next apply (e.g. someone else holds its lock), or returns false if
     * this gateway never refuses.
     */
    abstract boolean makeTheNextApplyRefused();

    /** Puts objects the gateway does not own on the fabric, or returns false if it cannot have any. */
    abstract boolean plantForeignObjects();

    /** Whether the foreign objects of {@link #plantForeignObjects} are all there, unchanged. */
    abstract boolean foreignObjectsIntact();

    private static ApplyResult converge(FabricGateway g, FabricState desired) {
        return g.apply(TestPlans.diff(desired, g.readOwnedState()));
    }

    private static void assertReads(FabricGateway g, FabricState desired) {
        FabricState read = g.readOwnedState();
        assertThat(read.networksByName()).isEqualTo(desired.networksByName());
        assertThat(read.zonesByName().keySet()).isEqualTo(desired.zonesByName().keySet());
        assertThat(read.bindingsByKey().keySet())
                .isEqualTo(desired.bindingsByKey().keySet());
        Plan again = TestPlans.diff(desired, read);
        assertThat(again.hasFabricChanges()).as(again.toText()).isFalse();
    }

    @Test
    void anEmptyFabricReadsAsEmpty() {
        assertThat(gateway().readOwnedState()).isEqualTo(FabricState.EMPTY);
    }

    @Test
    void createsZonesNetworksAndPortTagsAndReadsThemBack() {
        FabricGateway g = gateway();

        ApplyResult r = converge(g, seed());

        assertThat(r.failures()).isEmpty();
        assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(r.changesApplied()).as("one zone, two networks, four ports").isEqualTo(1 + 2 + 4);
        assertReads(g, seed());
        assertThat(g.readOwnedState().findZone(MESH).orElseThrow().virtualNetworks())
                .containsExactly(BLUE, RED);
    }

    @Test
    void applyingTheSamePlanAgainChangesNothing() {
        FabricGateway g = gateway();
        Plan plan = TestPlans.diff(seed(), g.readOwnedState());
        assertThat(g.apply(plan).status()).isEqualTo(ApplyResult.Status.APPLIED);

        ApplyResult again = g.apply(plan);

        assertThat(again.isSuccess()).as(again.message()).isTrue();
        assertThat(again.failures()).isEmpty();
        assertReads(g, seed());
    }

    @Test
    void updatesANetworkAndItsTaggedPortsFollowTheNewVlan() {
        FabricGateway g = gateway();
        converge(g, seed());
        VirtualNetworkSpec red2 = new VirtualNetworkSpec(
                RED, 150, 10100, IpPrefix.parse("10.9.0.0/24"), null, IpPrefix.parseAddress("10.9.0.1"), null, MESH);
        FabricState changed = new FabricState(
                List.of(red2, blue()),
                seed().routingZones(),
                seed().portBindings().stream()
                        .map(b -> b.virtualNetwork().equals(RED)
                                ? new PortBinding(b.leaf(), b.port(), RED, 150, List.of())
                                : b)
                        .toList());

        ApplyResult r = converge(g, changed);

        assertThat(r.status()).as(r.message()).isEqualTo(ApplyResult.Status.APPLIED);
        assertReads(g, changed);
        assertThat(g.readOwnedState().bindingsByKey().values())
                .filteredOn(b -> b.virtualNetwork().equals(RED))
                .extracting(PortBinding::vlan)
                .containsOnly(150);
    }

    @Test
    void untagsSomePortsAndDeletesANetworkAndThenEverything() {
        FabricGateway g = gateway();
        converge(g, seed());
        FabricState redOnly = new FabricState(
                List.of(red()),
                List.of(new RoutingZoneSpec(MESH, List.of(RED))),
                List.of(bind("leaf1", "xe-0/0/10", red()), bind("leaf2", "xe-0/0/12", red())));

        ApplyResult r = converge(g, redOnly);

        assertThat(r.status()).as(r.message()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(r.changesApplied())
                .as("the zone's members updated, blue deleted, two ports untagged")
                .isEqualTo(1 + 1 + 2);
        assertReads(g, redOnly);

        assertThat(converge(g, FabricState.EMPTY).status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(g.readOwnedState()).isEqualTo(FabricState.EMPTY);
    }

    @Test
    void beforeChangesRunsOnceBeforeTheFirstChange() {
        FabricGateway g = gateway();
        List<FabricState> seenBefore = new ArrayList<>();

        ApplyResult r = g.apply(TestPlans.diff(seed(), g.readOwnedState()), () -> seenBefore.add(g.readOwnedState()));

        assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(seenBefore)
                .as("run once, while the fabric was still untouched")
                .containsExactly(FabricState.EMPTY);
        assertReads(g, seed());
    }

    @Test
    void aPlanWithoutFabricChangesTouchesNothingButStillRunsBeforeChanges() {
        FabricGateway g = gateway();
        converge(g, seed());
        AtomicInteger before = new AtomicInteger();
        Plan nothing = TestPlans.diff(seed(), g.readOwnedState());
        assertThat(nothing.hasFabricChanges()).isFalse();

        ApplyResult r = g.apply(nothing, before::incrementAndGet);

        assertThat(r.status()).isEqualTo(ApplyResult.Status.NO_CHANGES);
        assertThat(r.changesApplied()).isZero();
        assertThat(before)
                .as("the addresses of such a plan are still allocated")
                .hasValue(1);
        assertReads(g, seed());
    }

    @Test
    void aRefusedApplyChangesNothingAndNeverRunsBeforeChanges() {
        FabricGateway g = gateway();
        assumeTrue(makeTheNextApplyRefused(), "this gateway never refuses");
        AtomicInteger before = new AtomicInteger();

        ApplyResult r = g.apply(TestPlans.diff(seed(), g.readOwnedState()), before::incrementAndGet);

        assertThat(r.status()).isEqualTo(ApplyResult.Status.REFUSED);
        assertThat(r.changesApplied()).isZero();
        assertThat(r.message()).contains("nothing was changed");
        assertThat(before).hasValue(0);
        assertThat(g.readOwnedState()).isEqualTo(FabricState.EMPTY);
    }

    @Test
    void aChangeThatCannotBeMadeIsReportedPerObjectAndTheRestApplies() {
        FabricGateway g = gateway();
        // A port tagged with a network that neither the plan nor the fabric has.
        VirtualNetworkSpec ghost = new VirtualNetworkSpec("tenant-a/ghost", 300, 10300, null, null, null, null, MESH);
        FabricState desired = seed();
        Plan plan = TestPlans.diff(desired, g.readOwnedState());
        List<io.fabricbinder.core.PlanChange.PortBindingChange> ports = new ArrayList<>(plan.portBindings());
        ports.add(new io.fabricbinder.core.PlanChange.PortBindingChange(
                io.fabricbinder.core.PortAction.TAG, bind("leaf1", "xe-0/0/11", ghost)));
        Plan broken = new Plan(
                plan.routingZones(),
                plan.virtualNetworks(),
                ports,
                List.of(),
                List.of(),
                List.of(),
                java.util.Map.of());

        ApplyResult r = g.apply(broken);

        assertThat(r.status()).isEqualTo(ApplyResult.Status.FAILED);
        assertThat(r.failures())
                .as("only what needs the missing network fails")
                .allSatisfy(d -> assertThat(d.object().toString()).contains("tenant-a/ghost"))
                .anySatisfy(d -> assertThat(d.object().toString()).startsWith("PortBinding leaf1 xe-0/0/11"));
        assertThat(r.changesApplied()).as("everything else").isEqualTo(1 + 2 + 4);
        assertReads(g, desired);
        assertThat(converge(g, desired).isSuccess()).isTrue();
    }

    @Test
    void objectsItDoesNotOwnAreInvisibleAndNeverTouched() {
        FabricGateway g = gateway();
        assumeTrue(plantForeignObjects(), "this fabric holds only owned objects");

        assertThat(g.readOwnedState()).isEqualTo(FabricState.EMPTY);
        converge(g, seed());
        assertReads(g, seed());
        converge(g, FabricState.EMPTY);

        assertThat(g.readOwnedState()).isEqualTo(FabricState.EMPTY);
        assertThat(foreignObjectsIntact()).isTrue();
    }
}
