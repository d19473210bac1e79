package io.fabricbinder.apstra;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A held cooperative blueprint mutex: the catalog tag {@code blueprint <id> locked}. Release it
 * with {@link #close()} (try-with-resources), which deletes the tag; a tag already gone counts as
 * released. Thread-safe; closing twice is a no-op.
 */
public final class MutexLock implements AutoCloseable {
    private final Transport transport;
    private final String blueprintId;
    private final String tagId;
    private final AtomicBoolean released = new AtomicBoolean();

    MutexLock(Transport transport, String blueprintId, String tagId) {
        this.transport = transport;
        this.blueprintId = blueprintId;
        this.tagId = tagId;
    }

    /** The blueprint this lock guards. */
    public String blueprintId() {
        return blueprintId;
    }

    /** The catalog tag id that represents the lock. */
    public String tagId() {
        return tagId;
    }

    /** Releases the lock: {@code DELETE /api/design/tags/{id}}; 404 counts as success. */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            transport.call(
                    new Transport.Req("DELETE", List.of("api", "design", "tags", tagId), Map.of(), null, true, true));
        } catch (ApstraNotFoundException alreadyGone) {
            // Someone removed the tag by hand (Design > Tags): the lock is released either way.
        } catch (RuntimeException e) {
            released.set(false);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "MutexLock[blueprint=" + blueprintId + ", tag=" + tagId + "]";
    }
}
