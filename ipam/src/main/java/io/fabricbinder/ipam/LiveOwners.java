package io.fabricbinder.ipam;

import java.util.Set;
import java.util.function.Predicate;

/**
 * The source of truth for leak reclamation: which owners still exist (for example the pods of the
 * cluster, or the CNI {@code GC} list of valid attachments). See {@link IpAllocator#reclaim}.
 */
public interface LiveOwners {
    /**
     * Which owners exist now: a view taken once per reclamation pass, after the store was listed.
     * A predicate rather than a set, so a source can answer by pod UID alone (an owner is alive
     * while its pod incarnation is, whatever its interface).
     */
    Predicate<Owner> snapshot();

    /**
     * Re-checks one owner immediately before its allocation is released; return true to keep it.
     * The default takes a fresh snapshot; override with a direct lookup (one pod GET) when cheaper.
     */
    default boolean isLive(Owner owner) {
        return snapshot().test(owner);
    }

    /** A fixed set of live owners. */
    static LiveOwners of(Set<Owner> owners) {
        Set<Owner> copy = Set.copyOf(owners);
        return () -> copy::contains;
    }
}
