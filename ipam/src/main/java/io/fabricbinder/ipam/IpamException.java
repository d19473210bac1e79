package io.fabricbinder.ipam;

/** Base type of every exception the IPAM module throws on purpose. Unchecked. */
public abstract class IpamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    protected IpamException(String message) {
        super(message);
    }

    /** Creates the exception. */
    protected IpamException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether retrying the same call later may succeed (requeue with backoff rather than fail). */
    public abstract boolean isRetryable();
}
