package io.fabricbinder.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The outcome of this reconcile: {@link ApplyResult.Status#REFUSED} when the deletion guard or
     * the fabric refused it (then nothing was changed, neither on the fabric nor in the IPAM), else
     * the fabric apply's status.
     */
    public ApplyResult.Status status() {
        return fabric.status();
    }

    /** True if the fabric apply succeeded and no allocation failed (plan errors aside). */
    public boolean isSuccess() {
        return fabric.isSuccess() && allocationErrors.isEmpty();
    }

    /**
     * The plan's JSON document ({@link Plan#toJson()}, unchanged) with one more member, {@code
     * apply}: what this reconcile did.
     *
     * <pre>{@code
     * "apply": {
     *   "status": "APPLIED",            // APPLIED, NO_CHANGES, REFUSED or FAILED
     *   "message": "5 fabric changes applied and deployed",
     *   "fabricChangesApplied": 5,
     *   "allocated": [{"pod": "ns/p", "interface": "net1", "virtualNetwork": "ns/nad",
     *                  "address": "10.10.1.10/24", "subnet": "10.10.1.0/24"}],
     *   "released": [...],               // same shape, the addresses given back
     *   "failures": [{"object": ..., "field": ..., "message": ...}]
     * }
     * }</pre>
     *
     * The plan part lists new addresses as {@code allocate} with a null address (planning chooses
     * none); {@code apply.allocated} holds the addresses actually handed out.
     */
    public String toJson() {
        Map<String, Object> root = plan.jsonTree();
        Map<String, Object> apply = new LinkedHashMap<>();
        apply.put("status", fabric.status().name());
        apply.put("message", fabric.message());
        apply.put("fabricChangesApplied", fabric.changesApplied());
        apply.put("allocated", addresses(allocated));
        apply.put("released", addresses(released));
        List<Diagnostic> failures = new ArrayList<>(allocationErrors);
        failures.addAll(fabric.failures());
        apply.put(
                "failures",
                Plan.diagnostics(failures.stream().sorted().distinct().toList()));
        root.put("apply", apply);
        return Plan.renderJson(root);
    }

    private static List<Object> addresses(List<IpAllocationEntry> entries) {
        List<Object> out = new ArrayList<>();
        for (IpAllocationEntry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pod", e.pod());
            m.put("interface", e.interfaceName());
            m.put("virtualNetwork", e.virtualNetwork());
            m.put("address", e.cidr());
            m.put("subnet", e.subnet().toString());
            out.add(m);
        }
        return out;
    }
}
