package io.fabricbinder.ipam.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A write of {@link IpPoolStore#commit}: a put when {@code value} is non-null, a delete otherwise.
 *
 * @param key the key
 * @param value the new value, or {@code null} to delete the key (deleting an absent key is a no-op)
 */
public record Mutation(String key, @Nullable String value) {
    /** Validates the components. */
    public Mutation {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    /** Stores {@code value} under {@code key}. */
    public static Mutation put(String key, String value) {
        return new Mutation(key, Objects.requireNonNull(value, "value"));
    }

    /** Removes {@code key}. */
    public static Mutation delete(String key) {
        return new Mutation(key, null);
    }

    /** Whether this mutation deletes its key. */
    public boolean isDelete() {
        return value == null;
    }
}
