package io.fabricbinder.ipam;

/**
 * Concurrent writers won every attempt of a bounded retry loop. Nothing was changed by this call;
 * retrying later is safe (allocation and release are idempotent).
 */
public final class IpamConflictException extends IpamException {
    private static final long serialVersionUID = 1L;

    IpamConflictException(String pool, String operation, int attempts) {
        super(operation + " in pool " + pool + " lost to concurrent writers " + attempts + " times in a row");
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
