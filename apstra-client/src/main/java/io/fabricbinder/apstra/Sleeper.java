package io.fabricbinder.apstra;

import java.time.Duration;

/**
 * Waits between retries and polls. The default is {@link Thread#sleep(long)}; tests inject a fake
 * that advances a fake clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {
    /** The production sleeper. */
    static Sleeper system() {
        return d -> Thread.sleep(d.toMillis());
    }

    /**
     * Blocks for {@code duration}.
     *
     * @param duration how long to wait; never negative
     * @throws InterruptedException if the thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;
}
