package io.fabricbinder.ipam;

import io.fabricbinder.ipam.spi.VersionedValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/** The prefix-page read of {@code IpPoolStore.list}, shared by the stores that keep a sorted key index. */
final class KeyPages {

    private KeyPages() {}

    /** The keys of {@code values}, sorted; the stores cache this until their next write. */
    static String[] sortedKeys(Map<String, VersionedValue> values) {
        String[] keys = values.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        return keys;
    }

    /**
     * Up to {@code limit} entries whose key starts with {@code prefix}, strictly after {@code
     * startAfter}, in key order.
     */
    static List<VersionedValue> page(
            String[] sortedKeys,
            Function<String, @Nullable VersionedValue> values,
            String prefix,
            String startAfter,
            int limit) {
        return pageByIndex(
                sortedKeys,
                i -> Objects.requireNonNull(values.apply(sortedKeys[i]), sortedKeys[i]),
                prefix,
                startAfter,
                limit);
    }

    /** As {@link #page(String[], Function, String, String, int)}, reading values by index into {@code sortedKeys}. */
    static List<VersionedValue> pageByIndex(
            String[] sortedKeys, IntFunction<VersionedValue> byIndex, String prefix, String startAfter, int limit) {
        boolean fromPrefix = startAfter.compareTo(prefix) < 0;
        int i = Arrays.binarySearch(sortedKeys, fromPrefix ? prefix : startAfter);
        if (i < 0) {
            i = -i - 1;
        } else if (!fromPrefix) {
            i++;
        }
        // Sized for the keys up to the end of the prefix range (keys are ASCII, so none sorts after
        // prefix + '\uffff' and still starts with prefix; the loop below checks anyway).
        int end = Arrays.binarySearch(sortedKeys, i, sortedKeys.length, prefix + '\uffff');
        end = end < 0 ? -end - 1 : end;
        List<VersionedValue> out = new ArrayList<>(Math.max(0, Math.min(limit, end - i)));
        for (; i < sortedKeys.length && out.size() < limit && sortedKeys[i].startsWith(prefix); i++) {
            out.add(byIndex.apply(i));
        }
        return out;
    }
}
