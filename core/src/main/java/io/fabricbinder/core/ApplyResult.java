package io.fabricbinder.core;

import java.util.List;
import java.util.Objects;

/**
 * What applying a {@link Plan} did.
 *
 * <p>Example: {@code if (result.status() == ApplyResult.Status.REFUSED) requeueLater();}.
 * Immutable and thread-safe.
 *
 * @param status the outcome
 * @param changesApplied how many fabric changes were made (and committed, for a real fabric)
 * @param failures per-object failures (object, field, message); empty on success
 * @param message a one-line explanation
 */
public record ApplyResult(Status status, int changesApplied, List<Diagnostic> failures, String message) {

    /** Validates and copies. */
    public ApplyResult {
        Objects.requireNonNull(status, "status");
        failures = failures.stream().sorted().toList();
        Objects.requireNonNull(message, "message");
        if (changesApplied < 0) {
            throw new IllegalArgumentException("changesApplied must not be negative: " + changesApplied);
        }
    }

    /** Nothing to do. */
    public static ApplyResult noChanges() {
        return new ApplyResult(Status.NO_CHANGES, 0, List.of(), "no fabric changes");
    }

    /** Everything applied. */
    public static ApplyResult applied(int changes) {
        return new ApplyResult(Status.APPLIED, changes, List.of(), changes + " fabric changes applied");
    }

    /** True for {@link Status#APPLIED} and {@link Status#NO_CHANGES}. */
    public boolean isSuccess() {
        return status == Status.APPLIED || status == Status.NO_CHANGES;
    }

    /** Outcome of an apply. */
    public enum Status {
        /** All changes were applied (and, for Apstra, deployed). */
        APPLIED,
        /** The plan had no fabric changes; nothing was touched. */
        NO_CHANGES,
        /**
         * Nothing was applied because applying was unsafe now (someone else holds the blueprint lock
         * or has uncommitted changes); retry later.
         */
        REFUSED,
        /** Some or all changes failed; the next reconcile converges from what was left. */
        FAILED
    }
}
