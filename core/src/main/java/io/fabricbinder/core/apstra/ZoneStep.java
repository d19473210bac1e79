package io.fabricbinder.core.apstra;

import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.apstra.RoutingZone;
import io.fabricbinder.core.FabricNames;
import io.fabricbinder.core.RoutingZoneSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Step of one apply: routing zones. Ensures an owned EVPN routing zone per zone name (found by its
 * derived label, created with its VRF description otherwise; a foreign zone with the label is a
 * failure, never taken) and deletes owned zones the plan removes. Remembers what it ensured and
 * what failed, so a network placed in a failed zone fails with the zone's reason.
 */
final class ZoneStep {
    private final ApplyRun run;
    private final Map<String, String> zoneIds = new HashMap<>();
    private final Map<String, String> zoneFailures = new HashMap<>();

    ZoneStep(ApplyRun run) {
        this.run = run;
    }

    String ensureZone(String name) {
        String done = zoneIds.get(name);
        if (done != null) {
            return done;
        }
        String failed = zoneFailures.get(name);
        if (failed != null) {
            throw new StepFailure("routing zone " + name + " was not applied: " + failed);
        }
        try {
            String label = FabricNames.routingZoneLabel(name);
            RoutingZone existing = run.obs.zonesByLabel.get(label);
            String id;
            if (existing != null) {
                if (!OwnedMarks.isOwnedZone(existing)) {
                    throw new StepFailure("label " + label + " is taken by routing zone " + existing.id()
                            + " that FabricBinder does not own (vrf " + existing.vrfName() + ")");
                }
                id = Objects.requireNonNull(existing.id());
            } else {
                RoutingZone zone = RoutingZone.evpn(label, label);
                if (run.client.version().atLeast("5.0")) {
                    // The label is only a hash of the name; the VRF description keeps the name, so
                    // a restarted gateway can still name (and delete) a zone no network sits in.
                    zone = zone.withVrfDescription(FabricNames.zoneDescription(name));
                }
                id = run.blueprint.routingZones().create(zone);
                run.wrote = true;
            }
            zoneIds.put(name, id);
            return id;
        } catch (StepFailure | ApstraException | IllegalArgumentException e) {
            zoneFailures.put(name, String.valueOf(e.getMessage()));
            throw e;
        }
    }

    void deleteZone(RoutingZoneSpec zone) {
        if (ApstraFabricGateway.UNDEPLOYED_MARKER_ZONE.equals(zone.name())) {
            return; // only a marker: the deploy at the end of this apply is what it asks for
        }
        RoutingZone existing = run.obs.zonesByLabel.get(zone.label());
        if (existing == null || !OwnedMarks.isOwnedZone(existing)) {
            return; // already gone; a foreign zone with the label is never touched
        }
        run.blueprint.routingZones().delete(Objects.requireNonNull(existing.id()));
        run.wrote = true;
    }
}
