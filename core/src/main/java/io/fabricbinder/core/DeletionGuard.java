package io.fabricbinder.core;

import java.util.Locale;
import java.util.Optional;

/**
 * The deletion guard: a plan that would remove too much of what FabricBinder owns is refused, so a
 * typo (a manifest path that reads as an empty cluster), a cold start or a bug cannot tear the
 * fabric down. Counted are the owned virtual networks and tagged port bindings (routing zones
 * follow their networks): a removal is a network {@code delete} or a port {@code untag}.
 *
 * <p>Refused, unless bulk deletes are allowed: a plan that removes every owned network and port
 * binding; and a plan that removes more than {@code maxShare} of them once it removes more than
 * {@link #ALWAYS_ALLOWED} objects. With the defaults (half; 10) deleting one NAD of the example
 * cluster (a network and its two ports, 3 of 5 objects) goes through, while deleting every NAD does
 * not.
 *
 * @param maxShare the largest share of owned objects one plan may remove, in {@code [0, 1]}
 * @param allowBulkDelete whether the guard is off
 */
record DeletionGuard(double maxShare, boolean allowBulkDelete) {

    /** The default share: half of what FabricBinder owns. */
    static final double DEFAULT_MAX_SHARE = 0.5;

    /** Removals up to this count are never refused for their share (only for removing everything). */
    static final int ALWAYS_ALLOWED = 10;

    DeletionGuard {
        if (!(maxShare >= 0 && maxShare <= 1)) {
            throw new IllegalArgumentException("maxDeleteShare must lie in 0..1: " + maxShare);
        }
    }

    /** Why this plan is refused, or empty if it may be applied. */
    Optional<String> refusal(Plan plan) {
        if (allowBulkDelete) {
            return Optional.empty();
        }
        int owned = 0;
        int removed = 0;
        for (PlanChange.VirtualNetworkChange c : plan.virtualNetworks()) {
            if (c.action() != ChangeAction.CREATE) {
                owned++;
            }
            if (c.action() == ChangeAction.DELETE) {
                removed++;
            }
        }
        int networksRemoved = removed;
        for (PlanChange.PortBindingChange c : plan.portBindings()) {
            if (c.action() != PortAction.TAG) {
                owned++;
            }
            if (c.action() == PortAction.UNTAG) {
                removed++;
            }
        }
        if (removed == 0) {
            return Optional.empty();
        }
        String what = removed + " of the " + owned + " objects FabricBinder owns (" + networksRemoved
                + " virtual networks deleted, " + (removed - networksRemoved) + " ports untagged)";
        String how = "; nothing was changed. If this is intended (check the manifests and the topology"
                + " first), allow it explicitly: apply --allow-bulk-delete, FabricBinder.Builder"
                + ".allowBulkDelete(true), or the controller's --allow-bulk-delete";
        if (removed == owned) {
            return Optional.of("deletion guard: the plan removes everything FabricBinder owns: " + what + how);
        }
        if (removed > ALWAYS_ALLOWED && removed > maxShare * owned) {
            return Optional.of("deletion guard: the plan removes " + what + ", more than "
                    + String.format(Locale.ROOT, "%.0f%%", maxShare * 100) + how);
        }
        return Optional.empty();
    }
}
