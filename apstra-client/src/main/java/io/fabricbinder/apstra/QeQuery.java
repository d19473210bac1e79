package io.fabricbinder.apstra;

import java.util.Objects;

/**
 * A complete QE query. Build it with {@link Qe#match} or {@link Qe#toQuery()}, which escape every
 * value; the constructor takes raw text as an escape hatch and escapes nothing.
 *
 * @param text the rendered query sent as {@code {"query": text}}
 */
public record QeQuery(String text) {
    /** Validates. */
    public QeQuery {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return text;
    }
}
