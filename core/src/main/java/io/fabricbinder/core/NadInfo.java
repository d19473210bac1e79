package io.fabricbinder.core;

import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.ipam.PoolSpec;
import org.jspecify.annotations.Nullable;

/**
 * A valid NAD as the pods see it: one lookup per network selection.
 *
 * @param nad the NAD
 * @param key its key (one instance, shared by every port binding key of the network)
 * @param bound true if ports are bound for it (extended to the fabric and planned)
 * @param pool its fabricbinder-ipam pool, or null
 * @param rank its place among the networks the full plan binds ports to, by name; -1 if none
 */
record NadInfo(
        NetworkAttachmentDefinition nad,
        String key,
        boolean bound,
        @Nullable PoolSpec pool,
        int rank) {}
