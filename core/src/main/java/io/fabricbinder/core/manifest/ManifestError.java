package io.fabricbinder.core.manifest;

import java.util.Comparator;
import java.util.Objects;

/**
 * One validation problem found in a manifest.
 *
 * <p>Example: {@code ManifestError[object=NetworkAttachmentDefinition ns1/red,
 * field=spec.config.ipam.rangeStart, message=...]}. For YAML syntax errors the object is {@code
 * file#documentIndex}. Immutable and thread-safe.
 *
 * @param object the object, as {@code Kind namespace/name} (or {@code file#doc} when the document
 *     could not be read)
 * @param field the dotted field path, empty when the whole object is concerned
 * @param message what is wrong, including the bad value
 */
public record ManifestError(String object, String field, String message) implements Comparable<ManifestError> {

    private static final Comparator<ManifestError> ORDER = Comparator.comparing(ManifestError::object)
            .thenComparing(ManifestError::field)
            .thenComparing(ManifestError::message);

    /** Validates that all parts are present. */
    public ManifestError {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public int compareTo(ManifestError o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return object + ": " + (field.isEmpty() ? "" : field + ": ") + message;
    }
}
