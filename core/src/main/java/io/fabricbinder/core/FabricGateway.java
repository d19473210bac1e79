package io.fabricbinder.core;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The seam between the planner and a fabric: reads the FabricBinder-owned objects and applies a
 * plan. The Apstra implementation lives with the apstra-client integration; {@link
 * InMemoryFabricGateway} serves tests and offline planning.
 *
 * <p><b>Contract for implementations.</b>
 *
 * <ul>
 *   <li>{@link #readOwnedState()} returns only objects marked as FabricBinder's (see {@link
 *       FabricNames}); foreign objects are invisible to the planner and therefore never changed.
 *   <li>{@link #apply(Plan)} applies {@link Plan#orderedChanges()} in that order, all port changes
 *       in one batch where the fabric allows it, commits at most once, and never touches an object
 *       the plan does not name. A plan without fabric changes must not touch the fabric at all.
 *   <li>A failure at any point must leave a state from which planning again and applying again
 *       converges (every change is idempotent: create-if-absent, update-to-value,
 *       delete-if-present); it is reported in the result, not thrown, unless the fabric cannot be
 *       reached at all.
 *   <li>{@link #apply(Plan, Runnable)} runs {@code beforeChanges} exactly once before the first
 *       change, never on a refused apply, which changes nothing.
 * </ul>
 *
 * <p>Core's test suite {@code FabricGatewayContract} pins this contract for every implementation.
 *
 * <pre>{@code
 * FabricGateway gateway = new InMemoryFabricGateway();
 * Plan plan = binder.plan(snapshot);          // reads gateway.readOwnedState()
 * ApplyResult result = gateway.apply(plan);
 * }</pre>
 *
 * <p>Thread-safety: {@code FabricBinder} serializes {@link #apply} calls (one reconcile at a time),
 * but {@code FabricBinder.plan} may call {@link #readOwnedState()} from any thread, also while an
 * apply runs; implementations must allow that (a read during an apply may see a partial state,
 * which the next plan corrects).
 */
public interface FabricGateway {

    /**
     * Reads the owned objects currently on the fabric (staging, for Apstra). May make remote calls.
     *
     * @throws RuntimeException if the fabric cannot be read; nothing is changed then
     */
    FabricState readOwnedState();

    /**
     * Applies the plan's fabric changes (its IP allocations are not the gateway's business).
     *
     * @return what was done; failures per object
     */
    ApplyResult apply(Plan plan);

    /**
     * The leaf ports the fabric has: leaf name to its port names, as of the last {@link
     * #readOwnedState()}. {@code FabricBinder.plan} checks the topology against it, so a link to a
     * leaf or port the fabric does not have is an error at plan time and its NIC stays unmapped
     * (its ports keep their tags). Empty when the gateway cannot tell (the default, and {@link
     * InMemoryFabricGateway}): then the topology is taken as it is.
     */
    default Optional<Map<String, Set<String>>> leafPorts() {
        return Optional.empty();
    }

    /**
     * Applies the plan's fabric changes and runs {@code beforeChanges} once the fabric has agreed
     * to take them (a lock is held, nothing refuses the apply) and before the first change; an
     * apply that is refused never runs it. {@code FabricBinder} allocates the plan's new addresses
     * there, so a refused apply changes neither the fabric nor the IPAM. The default runs {@code
     * beforeChanges} and then {@link #apply(Plan)}, for gateways that never refuse.
     *
     * @return what was done; failures per object
     */
    default ApplyResult apply(Plan plan, Runnable beforeChanges) {
        beforeChanges.run();
        return apply(plan);
    }
}
