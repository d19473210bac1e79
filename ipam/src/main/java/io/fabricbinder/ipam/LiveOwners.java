package io.fabricbinder.ipam;

import java.util.Set;

/**
 * The source of truth for leak reclamation: which owners still exist (for example the pods of the
 * cluster, or the CNI {@code GC} list of valid attachments). See {@link IpAllocator#reclaim}.
 */
public interface LiveOwners {
    /** The owners that exist now. Called once per reclamation pass, after the store was listed. */
    Set<Owner> snapshot();

    /**
     * Re-checks one owner immediately before its allocation is released; return true to keep it.
     * The default takes a fresh snapshot; override with a direct lookup (one pod GET) when cheaper.
     */
    default boolean isLive(Owner owner) {
        return snapshot().contains(owner);
    }
}
