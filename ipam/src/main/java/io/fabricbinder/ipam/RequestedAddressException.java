package io.fabricbinder.ipam;

import org.jspecify.annotations.Nullable;

/**
 * A requested address (a pod's {@code ips}, NPWG multi-net spec §4.1.2, or a CNI {@code
 * runtimeConfig.ips}) cannot be granted. Nothing was allocated. The spec requires the request to be
 * honoured or the attachment to fail, so this is never answered with another address.
 */
public final class RequestedAddressException extends IpamException {
    private static final long serialVersionUID = 1L;

    /** Why the request cannot be granted. */
    public enum Reason {
        /** Not an address, or in none of the pool's ranges (outside its subnets or bounds). */
        OUTSIDE_RANGES,
        /** Excluded, the gateway, or a network/broadcast/subnet-router address. */
        RESERVED,
        /** Held by another owner. */
        HELD,
        /** The owner already holds a different address in that range. */
        OWNER_HOLDS_ANOTHER,
        /** Two requested addresses fall in the same range (one address per range). */
        SAME_RANGE
    }

    private final Reason reason;
    private final String address;
    private final @Nullable String holder;

    RequestedAddressException(Reason reason, String address, @Nullable String holder, String message) {
        super(message);
        this.reason = reason;
        this.address = address;
        this.holder = holder;
    }

    /** Why the request cannot be granted. */
    public Reason reason() {
        return reason;
    }

    /** The requested address as given (canonical when it parsed). */
    public String address() {
        return address;
    }

    /** The {@link Owner#key()} holding the address ({@link Reason#HELD}), when known. */
    public @Nullable String holder() {
        return holder;
    }

    /** False: the same request fails again until the holder releases it or the configuration changes. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
