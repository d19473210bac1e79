package io.fabricbinder.core;

import java.util.List;
import java.util.Set;

/**
 * Where the network stages record a NAD they leave out of the plan: an error naming it, and its
 * network frozen (kept as it is on the fabric, never deleted because of the error).
 */
final class Exclusions {
    /** NAD keys present in the cluster but invalid or excluded. */
    final Set<String> frozen;

    final List<Diagnostic> errors;

    Exclusions(Set<String> frozen, List<Diagnostic> errors) {
        this.frozen = frozen;
        this.errors = errors;
    }

    /** Leaves a network out: an error on its NAD, and its fabric network kept as it is. */
    void exclude(String network, ObjectRef object, String field, String message) {
        errors.add(new Diagnostic(object, field, message));
        frozen.add(network);
    }
}
