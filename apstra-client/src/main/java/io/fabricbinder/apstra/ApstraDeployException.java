package io.fabricbinder.apstra;

/**
 * A deploy (commit) of the staging blueprint did not happen or did not succeed. {@link #reason()}
 * says why; {@link #isRetryable()} is true only for {@link Reason#STAGING_CHANGED}.
 */
public final class ApstraDeployException extends ApstraException {
    private static final long serialVersionUID = 1L;

    /** Why the deploy failed. */
    public enum Reason {
        /** The staging blueprint has build errors; Apstra would refuse it. */
        BUILD_ERRORS,
        /** The staging version differs from the one the caller verified: someone else wrote. */
        STAGING_CHANGED,
        /** Apstra reported the deploy as failed. */
        FAILED
    }

    private final String blueprintId;
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param blueprintId the blueprint
     * @param reason why
     * @param detail Apstra's text or our explanation
     */
    public ApstraDeployException(String blueprintId, Reason reason, String detail) {
        super("deploy of blueprint " + blueprintId + " failed (" + reason + "): " + detail, null);
        this.blueprintId = blueprintId;
        this.reason = reason;
    }

    /** The blueprint id. */
    public String blueprintId() {
        return blueprintId;
    }

    /** Why the deploy failed. */
    public Reason reason() {
        return reason;
    }

    @Override
    public boolean isRetryable() {
        return reason == Reason.STAGING_CHANGED;
    }
}
