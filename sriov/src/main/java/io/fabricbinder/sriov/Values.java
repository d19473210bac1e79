package io.fabricbinder.sriov;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Null-tolerant normalisers for record components that may arrive absent from JSON. */
final class Values {
    private Values() {}

    static String str(@Nullable String s) {
        return s == null ? "" : s;
    }

    static <T> List<T> list(@Nullable List<T> l) {
        return l == null ? List.of() : List.copyOf(l);
    }

    static <K, V> Map<K, V> map(@Nullable Map<K, V> m) {
        return m == null ? Map.of() : Map.copyOf(m);
    }
}
