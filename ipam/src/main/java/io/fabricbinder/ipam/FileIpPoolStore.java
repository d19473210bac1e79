package io.fabricbinder.ipam;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreException;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable embedded {@link IpPoolStore}: an append-only log in a directory, shared safely by
 * several processes on one host.
 *
 * <pre>{@code
 * try (FileIpPoolStore store = FileIpPoolStore.open(Path.of("/var/lib/fabricbinder/ipam"))) {
 *     IpAllocator allocator = IpAllocator.create(store);
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Layout.</b> {@code ipam.lock} is only ever locked, never replaced; {@code ipam.log} holds
 * length-prefixed, CRC32C-checked records (commits, and snapshots written by compaction).
 *
 * <p><b>Consistency.</b> Every operation takes, in this order, an in-JVM lock and an exclusive
 * {@link FileChannel#lock() file lock} on {@code ipam.lock}; then it catches up with records other
 * processes appended (re-reading the whole log if compaction replaced the file) and only then
 * evaluates conditions. A commit is appended and {@link FileChannel#force forced} before the file
 * lock is released and before the caller is answered, so no process can observe, and no caller is
 * told about, a write that a crash could take back. Commits of several threads that queue up while
 * one batch is being forced are written and forced together (group commit).
 *
 * <p><b>Crash safety.</b> A process killed mid-write leaves at most one torn record at the tail; the
 * next lock holder truncates it (its writer never answered its caller). Compaction writes a snapshot
 * to a temporary file, forces it, atomically renames it over the log and forces the directory.
 *
 * <p>Thread-safe. Several instances, in one or many JVMs, may share a directory. Not for network
 * file systems whose locks are advisory-only or broken. {@link #close()} releases the files.
 */
public final class FileIpPoolStore implements IpPoolStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileIpPoolStore.class);
    private static final byte COMMIT = 1;
    private static final byte SNAPSHOT = 2;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final int MAX_RECORD = 256 << 20;

    private final Path directory;
    private final Path logPath;
    private final Path lockPath;
    private final boolean fsync;
    private final long compactionMinBytes;
    private final ReentrantLock mutex = new ReentrantLock();
    private final java.util.concurrent.locks.Condition flushed = mutex.newCondition();
    private final ReentrantLock leader = new ReentrantLock();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private static final long BATCH_WAIT_NANOS = 1_000_000;
    // Guarded by queue.
    private int lastBatchSize;

    // Guarded by mutex.
    private @Nullable FileChannel lockChannel;
    private @Nullable FileChannel log;
    private @Nullable Object logFileKey;
    private long appliedPos;
    private long revision;
    private long liveBytes;
    private final Map<String, VersionedValue> data = new HashMap<>();
    private String @Nullable [] sortedKeys;
    private boolean closed;
    private boolean inFlight;
    private long durableRevision;
    private long failures;

    private FileIpPoolStore(Builder b) {
        this.directory = b.directory;
        this.logPath = directory.resolve("ipam.log");
        this.lockPath = directory.resolve("ipam.lock");
        this.fsync = b.fsync;
        this.compactionMinBytes = b.compactionMinBytes;
    }

    /** Opens (creating if needed) the store in {@code directory} with default settings. */
    public static FileIpPoolStore open(Path directory) {
        return builder(directory).open();
    }

    /** A builder for a store in {@code directory}. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    private FileIpPoolStore openFiles() {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IpPoolStoreException("cannot open IPAM store in " + directory + ": " + e.getMessage(), e);
        }
        read(() -> Boolean.TRUE, null); // replays the log into memory; the value is not used
        return this;
    }

    @Override
    public Optional<VersionedValue> find(String key) {
        Objects.requireNonNull(key, "key");
        return read(
                () -> Optional.ofNullable(data.get(key)),
                o -> o.map(VersionedValue::version).orElse(0L));
    }

    @Override
    public List<VersionedValue> list(String prefix, String startAfter, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(startAfter, "startAfter");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0: " + limit);
        }
        return read(
                () -> {
                    String[] keys = sortedKeys;
                    if (keys == null) {
                        keys = KeyPages.sortedKeys(data);
                        sortedKeys = keys;
                    }
                    return KeyPages.page(keys, data::get, prefix, startAfter, limit);
                },
                l -> l.stream().mapToLong(VersionedValue::version).max().orElse(0L));
    }

    /**
     * Runs a read. Normally under the file lock after catching up. While this JVM's commit leader
     * holds the file lock to force a batch, memory is current (no other process can write), so the
     * read is served from memory; if it returns something from the batch being forced, it waits
     * until the force completed, so nobody learns of a commit that could still be lost.
     */
    private <T> T read(Body<T> body, java.util.function.@Nullable ToLongFunction<T> versionOf) {
        mutex.lock();
        try {
            if (!inFlight) {
                return withFileLock(body);
            }
            T result;
            try {
                result = body.run();
            } catch (IOException e) {
                throw new IpPoolStoreException("IPAM store " + directory + " failed: " + e.getMessage(), e);
            }
            long needed = versionOf == null ? Long.MAX_VALUE : versionOf.applyAsLong(result);
            long epoch = failures;
            while (inFlight && needed > durableRevision) {
                flushed.awaitUninterruptibly();
            }
            if (failures != epoch && needed > durableRevision) {
                throw new IpPoolStoreException("IPAM store " + directory + " failed to force a commit");
            }
            return result;
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public boolean commit(List<Condition> conditions, List<Mutation> mutations) {
        IpPoolStore.checkCommitArguments(conditions, mutations);
        Request r = new Request(List.copyOf(conditions), List.copyOf(mutations));
        synchronized (queue) {
            queue.add(r);
            queue.notifyAll();
        }
        leader.lock();
        try {
            if (!r.done) {
                List<Request> batch;
                synchronized (queue) {
                    // Writers that were in the last batch are usually about to queue again (they only
                    // read in between); waiting a moment for them turns one force per writer into one
                    // per batch. Bounded, and only when the last batch was bigger than this one.
                    long deadline = System.nanoTime() + BATCH_WAIT_NANOS;
                    while (queue.size() < lastBatchSize) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        try {
                            queue.wait(left / 1_000_000, (int) (left % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    batch = new ArrayList<>(queue);
                    queue.clear();
                    lastBatchSize = batch.size();
                }
                processBatch(batch);
            }
        } finally {
            leader.unlock();
        }
        RuntimeException failure = r.failure;
        if (failure != null) {
            throw failure;
        }
        return r.applied;
    }

    /** Group commit: one append and one force for every commit queued meanwhile. Needs leader. */
    private void processBatch(List<Request> batch) {
        FileLock lock = null;
        FileChannel ch = null;
        long target = 0;
        IpPoolStoreException failure = null;
        mutex.lock();
        try {
            lock = lockAndCatchUp();
            ch = Objects.requireNonNull(log);
            ByteBuffer out = ByteBuffer.allocate(4096);
            for (Request r : batch) {
                if (!holds(r.conditions)) {
                    continue;
                }
                long next = revision + 1;
                out = append(out, encodeCommit(next, r.mutations));
                apply(next, r.mutations);
                revision = next;
                r.applied = true;
            }
            out.flip();
            long pos = appliedPos;
            while (out.hasRemaining()) {
                pos += ch.write(out, pos);
            }
            appliedPos = pos;
            target = revision;
            inFlight = true;
        } catch (IOException | RuntimeException e) {
            failure = asStoreException(e);
        } finally {
            mutex.unlock();
        }
        if (failure == null && fsync && target > durableRevision) {
            try {
                // Outside the JVM mutex (readers of older data go on) but inside the file lock
                // (no other process sees this batch before it is durable).
                Objects.requireNonNull(ch).force(false);
            } catch (IOException e) {
                failure = asStoreException(e);
            }
        }
        mutex.lock();
        try {
            if (failure == null) {
                durableRevision = target;
                try {
                    maybeCompact();
                } catch (IOException e) {
                    LOG.warn("compaction of {} failed; the log stays as it is", logPath, e);
                }
            } else {
                // What this batch applied in memory may not be on disk: rebuild from the log next time.
                failures++;
                dropState();
            }
            inFlight = false;
            releaseQuietly(lock);
            flushed.signalAll();
        } finally {
            mutex.unlock();
            for (Request r : batch) {
                if (failure != null) {
                    r.applied = false;
                    r.failure = failure;
                }
                r.done = true;
            }
        }
    }

    private IpPoolStoreException asStoreException(Exception e) {
        if (e instanceof IpPoolStoreException s) {
            return s;
        }
        if (e instanceof ClosedByInterruptException) {
            lockChannel = null;
            return new IpPoolStoreException("interrupted while using IPAM store " + directory, e);
        }
        if (e instanceof IllegalStateException && closed) {
            return new IpPoolStoreException("IPAM store " + directory + " is closed", e);
        }
        return new IpPoolStoreException("IPAM store " + directory + " failed: " + e.getMessage(), e);
    }

    private static void releaseQuietly(@Nullable FileLock lock) {
        if (lock != null && lock.isValid()) {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("releasing file lock", e);
            }
        }
    }

    private boolean holds(List<Condition> conditions) {
        for (Condition c : conditions) {
            VersionedValue v = data.get(c.key());
            long actual = v == null ? Condition.ABSENT : v.version();
            if (actual != c.version()) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer append(ByteBuffer out, byte[] payload) {
        int need = 8 + payload.length;
        if (out.remaining() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + need));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        CRC32C crc = new CRC32C();
        crc.update(payload);
        out.putInt(payload.length);
        out.putInt((int) crc.getValue());
        out.put(payload);
        return out;
    }

    private interface Body<T> {
        T run() throws IOException;
    }

    /** Runs {@code body} holding the file lock, after catching up with the log. Needs mutex. */
    private <T> T withFileLock(Body<T> body) {
        FileLock lock = null;
        try {
            lock = lockAndCatchUp();
            return body.run();
        } catch (IOException e) {
            dropState();
            throw asStoreException(e);
        } finally {
            releaseQuietly(lock);
        }
    }

    /** Takes the file lock and catches up; on failure nothing stays locked. Needs mutex. */
    private FileLock lockAndCatchUp() throws IOException {
        if (closed) {
            throw new IllegalStateException("IPAM store " + directory + " is closed");
        }
        FileLock lock = null;
        try {
            FileChannel lc = lockChannel;
            if (lc == null || !lc.isOpen()) {
                lc = FileChannel.open(
                        lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                lockChannel = lc;
            }
            lock = acquire(lc);
            catchUp();
            durableRevision = Math.max(durableRevision, revision);
            return lock;
        } catch (IOException | RuntimeException e) {
            releaseQuietly(lock);
            dropState();
            if (e instanceof ClosedByInterruptException) {
                lockChannel = null;
            }
            throw e;
        }
    }

    private static FileLock acquire(FileChannel lc) throws IOException {
        while (true) {
            try {
                return lc.lock();
            } catch (OverlappingFileLockException e) {
                // Another store instance in this JVM holds it; the JVM-wide lock table still excludes us.
                LockSupport.parkNanos(20_000);
            }
        }
    }

    private void dropState() {
        FileChannel ch = log;
        log = null;
        logFileKey = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing log after failure", e);
            }
        }
    }

    /** Re-opens the log if it is new (compaction) and applies records appended since last time. */
    private void catchUp() throws IOException {
        Object key = Files.exists(logPath)
                ? Files.readAttributes(logPath, BasicFileAttributes.class).fileKey()
                : null;
        FileChannel ch = log;
        if (ch == null || !ch.isOpen() || key == null || !key.equals(logFileKey)) {
            if (ch != null) {
                ch.close();
            }
            ch = FileChannel.open(
                    logPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            log = ch;
            logFileKey =
                    Files.readAttributes(logPath, BasicFileAttributes.class).fileKey();
            data.clear();
            sortedKeys = null;
            appliedPos = 0;
            revision = 0;
            liveBytes = 0;
        }
        long size = ch.size();
        ByteBuffer header = ByteBuffer.allocate(8);
        while (appliedPos < size) {
            if (size - appliedPos < 8) {
                truncateTornTail(ch, size);
                return;
            }
            header.clear();
            readFully(ch, header, appliedPos);
            header.flip();
            int len = header.getInt();
            int crc = header.getInt();
            if (len < 9 || len > MAX_RECORD || appliedPos + 8 + len > size) {
                truncateTornTail(ch, size);
                return;
            }
            ByteBuffer payload = ByteBuffer.allocate(len);
            readFully(ch, payload, appliedPos + 8);
            CRC32C check = new CRC32C();
            check.update(payload.array());
            if ((int) check.getValue() != crc) {
                if (appliedPos + 8 + len == size) {
                    truncateTornTail(ch, size);
                    return;
                }
                throw new IOException("corrupt record at offset " + appliedPos + " of " + logPath);
            }
            replay(payload.array());
            appliedPos += 8 + len;
        }
    }

    private void truncateTornTail(FileChannel ch, long size) throws IOException {
        // We hold the exclusive lock and writers finish their records before releasing it, so a
        // partial record belongs to a writer that died and never answered its caller.
        LOG.warn("truncating a torn record at offset {} of {} ({} bytes)", appliedPos, logPath, size - appliedPos);
        ch.truncate(appliedPos);
        ch.force(true);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of log");
            }
            pos += n;
        }
    }

    private void replay(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte type = in.get();
        long rev = in.getLong();
        int n = in.getInt();
        if (type == COMMIT) {
            List<Mutation> ms = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte op = in.get();
                String key = readString(in);
                ms.add(op == PUT ? Mutation.put(key, readString(in)) : Mutation.delete(key));
            }
            apply(rev, ms);
            revision = Math.max(revision, rev);
        } else if (type == SNAPSHOT) {
            for (int i = 0; i < n; i++) {
                String key = readString(in);
                long version = in.getLong();
                String value = readString(in);
                put(new VersionedValue(key, value, version));
            }
            revision = Math.max(revision, rev);
        } else {
            throw new IllegalStateException("unknown record type " + type + " in " + logPath);
        }
    }

    private void apply(long version, List<Mutation> mutations) {
        for (Mutation m : mutations) {
            String value = m.value();
            if (value == null) {
                VersionedValue old = data.remove(m.key());
                if (old != null) {
                    sortedKeys = null;
                    liveBytes -= old.key().length() + old.value().length() + 20L;
                }
            } else {
                put(new VersionedValue(m.key(), value, version));
            }
        }
    }

    private void put(VersionedValue v) {
        VersionedValue old = data.put(v.key(), v);
        if (old == null) {
            sortedKeys = null;
        } else {
            liveBytes -= old.key().length() + old.value().length() + 20L;
        }
        liveBytes += v.key().length() + v.value().length() + 20L;
    }

    private void maybeCompact() throws IOException {
        if (appliedPos < compactionMinBytes || appliedPos < 4 * liveBytes) {
            return;
        }
        Path tmp = directory.resolve("ipam.log.compacting");
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            List<VersionedValue> chunk = new ArrayList<>();
            long chunkBytes = 0;
            long pos = 0;
            for (VersionedValue v : data.values()) {
                chunk.add(v);
                chunkBytes += v.key().length() * 3L + v.value().length() * 3L + 20;
                if (chunkBytes > (1 << 20)) {
                    pos = writeSnapshot(out, pos, chunk);
                    chunk.clear();
                    chunkBytes = 0;
                }
            }
            writeSnapshot(out, pos, chunk);
            out.force(true);
        }
        try {
            Files.move(tmp, logPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + directory + " cannot rename atomically", e);
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("directory fsync not supported for {}", directory, e);
        }
        long before = appliedPos;
        // Re-open the new file; catchUp() replays the snapshot into fresh state.
        catchUp();
        LOG.info("compacted {} from {} to {} bytes", logPath, before, appliedPos);
    }

    private long writeSnapshot(FileChannel out, long pos, List<VersionedValue> chunk) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(64);
        body = ensure(body, 13);
        body.put(SNAPSHOT).putLong(revision).putInt(chunk.size());
        for (VersionedValue v : chunk) {
            byte[] k = v.key().getBytes(StandardCharsets.UTF_8);
            byte[] val = v.value().getBytes(StandardCharsets.UTF_8);
            body = ensure(body, 16 + k.length + val.length);
            body.putInt(k.length).put(k).putLong(v.version()).putInt(val.length).put(val);
        }
        byte[] payload = Arrays.copyOf(body.array(), body.position());
        ByteBuffer rec = append(ByteBuffer.allocate(payload.length + 8), payload);
        rec.flip();
        while (rec.hasRemaining()) {
            pos += out.write(rec, pos);
        }
        return pos;
    }

    private static ByteBuffer ensure(ByteBuffer b, int more) {
        if (b.remaining() >= more) {
            return b;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + more));
        b.flip();
        bigger.put(b);
        return bigger;
    }

    private static byte[] encodeCommit(long rev, List<Mutation> mutations) {
        ByteBuffer b = ByteBuffer.allocate(128);
        b.put(COMMIT).putLong(rev).putInt(mutations.size());
        for (Mutation m : mutations) {
            byte[] k = m.key().getBytes(StandardCharsets.UTF_8);
            String value = m.value();
            byte[] v = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            b = ensure(b, 9 + k.length + (v == null ? 0 : v.length));
            b.put(v == null ? DELETE : PUT).putInt(k.length).put(k);
            if (v != null) {
                b.putInt(v.length).put(v);
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static String readString(ByteBuffer in) {
        int len = in.getInt();
        String s = new String(in.array(), in.arrayOffset() + in.position(), len, StandardCharsets.UTF_8);
        in.position(in.position() + len);
        return s;
    }

    /** Size of the log file in bytes; for tests and benchmarks. */
    long logSize() {
        return read(() -> appliedPos, null);
    }

    @Override
    public void close() {
        leader.lock();
        mutex.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dropState();
            FileChannel lc = lockChannel;
            lockChannel = null;
            if (lc != null) {
                lc.close();
            }
        } catch (IOException e) {
            LOG.debug("closing {}", lockPath, e);
        } finally {
            mutex.unlock();
            leader.unlock();
        }
    }

    private static final class Request {
        final List<Condition> conditions;
        final List<Mutation> mutations;
        volatile boolean done;
        volatile boolean applied;
        volatile @Nullable IpPoolStoreException failure;

        Request(List<Condition> conditions, List<Mutation> mutations) {
            this.conditions = conditions;
            this.mutations = mutations;
        }
    }

    /** Settings of a {@link FileIpPoolStore}. Not thread-safe; use once. */
    public static final class Builder {
        private final Path directory;
        private boolean fsync = true;
        private long compactionMinBytes = 64L << 20;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * Whether each commit is forced to stable storage before it is acknowledged (default true).
         * Turning it off keeps allocations across process crashes but not across power loss or a
         * kernel crash; only for throwaway environments and benchmarks.
         */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /**
         * The log is compacted once it is larger than this (default 64 MiB) and larger than four
         * times the live data. Lower it to bound disk use for small pools with much churn.
         */
        public Builder compactionMinBytes(long compactionMinBytes) {
            if (compactionMinBytes < 1) {
                throw new IllegalArgumentException("compactionMinBytes must be > 0: " + compactionMinBytes);
            }
            this.compactionMinBytes = compactionMinBytes;
            return this;
        }

        /** Opens the store, replaying its log. */
        public FileIpPoolStore open() {
            return new FileIpPoolStore(this).openFiles();
        }
    }
}
