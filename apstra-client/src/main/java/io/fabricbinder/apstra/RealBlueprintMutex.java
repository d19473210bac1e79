package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class RealBlueprintMutex implements BlueprintMutex {
    private static final Logger log = LoggerFactory.getLogger(BlueprintMutex.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final int MAX_LABEL = 64;

    private final RealBlueprintClient bp;

    RealBlueprintMutex(RealBlueprintClient bp) {
        this.bp = bp;
    }

    @Override
    public String label() {
        return "blueprint " + bp.id() + " locked";
    }

    @Override
    public Optional<MutexLock> tryLock(String message) {
        return tryLock(message, null);
    }

    private Optional<MutexLock> tryLock(String message, @Nullable MutexTag takenOverFrom) {
        Objects.requireNonNull(message, "message");
        String label = label();
        if (label.length() > MAX_LABEL) {
            // Apstra 4.1 limits tag labels to 64 characters (go-sdk).
            throw new IllegalArgumentException("blueprint id " + bp.id() + " is too long for a mutex tag label");
        }
        LockStatus status = bp.lockStatus();
        if (status.isLockedByOtherThan(bp.transport().userId())) {
            log.debug("blueprint {} staging is {} by {}", bp.id(), status.lockStatus(), status.username());
            return Optional.empty();
        }
        ObjectNode body = Json.object().put("label", label).put("description", message);
        JsonNode resp;
        try {
            resp = bp.transport()
                    .call(new Transport.Req("POST", List.of("api", "design", "tags"), Map.of(), body, false, true));
        } catch (ApstraConflictException e) {
            if (e.isExists()) {
                return Optional.empty();
            }
            throw e;
        }
        String tagId = resp.path("id").asText("");
        if (tagId.isEmpty()) {
            throw new IllegalStateException("Apstra created mutex tag '" + label + "' but returned no id");
        }
        return Optional.of(new MutexLock(bp.transport(), bp.id(), tagId, label, takenOverFrom));
    }

    @Override
    public MutexLock lock(String message, Duration wait) {
        Objects.requireNonNull(wait, "wait");
        Instant deadline = bp.transport().clock().instant().plus(wait);
        while (true) {
            Optional<MutexLock> lock = tryLock(message);
            if (lock.isPresent()) {
                return lock.get();
            }
            if (!bp.transport().clock().instant().plus(POLL).isBefore(deadline)) {
                throw new ApstraTimeoutException("blueprint " + bp.id() + " mutex ('" + label()
                        + "') still held by another party after " + wait);
            }
            bp.transport().pollPause("/api/design/tags", POLL);
        }
    }

    @Override
    public Optional<MutexTag> holder() {
        String label = label();
        JsonNode items = bp.transport().get(List.of("api", "design", "tags")).path("items");
        for (JsonNode t : items) {
            if (label.equals(t.path("label").asText())) {
                return Optional.of(new MutexTag(
                        t.path("id").asText(""), label, t.path("description").asText("")));
            }
        }
        return Optional.empty();
    }

    @Override
    public MutexLock lock(Supplier<String> message, Duration wait, Predicate<MutexTag> takeOver) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(wait, "wait");
        Objects.requireNonNull(takeOver, "takeOver");
        Instant deadline = bp.transport().clock().instant().plus(wait);
        @Nullable MutexTag last = null;
        while (true) {
            Optional<MutexLock> lock = tryLock(message.get());
            if (lock.isPresent()) {
                return lock.get();
            }
            Optional<MutexTag> holder = holder();
            if (holder.isPresent() && takeOver.test(holder.get())) {
                MutexTag stale = holder.get();
                log.warn(
                        "taking over blueprint {} mutex from its expired holder: \"{}\" (tag {})",
                        bp.id(),
                        stale.description(),
                        stale.id());
                try {
                    bp.transport()
                            .call(new Transport.Req(
                                    "DELETE",
                                    List.of("api", "design", "tags", stale.id()),
                                    Map.of(),
                                    null,
                                    true,
                                    true));
                } catch (ApstraNotFoundException alreadyGone) {
                    // Released or taken over by someone else meanwhile: just try again.
                }
                lock = tryLock(message.get(), stale);
                if (lock.isPresent()) {
                    return lock.get();
                }
            }
            last = holder.orElse(last);
            if (!bp.transport().clock().instant().plus(POLL).isBefore(deadline)) {
                throw new ApstraTimeoutException("blueprint " + bp.id() + " mutex ('" + label() + "') still held after "
                        + wait + (last == null ? "" : " by \"" + last.description() + "\" (tag " + last.id() + ")"));
            }
            bp.transport().pollPause("/api/design/tags", POLL);
        }
    }
}
