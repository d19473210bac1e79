package io.fabricbinder.apstra;

import java.time.Duration;
import java.util.Objects;

/**
 * How idempotent calls are retried on connection failures, 429 and 502/503/504: up to {@code
 * maxAttempts} attempts in total, waiting {@code initialBackoff * 2^(n-1)} capped at {@code
 * maxBackoff} with random jitter (between half and the full delay), or the server's {@code
 * Retry-After} when it sent one. Retries never go past the call deadline.
 *
 * @param maxAttempts total attempts including the first; 1 disables retries
 * @param initialBackoff the first delay
 * @param maxBackoff the cap on any single delay
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    /** Validates the values. */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("RetryPolicy.maxAttempts must be at least 1: " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "RetryPolicy backoffs must be non-negative with maxBackoff >= initialBackoff: " + initialBackoff
                            + ", " + maxBackoff);
        }
    }

    /** 4 attempts, 200 ms doubling up to 5 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /** No retries. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** The un-jittered delay before attempt {@code attempt + 1}, for {@code attempt >= 1}. */
    Duration backoff(int attempt) {
        long base = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        long delay = base;
        for (int i = 1; i < attempt && delay < cap; i++) {
            delay = delay * 2;
        }
        return Duration.ofMillis(Math.min(delay, cap));
    }
}
