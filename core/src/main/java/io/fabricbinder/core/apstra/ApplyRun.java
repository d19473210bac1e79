package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.apstra.BlueprintClient;
import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.ChangeAction;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.RoutingZoneChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.PortAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The state of one apply of a plan to staging, shared by its steps: what was written, how many
 * changes were applied, the per-object failures. {@link #execute()} runs the steps in the safe
 * order: {@link ZoneStep zones} created, {@link NetworkStep networks} created or updated, their
 * templates, {@link PortTagging every port change in one batch}, leaf bindings shrunk, then removals
 * in reverse (networks with their templates, zones). Deploying is {@link DeployStep}'s job.
 */
final class ApplyRun {
    final ApstraClient client;
    final BlueprintClient blueprint;
    final Plan plan;
    final StagingRead obs;
    final List<Diagnostic> failures = new ArrayList<>();
    /** Changes applied (counted per plan change). */
    int applied;
    /** Whether anything was written to staging. */
    boolean wrote;

    final ZoneStep zones;
    final NetworkStep networkStep;
    final PortTagging ports;

    ApplyRun(ApstraClient client, BlueprintClient blueprint, Plan plan, StagingRead obs) {
        this.client = client;
        this.blueprint = blueprint;
        this.plan = plan;
        this.obs = obs;
        this.zones = new ZoneStep(this);
        this.networkStep = new NetworkStep(this);
        this.ports = new PortTagging(this);
    }

    void execute() {
        // 1. Routing zones created or updated (membership is the networks' business in Apstra).
        for (RoutingZoneChange c : plan.routingZones()) {
            if (c.action() == ChangeAction.CREATE || c.action() == ChangeAction.UPDATE) {
                if (attempt(
                        ObjectRef.clusterScoped("RoutingZone", c.zone().name()),
                        () -> zones.ensureZone(c.zone().name()))) {
                    applied++;
                }
            }
        }
        // 2. Virtual networks created or updated, bound to the leafs that get tagged ports.
        for (VirtualNetworkChange c : plan.virtualNetworks()) {
            if (c.action() == ChangeAction.CREATE || c.action() == ChangeAction.UPDATE) {
                if (attempt(
                        ObjectRef.clusterScoped("VirtualNetwork", c.network().name()),
                        () -> networkStep.ensureNetwork(c.network()))) {
                    applied++;
                }
            }
        }
        // 3. Connectivity templates of networks that get tagged ports; their networks must exist
        //    and be bound to the leafs of the new ports (also for networks the plan keeps).
        Set<String> tagging = new TreeSet<>();
        for (PortBindingChange c : plan.portBindings()) {
            if (c.action() == PortAction.TAG) {
                tagging.add(c.binding().virtualNetwork());
            }
        }
        for (String name : tagging) {
            if (!networkStep.networkFailures.containsKey(name)) {
                attempt(ObjectRef.clusterScoped("VirtualNetwork", name), () -> networkStep.ensureCt(name));
            }
        }
        // 4. Every port change in one batch call.
        ports.applyPorts();
        // 5. Leaf bindings no tagged port needs any more.
        Set<String> untagging = new TreeSet<>();
        for (PortBindingChange c : plan.portBindings()) {
            if (c.action() == PortAction.UNTAG
                    && networkStep.specs.containsKey(c.binding().virtualNetwork())) {
                untagging.add(c.binding().virtualNetwork());
            }
        }
        for (String name : untagging) {
            attempt(ObjectRef.clusterScoped("VirtualNetwork", name), () -> networkStep.shrinkBindings(name));
        }
        // 6. Removals in reverse: templates and networks, then zones.
        for (VirtualNetworkChange c : plan.virtualNetworks()) {
            if (c.action() == ChangeAction.DELETE) {
                if (attempt(
                        ObjectRef.clusterScoped("VirtualNetwork", c.network().name()),
                        () -> networkStep.deleteNetwork(c.network()))) {
                    applied++;
                }
            }
        }
        for (RoutingZoneChange c : plan.routingZones()) {
            if (c.action() == ChangeAction.DELETE) {
                if (attempt(
                        ObjectRef.clusterScoped("RoutingZone", c.zone().name()), () -> zones.deleteZone(c.zone()))) {
                    applied++;
                }
            }
        }
    }

    ApplyResult result(int committed, String message) {
        if (failures.isEmpty()) {
            return new ApplyResult(ApplyResult.Status.APPLIED, committed, List.of(), message);
        }
        return new ApplyResult(
                ApplyResult.Status.FAILED,
                committed,
                failures,
                failures.size() + " failures; " + message + "; the next apply continues from here");
    }

    private boolean attempt(ObjectRef object, Runnable step) {
        try {
            step.run();
            return true;
        } catch (StepFailure | ApstraException | IllegalArgumentException e) {
            failures.add(new Diagnostic(object, "", String.valueOf(e.getMessage())));
        }
        return false;
    }

    Diagnostic blueprintDiag(String field, String message) {
        return new Diagnostic(ObjectRef.clusterScoped("Blueprint", blueprint.id()), field, message);
    }
}
