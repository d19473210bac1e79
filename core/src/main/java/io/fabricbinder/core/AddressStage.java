package io.fabricbinder.core;

import io.fabricbinder.ipam.AddressFormat;
import io.fabricbinder.ipam.Owner;
import java.net.InetAddress;
import java.util.IdentityHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The address allocation stage: the {@code unchanged}, {@code allocate} and {@code release} entries
 * of attachments against the IPAM state of their pool ({@link PoolState}). The same rules for the
 * full and the incremental planner.
 */
final class AddressStage {

    private AddressStage() {}

    /** A pool while the pods are planned: how many addresses it has handed out, which owners are wanted. */
    static final class PoolRun {
        final PoolState ps;
        /** The existing allocations (by identity of their address lists) some attachment wants. */
        final IdentityHashMap<List<InetAddress>, Boolean> wanted;

        long used;

        PoolRun(PoolState ps) {
            this.ps = ps;
            this.wanted = new IdentityHashMap<>(ps.existing.size());
            this.used = ps.existing.size();
        }
    }

    /** The {@code unchanged} entries of an attachment that holds addresses. */
    static void addExisting(Attachment a, List<InetAddress> have, List<IpAllocationEntry> out) {
        for (int r = 0; r < a.pool().ranges().size() && r < have.size(); r++) {
            out.add(entry(a, r, have.get(r), AllocationAction.UNCHANGED));
        }
    }

    /** The {@code allocate} entries of an attachment that holds none yet; a requested address is planned as is. */
    static void addAllocate(Attachment a, List<IpAllocationEntry> out) {
        for (int r = 0; r < a.pool().ranges().size(); r++) {
            InetAddress requested =
                    a.requested().isEmpty() ? null : a.requested().get(r);
            out.add(entry(a, r, requested, AllocationAction.ALLOCATE));
        }
    }

    /**
     * Why an attachment that holds no address gets none (the same rule for both planners): null if it
     * may allocate; an empty list if its request is invalid (its pod reports that error); a
     * diagnostic if a requested address is held by another owner. NPWG multi-net spec §4.1.2: a
     * request is honoured or the attachment fails, never answered with another address.
     */
    static @Nullable Object requestBlock(Attachment a, PoolState ps) {
        if (a.requestInvalid()) {
            return List.of();
        }
        for (InetAddress want : a.requested()) {
            if (want == null) {
                continue;
            }
            String holder = ps.holderOf(want);
            if (holder != null && !holder.equals(a.owner().key())) {
                return new Diagnostic(
                        a.podRef(),
                        Planner.NETWORKS_FIELD + "[" + a.index() + "].ips",
                        "requested address " + AddressFormat.canonical(want) + " for interface "
                                + a.owner().interfaceName() + " in "
                                + a.network() + " is held by " + holder + "; the attachment gets no address until it"
                                + " is released");
            }
        }
        return null;
    }

    /** The {@code release} entries of an owner no attachment wants any more. */
    static void addRelease(PoolState ps, Owner o, List<InetAddress> have, List<IpAllocationEntry> out) {
        for (int r = 0; r < have.size() && r < ps.spec.ranges().size(); r++) {
            out.add(new IpAllocationEntry(
                    o,
                    ps.network,
                    ps.spec.ranges().get(r).prefix(),
                    have.get(r),
                    ps.spec.name(),
                    AllocationAction.RELEASE));
        }
    }

    private static IpAllocationEntry entry(
            Attachment a, int range, @Nullable InetAddress address, AllocationAction action) {
        return new IpAllocationEntry(
                a.owner(),
                a.network(),
                a.pool().ranges().get(range).prefix(),
                address,
                a.pool().name(),
                action);
    }
}
