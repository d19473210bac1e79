package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApplicationPointError;
import io.fabricbinder.apstra.ApstraAssignmentException;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.apstra.ConnectivityTemplate;
import io.fabricbinder.apstra.CtAssignment;
import io.fabricbinder.apstra.VirtualNetwork;
import io.fabricbinder.core.ChangeAction;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.PlanChange.PortBindingChange;
import io.fabricbinder.core.PlanChange.VirtualNetworkChange;
import io.fabricbinder.core.PortAction;
import io.fabricbinder.core.PortBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Step of one apply: port tagging. Turns the plan's tags and untags into (application point,
 * template) assignments — an untag is skipped while another member port of the same aggregate still
 * needs the network, assignments left on templates of networks being deleted are removed too — and
 * sends them in ONE {@code obj-policy-batch-apply} call; when Apstra rejects some application
 * points, those are reported and the rest is sent once more.
 */
final class PortTagging {
    private final ApplyRun run;

    PortTagging(ApplyRun run) {
        this.run = run;
    }

    void applyPorts() {
        // (application point, template) -> used; the changes that depend on each entry.
        Map<CtKey, Boolean> wanted = new LinkedHashMap<>();
        Map<CtKey, List<PortBindingChange>> owners = new HashMap<>();
        List<PortBindingChange> done = new ArrayList<>();
        Set<PointNetwork> keepPointNetwork = new HashSet<>();
        for (PortBindingChange c : run.plan.portBindings()) {
            if (c.action() != PortAction.UNTAG) {
                PortBinding b = c.binding();
                run.obs
                        .ports
                        .pointOf(b.leaf(), b.port())
                        .ifPresent(p -> keepPointNetwork.add(new PointNetwork(p, b.virtualNetwork())));
            }
        }
        for (PortBindingChange c : run.plan.portBindings()) {
            if (!c.isChange()) {
                continue;
            }
            PortBinding b = c.binding();
            ObjectRef object =
                    ObjectRef.clusterScoped("PortBinding", b.leaf() + " " + b.port() + " " + b.virtualNetwork());
            Optional<String> point = run.obs.ports.pointOf(b.leaf(), b.port());
            if (c.action() == PortAction.TAG) {
                if (point.isEmpty()) {
                    run.failures.add(new Diagnostic(
                            object,
                            "port",
                            "leaf " + b.leaf() + " has no interface " + b.port() + " in blueprint "
                                    + run.blueprint.id()));
                    continue;
                }
                String ct;
                try {
                    ct = run.networkStep.ensureCt(b.virtualNetwork());
                } catch (StepFailure | ApstraException | IllegalArgumentException e) {
                    run.failures.add(new Diagnostic(object, "", "not tagged: " + e.getMessage()));
                    continue;
                }
                CtKey key = new CtKey(point.get(), ct);
                wanted.put(key, true);
                owners.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            } else {
                VirtualNetwork vn = run.networkStep.networks.containsKey(b.virtualNetwork())
                        ? run.networkStep.networks.get(b.virtualNetwork())
                        : run.obs.ownedVnsByName.get(b.virtualNetwork());
                if (point.isEmpty() || vn == null) {
                    done.add(c); // nothing of ours is on a port or network that does not exist
                    continue;
                }
                if (keepPointNetwork.contains(new PointNetwork(point.get(), b.virtualNetwork()))) {
                    done.add(c); // another member port of the same aggregate still needs it
                    continue;
                }
                List<ConnectivityTemplate> cts = run.obs.ownedCts(vn);
                if (cts.isEmpty()) {
                    done.add(c);
                }
                for (ConnectivityTemplate ct : cts) {
                    CtKey key = new CtKey(point.get(), ct.id());
                    wanted.putIfAbsent(key, false);
                    owners.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
                }
            }
        }
        // Assignments left on templates of networks being deleted (e.g. by an interrupted apply).
        for (VirtualNetworkChange c : run.plan.virtualNetworks()) {
            if (c.action() != ChangeAction.DELETE) {
                continue;
            }
            VirtualNetwork vn = run.obs.ownedVnsByName.get(c.network().name());
            if (vn == null) {
                continue;
            }
            for (ConnectivityTemplate ct : run.obs.ownedCts(vn)) {
                for (String point : run.blueprint.connectivityTemplates().assignments(ct.id())) {
                    wanted.putIfAbsent(new CtKey(point, ct.id()), false);
                }
            }
        }
        Set<CtKey> rejected = batch(wanted);
        if (rejected == null) {
            // The whole batch failed (reported on the blueprint); only the no-op changes count.
            run.applied += done.size();
            return;
        }
        Set<PortBindingChange> failed = new HashSet<>();
        for (CtKey k : rejected) {
            failed.addAll(owners.getOrDefault(k, List.of()));
        }
        Set<PortBindingChange> succeeded = new LinkedHashSet<>(done);
        owners.forEach((k, cs) -> cs.stream().filter(x -> !failed.contains(x)).forEach(succeeded::add));
        run.applied += succeeded.size();
    }

