package io.fabricbinder.ipam.spi;

import io.fabricbinder.ipam.IpamException;

/**
 * The store could not be reached or failed. The outcome of a {@link IpPoolStore#commit} that threw
 * this is unknown: it may or may not have been applied. Allocation and release are idempotent, so
 * the caller may simply retry.
 */
public final class IpPoolStoreException extends IpamException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public IpPoolStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates the exception. */
    public IpPoolStoreException(String message) {
        super(message);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
