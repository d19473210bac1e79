package io.fabricbinder.core;

import java.util.Comparator;
import java.util.Objects;

/**
 * An error or warning about one object: which object, which field, what is wrong. The one
 * diagnostic type of FabricBinder: manifest validation, topology sources, the planner and the
 * appliers all report with it.
 *
 * <p>Example: {@code NetworkAttachmentDefinition ns/red: spec.config.vlan: VLAN 100 on leaf1
 * xe-0/0/10 is also wanted by ...}. Immutable and thread-safe.
 *
 * @param object the object (its text is {@code Kind namespace/name}, see {@link ObjectRef})
 * @param field the dotted field path, empty when the whole object is concerned
 * @param message what is wrong, with the bad value
 */
public record Diagnostic(ObjectRef object, String field, String message) implements Comparable<Diagnostic> {

    private static final Comparator<Diagnostic> ORDER = Comparator.comparing(Diagnostic::object)
            .thenComparing(Diagnostic::field)
            .thenComparing(Diagnostic::message);

    /** Validates. */
    public Diagnostic {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public int compareTo(Diagnostic o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return object + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
