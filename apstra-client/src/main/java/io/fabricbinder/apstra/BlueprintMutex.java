package io.fabricbinder.apstra;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The cooperative blueprint mutex shared with Terraform (apstra-go-sdk) and Ansible: a global
 * catalog tag labelled {@code blueprint <id> locked}. Creating it acquires the lock; Apstra's
 * "already exists" means someone holds it; deleting it releases it. Taking the lock does not change
 * the blueprint's version. Obtain from {@link BlueprintClient#mutex()}. Thread-safe.
 *
 * <pre>{@code
 * try (MutexLock lock = blueprint.mutex().lock("fabricbinder: tenant-a", Duration.ofMinutes(2))) {
 *     // write, verify, deploy
 * }
 * }</pre>
 */
public interface BlueprintMutex {

    /** The tag label: {@code blueprint <id> locked}. */
    String label();

    /**
     * Takes the lock if it is free: first checks {@code lock-status} (staging must be unlocked or
     * held by this client's own user), then creates the tag.
     *
     * @param message stored as the tag's description, so others see who holds it
     * @return the held lock, or empty if another party holds the tag or staging changes
     */
    Optional<MutexLock> tryLock(String message);

    /**
     * Takes the lock, retrying every 500 ms up to {@code wait}.
     *
     * @throws ApstraTimeoutException if the lock is still held after {@code wait}
     */
    MutexLock lock(String message, Duration wait);

    /**
     * The tag that holds the lock now, if any: {@code GET /api/design/tags}, matched by {@link
     * #label()}.
     */
    Optional<MutexTag> holder();

    /**
     * Takes the lock, retrying every 500 ms up to {@code wait} (one attempt when {@code wait} is
     * zero), and takes it over from a holder that {@code takeOver} accepts: that holder's tag is
     * deleted by its id (so a tag created meanwhile by someone else is never touched) and the lock
     * is taken at once. Use it for holders known to be dead, e.g. a lease that ran out; a holder
     * {@code takeOver} rejects is waited for, never broken.
     *
     * @param message the tag description, asked anew for every attempt (it may carry a time)
     * @param wait how long to wait for a holder that is not taken over
     * @param takeOver which holders may be taken over
     * @return the held lock; {@link MutexLock#takenOverFrom()} names a holder that was taken over
     * @throws ApstraTimeoutException if the lock is still held after {@code wait}; its message holds
     *     the holder's description
     */
    MutexLock lock(Supplier<String> message, Duration wait, Predicate<MutexTag> takeOver);
}
