package io.fabricbinder.ipam.benchmarks;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/** Counts store round trips (reads, commits, failed commits) of whatever runs on top. */
final class CountingStore implements IpPoolStore {
    final LongAdder reads = new LongAdder();
    final LongAdder commits = new LongAdder();
    final LongAdder failedCommits = new LongAdder();
    private final IpPoolStore delegate;

    CountingStore(IpPoolStore delegate) {
        this.delegate = delegate;
    }

    void reset() {
        reads.reset();
        commits.reset();
        failedCommits.reset();
    }

    @Override
    public Optional<VersionedValue> find(String key) {
        reads.increment();
        return delegate.find(key);
    }

    @Override
    public boolean commit(List<Condition> conditions, List<Mutation> mutations) {
        commits.increment();
        boolean ok = delegate.commit(conditions, mutations);
        if (!ok) {
            failedCommits.increment();
        }
        return ok;
    }

    @Override
    public List<VersionedValue> list(String prefix, String startAfter, int limit) {
        reads.increment();
        return delegate.list(prefix, startAfter, limit);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
