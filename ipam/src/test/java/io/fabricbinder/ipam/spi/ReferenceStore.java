package io.fabricbinder.ipam.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The obviously correct model of the {@link IpPoolStore} semantics that generated tests compare
 * every backend with (the in-memory store included): a sorted map under one monitor, no tricks.
 */
public final class ReferenceStore implements IpPoolStore {
    private final TreeMap<String, VersionedValue> values = new TreeMap<>();
    private long revision;

    @Override
    public synchronized Optional<VersionedValue> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public synchronized boolean commit(List<Condition> conditions, List<Mutation> mutations) {
        IpPoolStore.checkCommitArguments(conditions, mutations);
        for (Condition c : conditions) {
            VersionedValue v = values.get(c.key());
            if ((v == null ? Condition.ABSENT : v.version()) != c.version()) {
                return false;
            }
        }
        long next = ++revision;
        for (Mutation m : mutations) {
            String value = m.value();
            if (value == null) {
                values.remove(m.key());
            } else {
                values.put(m.key(), new VersionedValue(m.key(), value, next));
            }
        }
        return true;
    }

    @Override
    public synchronized List<VersionedValue> list(String prefix, String startAfter, int limit) {
        List<VersionedValue> out = new ArrayList<>();
        for (Map.Entry<String, VersionedValue> e :
                values.tailMap(startAfter, false).entrySet()) {
            if (out.size() == limit) {
                break;
            }
            if (e.getKey().compareTo(prefix) < 0) {
                continue;
            }
            if (!e.getKey().startsWith(prefix)) {
                if (e.getKey().compareTo(prefix) > 0) {
                    break;
                }
                continue;
            }
            out.add(e.getValue());
        }
        return out;
    }

    @Override
    public void close() {}
}