    /**
     * Sends the assignments in one call; when Apstra rejects some application points, reports
     * them and sends the rest once more. Returns the rejected keys, or null when nothing got
     * through.
     */
    private @Nullable Set<CtKey> batch(Map<CtKey, Boolean> wanted) {
        if (wanted.isEmpty()) {
            return Set.of();
        }
        List<CtAssignment> changes = new ArrayList<>();
        wanted.forEach((k, used) -> changes.add(new CtAssignment(k.point(), k.ct(), used)));
        try {
            run.blueprint.connectivityTemplates().apply(changes);
            run.wrote = true;
            return Set.of();
        } catch (ApstraAssignmentException e) {
            Set<String> badPoints = new HashSet<>();
            Set<CtKey> rejected = new HashSet<>();
            for (ApplicationPointError d : e.details()) {
                if (d.applicationPointId() == null) {
                    continue;
                }
                badPoints.add(d.applicationPointId());
                run.failures.add(new Diagnostic(
                        describePoint(d.applicationPointId()),
                        "connectivityTemplate",
                        d.message()
                                + (d.conflictingTemplateId() == null
                                        ? ""
                                        : " (conflicts with template " + d.conflictingTemplateId() + ")")));
            }
            wanted.keySet().stream().filter(k -> badPoints.contains(k.point())).forEach(rejected::add);
            List<CtAssignment> rest = changes.stream()
                    .filter(c -> !badPoints.contains(c.applicationPointId()))
                    .toList();
            if (badPoints.isEmpty() || rest.isEmpty()) {
                if (badPoints.isEmpty()) {
                    run.failures.add(run.blueprintDiag("obj-policy-batch-apply", String.valueOf(e.getMessage())));
                    return null;
                }
                return rejected;
            }
            try {
                run.blueprint.connectivityTemplates().apply(rest);
                run.wrote = true;
                return rejected;
            } catch (ApstraException again) {
                run.failures.add(run.blueprintDiag("obj-policy-batch-apply", String.valueOf(again.getMessage())));
                return null;
            }
        } catch (ApstraException e) {
            run.failures.add(run.blueprintDiag("obj-policy-batch-apply", String.valueOf(e.getMessage())));
            return null;
        }
    }

    private ObjectRef describePoint(String point) {
        List<PortIndex.Port> ports = run.obs.ports.portsOf(point);
        if (ports.isEmpty()) {
            return ObjectRef.clusterScoped("ApplicationPoint", point);
        }
        StringBuilder b = new StringBuilder();
        for (PortIndex.Port p : ports) {
            b.append(b.length() == 0 ? "" : " ").append(p.leaf()).append(' ').append(p.port());
        }
        return ObjectRef.clusterScoped("PortBinding", b.toString());
    }

    private record CtKey(String point, String ct) {}

    /** A leaf port (its application point) that still carries a network after this plan. */
    private record PointNetwork(String point, String network) {}
}
