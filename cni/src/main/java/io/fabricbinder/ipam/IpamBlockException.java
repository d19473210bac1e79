package io.fabricbinder.ipam;

import java.util.Objects;

/**
 * STAND-IN until the helper "eco"'s class of the same name lands in the ipam module (same
 * signatures); delete this file then.
 */
public final class IpamBlockException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    /** Creates the exception. */
    public IpamBlockException(String field, String problem) {
        super(Objects.requireNonNull(field, "field") + ": " + Objects.requireNonNull(problem, "problem"));
        this.field = field;
        this.problem = problem;
    }

    /** The path of the offending field. */
    public String field() {
        return field;
    }

    /** What is wrong with the field. */
    public String problem() {
        return problem;
    }
}
