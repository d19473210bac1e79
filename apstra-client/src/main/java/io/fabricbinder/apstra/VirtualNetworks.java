package io.fabricbinder.apstra;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Virtual networks of one blueprint ({@code /api/blueprints/{id}/virtual-networks}). Obtain from
 * {@link BlueprintClient#virtualNetworks()}. Thread-safe; every method is a blocking remote call.
 */
public interface VirtualNetworks {

    /**
     * Creates a VN ({@code POST ?async=full}) and waits for Apstra's task.
     *
     * @return the new VN's node id
     * @throws IllegalArgumentException if the VN is invalid (the message names the VN and field)
     * @throws ApstraConflictException with {@code isExists()} if the label is taken or the VNI overlaps
     */
    String create(VirtualNetwork vn);

    /**
     * Returns the VN.
     *
     * @throws ApstraNotFoundException if there is none with this id
     */
    VirtualNetwork get(String vnId);

    /** Returns the VN, or empty if there is none with this id. */
    Optional<VirtualNetwork> find(String vnId);

    /** All VNs keyed by id (Apstra returns a map, not a list). */
    Map<String, VirtualNetwork> list();

    /** The VN with this label, if any. Labels are unique in a blueprint. */
    Optional<VirtualNetwork> findByLabel(String label);

    /**
     * Replaces the VN ({@code PUT}) with {@code vn}, whose {@code id} must be set. Start from {@link
     * #get} and {@link VirtualNetwork#toBuilder()}: PUT replaces every field. On Apstra 6.2+ a missing
     * {@code securityZoneId} is filled with the default routing zone, and {@code switchingZoneId} is
     * required.
     */
    void update(VirtualNetwork vn);

    /**
     * Sets the bindings and SVI addresses ({@code PATCH {bound_to, svi_ips}}); other fields are left
     * alone. Idempotent.
     */
    void setBindings(String vnId, List<VnBinding> boundTo, List<SviIp> sviIps);

    /**
     * Deletes the VN. Apstra refuses while a connectivity template still references it: unassign and
     * delete those first.
     *
     * @throws ApstraNotFoundException if there is none with this id
     */
    void delete(String vnId);
}
