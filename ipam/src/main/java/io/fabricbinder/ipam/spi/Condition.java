package io.fabricbinder.ipam.spi;

import java.util.Objects;

/**
 * A precondition of {@link IpPoolStore#commit}: the key is currently at {@code version}, or absent
 * when {@code version} is {@link #ABSENT}.
 *
 * @param key the key
 * @param version the expected version, or {@link #ABSENT} (0)
 */
public record Condition(String key, long version) {
    /** The version that means "the key does not exist". */
    public static final long ABSENT = 0;

    /** Validates the components. */
    public Condition {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0: " + version);
        }
    }

    /** The key must not exist. */
    public static Condition absent(String key) {
        return new Condition(key, ABSENT);
    }

    /** The key must exist at exactly {@code version}. */
    public static Condition atVersion(String key, long version) {
        if (version == ABSENT) {
            throw new IllegalArgumentException("use Condition.absent for version 0");
        }
        return new Condition(key, version);
    }

    /** Whether this condition asks for the key to be absent. */
    public boolean isAbsent() {
        return version == ABSENT;
    }
}
