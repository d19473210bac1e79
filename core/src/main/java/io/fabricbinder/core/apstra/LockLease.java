package io.fabricbinder.core.apstra;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What FabricBinder writes into the description of the blueprint mutex tag, and reads back from
 * it: who holds the lock and until when (the lease). A lock whose description does not parse was
 * written by another tool or a person and is never taken over.
 *
 * <p>Format: {@code <prefix>: apply by <holder>; fabricbinder.io/lease-until=<ISO-8601 instant>}.
 * Versions before the lease wrote {@code <prefix>: apply at <instant>} and never renewed it; such a
 * lock counts as leased for {@link #LEGACY_LEASE} after that instant, well past the longest apply
 * (lock wait, writes and a deploy timeout of 5 minutes).
 *
 * @param holder who holds the lock (FabricBinder process or controller identity)
 * @param until when the lease runs out unless it is renewed
 */
record LockLease(String holder, Instant until) {

    /** How long an unrenewed lock written before leases existed is honoured. */
    static final Duration LEGACY_LEASE = Duration.ofMinutes(15);

    private static final String UNTIL = "fabricbinder.io/lease-until=";
    private static final Pattern LEASED =
            Pattern.compile("^.*?: apply by (.*); " + Pattern.quote(UNTIL) + "(\\S+)$", Pattern.DOTALL);

    /** The tag description for this lease. */
    String describe(String prefix) {
        return prefix + ": apply by " + holder + "; " + UNTIL + until;
    }

    /** Whether the lease ran out at {@code now}. */
    boolean isExpiredAt(Instant now) {
        return now.isAfter(until);
    }

    /**
     * The lease in a tag description, or empty if the description is not FabricBinder's. The
     * legacy form is recognised only with this gateway's own {@code prefix}.
     */
    static Optional<LockLease> parse(String description, String prefix) {
        Matcher m = LEASED.matcher(description.strip());
        try {
            if (m.matches()) {
                return Optional.of(new LockLease(m.group(1), Instant.parse(m.group(2))));
            }
            String legacy = prefix + ": apply at ";
            String d = description.strip();
            if (d.startsWith(legacy) && d.indexOf(' ', legacy.length()) < 0) {
                Instant at = Instant.parse(d.substring(legacy.length()));
                return Optional.of(new LockLease(prefix + " (an apply before leases existed)", at.plus(LEGACY_LEASE)));
            }
        } catch (DateTimeParseException notOurs) {
            // Looks like ours but the time is garbled: not something we wrote, so not ours to break.
        }
        return Optional.empty();
    }
}
