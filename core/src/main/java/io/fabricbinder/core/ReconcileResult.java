package io.fabricbinder.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one reconcile did: the plan, what applying it to the fabric did, the addresses allocated and
 * released, and every per-object error (plan errors, allocation failures, fabric failures).
 *
 * <p>Example: {@code result.errors().forEach(e -> recordEvent(e.object(), e.message()))}. Immutable
 * and thread-safe.
 *
 * @param plan the plan that was applied
 * @param fabric the fabric apply result
 * @param allocated the addresses allocated (action {@code unchanged}, address set), one entry per
 *     address
 * @param released the addresses released
 * @param allocationErrors allocations or releases that failed, per pod
 */
public record ReconcileResult(
        Plan plan,
        ApplyResult fabric,
        List<IpAllocationEntry> allocated,
        List<IpAllocationEntry> released,
        List<Diagnostic> allocationErrors) {

    /** Validates and copies. */
    public ReconcileResult {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(fabric, "fabric");
        allocated = allocated.stream().sorted().toList();
        released = released.stream().sorted().toList();
        allocationErrors = allocationErrors.stream().sorted().toList();
    }

    /** Every per-object error: the plan's, the allocation failures, the fabric failures; sorted. */
    public List<Diagnostic> errors() {
        List<Diagnostic> all = new ArrayList<>(plan.errors());
        all.addAll(allocationErrors);
        all.addAll(fabric.failures());
        return all.stream().sorted().distinct().toList();
    }

    /** True if the fabric apply succeeded and no allocation failed (plan errors aside). */
    public boolean isSuccess() {
        return fabric.isSuccess() && allocationErrors.isEmpty();
    }
}
