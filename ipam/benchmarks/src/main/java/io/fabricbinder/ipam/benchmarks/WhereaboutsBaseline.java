package io.fabricbinder.ipam.benchmarks;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whereabouts design on the same store, for comparison: one object holds every allocation of
 * the range ({@code offset owner} lines, like the IPPool CR's allocation map), each allocation
 * re-reads and parses the whole object, checks idempotency by scanning it, walks from the first
 * usable offset up to the lowest free one, and writes the whole object back with a compare-and-set
 * on its version. Thread-safe in the same way (optimistic retry).
 */
final class WhereaboutsBaseline {
    private final IpPoolStore store;
    private final String key;
    private final long firstUsable;
    private final long lastUsable;

    WhereaboutsBaseline(IpPoolStore store, String pool, long firstUsable, long lastUsable) {
        this.store = store;
        this.key = "baseline/" + pool;
        this.firstUsable = firstUsable;
        this.lastUsable = lastUsable;
    }

    /** Returns the offset allocated to {@code owner}. */
    long allocate(String owner) {
        while (true) {
            Optional<VersionedValue> current = store.find(key);
            String text = current.map(VersionedValue::value).orElse("");
            Map<Long, String> allocations = new HashMap<>();
            if (!text.isEmpty()) {
                for (String line : text.lines().toList()) { // every line ends in \n: none is empty
                    int space = line.indexOf(' ');
                    allocations.put(Long.parseLong(line.substring(0, space)), line.substring(space + 1));
                }
            }
            for (Map.Entry<Long, String> e : allocations.entrySet()) {
                if (e.getValue().equals(owner)) {
                    return e.getKey();
                }
            }
            long candidate = firstUsable;
            while (candidate <= lastUsable && allocations.containsKey(candidate)) {
                candidate++;
            }
            if (candidate > lastUsable) {
                throw new IllegalStateException("baseline pool exhausted");
            }
            String next = text + candidate + " " + owner + "\n";
            List<Condition> cond = List.of(
                    current.map(v -> Condition.atVersion(key, v.version())).orElse(Condition.absent(key)));
            if (store.commit(cond, List.of(Mutation.put(key, next)))) {
                return candidate;
            }
        }
    }
}
