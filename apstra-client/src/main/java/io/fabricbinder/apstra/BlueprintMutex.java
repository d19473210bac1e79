package io.fabricbinder.apstra;

import java.time.Duration;
import java.util.Optional;

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
}
