package io.fabricbinder.ipam;

import java.util.Objects;

/**
 * An {@code ipam} block of a CNI network configuration that {@link IpamBlock#parse} rejects. The
 * message starts with the path of the offending field, e.g. {@code ipam.ipRanges[1].range: ...}.
 */
public final class IpamBlockException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param field the path of the field, rooted at {@code ipam}, e.g. {@code ipam.exclude[0]}
     * @param problem what is wrong with it, without the path
     */
    public IpamBlockException(String field, String problem) {
        super(Objects.requireNonNull(field, "field") + ": " + Objects.requireNonNull(problem, "problem"));
        this.field = field;
        this.problem = problem;
    }

    /** The path of the offending field, rooted at {@code ipam}, e.g. {@code ipam.ipRanges[1].range}. */
    public String field() {
        return field;
    }

    /** What is wrong with the field, without its path. */
    public String problem() {
        return problem;
    }
}
