package io.fabricbinder.core;

import java.util.Locale;

/** What a plan does to an IP allocation. */
public enum AllocationAction {
    /** Allocate a new address at apply time (the address is not known while planning). */
    ALLOCATE,
    /** The attachment already holds this address. */
    UNCHANGED,
    /** The owner is gone; release the address at apply time (after the reclaim grace period). */
    RELEASE;

    /** The JSON spelling, e.g. {@code allocate}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
