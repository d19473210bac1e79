package io.fabricbinder.apstra;

import java.util.Map;
import java.util.Optional;

/**
 * Routing zones (security zones) of one blueprint. Obtain from {@link
 * BlueprintClient#routingZones()}. Thread-safe; every method is a blocking remote call.
 */
public interface RoutingZones {

    /**
     * Creates a zone and waits for Apstra's task.
     *
     * @return the new zone's node id
     * @throws ApstraConflictException with {@code isExists()} if the label or VRF name is taken
     */
    String create(RoutingZone zone);

    /**
     * Returns the zone.
     *
     * @throws ApstraNotFoundException if there is none with this id
     */
    RoutingZone get(String zoneId);

    /** Returns the zone, or empty. */
    Optional<RoutingZone> find(String zoneId);

    /** All zones keyed by id (Apstra returns a map). */
    Map<String, RoutingZone> list();

    /** The zone with this label, if any. */
    Optional<RoutingZone> findByLabel(String label);

    /** The zone with this VRF name, if any. */
    Optional<RoutingZone> findByVrfName(String vrfName);

    /**
     * The default zone (VRF "default").
     *
     * @throws ApstraNotFoundException if the blueprint has none
     */
    RoutingZone getDefault();

    /**
     * Replaces the zone ({@code PUT}); {@code zone.id()} must be set. {@code junosEvpnIrbMode} is
     * required by Apstra on PUT; start from {@link #get}.
     */
    void update(RoutingZone zone);

    /** Deletes the zone. Apstra refuses while VNs still use it. */
    void delete(String zoneId);
}
