package io.fabricbinder.apstra;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A held cooperative blueprint mutex: the catalog tag {@code blueprint <id> locked}. Release it
 * with {@link #close()} (try-with-resources), which deletes the tag; a tag already gone counts as
 * released. Thread-safe; closing twice is a no-op.
 */
public final class MutexLock implements AutoCloseable {
    private final Transport transport;
    private final String blueprintId;
    private final String tagId;
    private final String label;
    private final @Nullable MutexTag takenOverFrom;
    private final AtomicBoolean released = new AtomicBoolean();

    MutexLock(Transport transport, String blueprintId, String tagId, String label, @Nullable MutexTag takenOverFrom) {
        this.transport = transport;
        this.blueprintId = blueprintId;
        this.tagId = tagId;
        this.label = label;
        this.takenOverFrom = takenOverFrom;
    }

    /** The holder whose tag was removed to take this lock over, if it was taken over. */
    public Optional<MutexTag> takenOverFrom() {
        return Optional.ofNullable(takenOverFrom);
    }

    /**
     * Rewrites the tag's description ({@code PUT /api/design/tags/{id}}, as apstra-go-sdk's {@code
     * updateTag} does), e.g. to renew a lease written in it.
     *
     * @throws ApstraNotFoundException if the tag is gone: someone removed or took over the lock
     * @throws IllegalStateException if this lock was released
     */
    public void renew(String description) {
        Objects.requireNonNull(description, "description");
        if (released.get()) {
            throw new IllegalStateException(this + " was released");
        }
        transport.call(new Transport.Req(
                "PUT",
                List.of("api", "design", "tags", tagId),
                Map.of(),
                Json.object().put("label", label).put("description", description),
                true,
                true));
    }

    /** Whether {@link #close()} has released the lock. */
    public boolean isReleased() {
        return released.get();
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
