package io.fabricbinder.ipam.spi;

import java.util.Objects;

/**
 * A stored value with the version the store gave it.
 *
 * @param key the key
 * @param value the value (UTF-8 text)
 * @param version positive; changes on every write of the key and is never reused for that key, also
 *     across a delete and a re-create (an etcd {@code mod_revision} has exactly these properties)
 */
public record VersionedValue(String key, String value, long version) {
    /** Validates the components. */
    public VersionedValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (version <= 0) {
            throw new IllegalArgumentException("version must be > 0: " + version);
        }
    }
}
