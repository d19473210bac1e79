package io.fabricbinder.core;

import java.util.Comparator;
import java.util.Objects;

/**
 * An error or warning about one object: which object, which field, what is wrong.
 *
 * <p>Example: {@code Diagnostic[object=NetworkAttachmentDefinition ns/red, field=spec.config.vlan,
 * message=VLAN 100 on leaf1 xe-0/0/10 is also used by ns/blue with subnet 10.2.0.0/24]}. Objects are
 * named {@code Kind namespace/name} as in {@link io.fabricbinder.core.manifest.ManifestError}.
 * Immutable and thread-safe.
 *
 * @param object the object, {@code Kind namespace/name}
 * @param field the dotted field path, empty when the whole object is concerned
 * @param message what is wrong, with the bad value
 */
public record Diagnostic(String object, String field, String message) implements Comparable<Diagnostic> {

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
