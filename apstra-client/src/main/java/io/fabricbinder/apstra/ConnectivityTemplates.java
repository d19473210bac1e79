package io.fabricbinder.apstra;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Connectivity templates of one blueprint, used to VLAN-tag VNs onto server-facing leaf ports.
 * Obtain from {@link BlueprintClient#connectivityTemplates()}. Thread-safe; blocking remote calls.
 *
 * <pre>{@code
 * ConnectivityTemplates cts = blueprint.connectivityTemplates();
 * String ct = cts.createTaggedVlan("vn-5003-tagged", vnId);
 * cts.apply(List.of(CtAssignment.assign(portId, ct), CtAssignment.assign(otherPortId, ct)));
 * }</pre>
 */
public interface ConnectivityTemplates {

    /**
     * Creates a CT that attaches {@code vnId} tagged (AttachSingleVLAN, vlan_tagged) through {@code
     * PUT obj-policy-import}, with ids made by this client.
     *
     * @return the CT (root policy) id
     */
    String createTaggedVlan(String label, String vnId);

    /** All CTs ({@code GET obj-policy-export}); only visible roots are returned. */
    List<ConnectivityTemplate> list();

    /**
     * One CT ({@code GET obj-policy-export/{id}}), or empty. Apstra answers a missing id with 404 or
     * with a 500 "'NoneType' object has no attribute 'id'"; both read as empty.
     */
    Optional<ConnectivityTemplate> find(String ctId);

    /** The CT that is exactly one tagged VLAN for {@code vnId}, if any (lowest id when several). */
    Optional<ConnectivityTemplate> findTaggedVlan(String vnId);

    /** Deletes the CT and its sub-policies ({@code DELETE endpoint-policies/{id}?delete_recursive=true}). */
    void delete(String ctId);

    /**
     * Assigns and unassigns many CTs on many application points in ONE {@code PATCH
     * obj-policy-batch-apply} call. CTs not mentioned are left alone. Idempotent.
     *
     * @throws ApstraAssignmentException if Apstra rejects points or templates (422), with details
     */
    void apply(Collection<CtAssignment> changes);

    /**
     * The application point ids that use {@code ctId} directly, read from {@code
     * obj-policy-application-points?policy=...} (paged by 1000).
     */
    Set<String> assignments(String ctId);
}
