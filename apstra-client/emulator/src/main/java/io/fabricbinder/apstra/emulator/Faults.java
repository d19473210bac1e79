package io.fabricbinder.apstra.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Fault injection for an {@link ApstraEmulator}, obtained from {@link ApstraEmulator#faults()}.
 *
 * <p>Endpoint patterns are Java regular expressions searched (not fully matched) in {@code
 * "METHOD /path"}, without the query string, e.g. {@code "PATCH .*obj-policy-batch-apply"} or
 * {@code "/virtual-networks"}. Use {@code ".*"} for every request.
 *
 * <pre>{@code
 * emulator.faults().failNext(2, 429, "POST .*virtual-networks", Duration.ofSeconds(1));
 * emulator.faults().dropNext(1, "PUT .*deploy");
 * emulator.faults().latency(Duration.ofMillis(50));
 * emulator.faults().foreignChangeBeforeNext("PUT .*deploy");
 * }</pre>
 *
 * <p>Thread-safe. Faults persist until used up, {@link #clear()} or {@link ApstraEmulator#reset()}.
 */
public final class Faults {
    /** A fault armed for the next {@code remaining} requests matching {@code pattern}; guarded by the Faults lock. */
    private static class Trigger {
        final Pattern pattern;
        private int remaining;

        Trigger(Pattern pattern, int count) {
            this.pattern = pattern;
            this.remaining = count;
        }

        /** Counts one use; true when this was the last one. */
        boolean useUp() {
            return --remaining == 0;
        }
    }

    private static final class Failure extends Trigger {
        final int status;
        final @Nullable Duration retryAfter;

        Failure(Pattern pattern, int count, int status, @Nullable Duration retryAfter) {
            super(pattern, count);
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }

    /** What the HTTP front must do with one request. */
    record Decision(
            Duration delay,
            boolean drop,
            int status,
            @Nullable Duration retryAfter,
            boolean foreignChange) {}

    private final EmulatedApstra apstra;
    private final List<Failure> failures = new ArrayList<>();
    private final List<Trigger> drops = new ArrayList<>();
    private final List<Trigger> foreignChanges = new ArrayList<>();
    private Duration minLatency = Duration.ZERO;
    private Duration maxLatency = Duration.ZERO;
    private SplittableRandom random = new SplittableRandom(1);

    Faults(EmulatedApstra apstra) {
        this.apstra = apstra;
    }

    /**
     * Delays every response by {@code delay}.
     *
     * @param delay the added latency, zero to turn it off
     * @return this
     */
    public synchronized Faults latency(Duration delay) {
        requireNonNegative(delay, "delay");
        minLatency = delay;
        maxLatency = delay;
        return this;
    }

    /**
     * Delays every response by a uniformly random duration in {@code [min, max]}, drawn from a
     * generator seeded with {@code seed} so runs are reproducible.
     *
     * @param min the smallest delay
     * @param max the largest delay
     * @param seed the random seed
     * @return this
     */
    public synchronized Faults randomLatency(Duration min, Duration max, long seed) {
        requireNonNegative(min, "min");
        requireNonNegative(max, "max");
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("max " + max + " < min " + min);
        }
        minLatency = min;
        maxLatency = max;
        random = new SplittableRandom(seed);
        return this;
    }

    /**
     * Answers the next {@code count} requests matching {@code endpointPattern} with {@code status}
     * and Apstra's {@code {"errors": ...}} body, without touching state.
     *
     * @param count how many requests fail
     * @param status the HTTP status, e.g. 500 or 503 (use the four-argument form for 429)
     * @param endpointPattern regex searched in {@code "METHOD /path"}
     * @return this
     */
    public Faults failNext(int count, int status, String endpointPattern) {
        return failNext(count, status, endpointPattern, null);
    }

    /**
     * Like {@link #failNext(int, int, String)} and adds {@code Retry-After} (whole seconds,
     * rounded up) when {@code retryAfter} is given; typical for 429 and 503.
     *
     * @param count how many requests fail
     * @param status the HTTP status
     * @param endpointPattern regex searched in {@code "METHOD /path"}
     * @param retryAfter the Retry-After value, or {@code null} for none
     * @return this
     */
    public synchronized Faults failNext(int count, int status, String endpointPattern, @Nullable Duration retryAfter) {
        if (count < 1) {
            throw new IllegalArgumentException("count < 1: " + count);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 4xx or 5xx: " + status);
        }
        failures.add(new Failure(compile(endpointPattern), count, status, retryAfter));
        return this;
    }

    /**
     * Closes the connection of the next {@code count} matching requests without any response, as
     * a crashed proxy or a reset would. The request has no effect on state.
     *
     * @param count how many requests are dropped
     * @param endpointPattern regex searched in {@code "METHOD /path"}
     * @return this
     */
    public synchronized Faults dropNext(int count, String endpointPattern) {
        if (count < 1) {
            throw new IllegalArgumentException("count < 1: " + count);
        }
        drops.add(new Trigger(compile(endpointPattern), count));
        return this;
    }

    /**
     * Invalidates every issued token now, so the next authenticated call gets 401 and a client must
     * log in again.
     *
     * @return this
     */
    public Faults expireTokensNow() {
        apstra.expireAllTokens();
        return this;
    }

    /**
     * Makes another user hold the seeded blueprint: {@code lock-status} reports {@code locked} by
     * {@code username}, and the cooperative-lock catalog tag {@code "blueprint <id> locked"} exists
     * (so a client's tag create gets 422 "already exists").
     *
     * @param username the other user's name
     * @return this
     */
    public Faults blueprintLockedBy(String username) {
        apstra.lockByForeignUser(Objects.requireNonNull(username, "username"));
        return this;
    }

    /**
     * Releases a lock set by {@link #blueprintLockedBy(String)} (removes the tag too).
     *
     * @return this
     */
    public Faults releaseForeignLock() {
        apstra.releaseForeignLock();
        return this;
    }

    /**
     * Right before the next request matching {@code endpointPattern} is handled, another user
     * changes staging (the staging version goes up), as a concurrent writer between a client's
     * version read and its deploy would.
     *
     * @param endpointPattern regex searched in {@code "METHOD /path"}, e.g. {@code "PUT .*deploy"}
     * @return this
     */
    public synchronized Faults foreignChangeBeforeNext(String endpointPattern) {
        foreignChanges.add(new Trigger(compile(endpointPattern), 1));
        return this;
    }

    /**
     * Another user changes staging now (the staging version goes up).
     *
     * @return this
     */
    public Faults foreignChangeNow() {
        apstra.foreignChange();
        return this;
    }

    /**
     * Removes every latency, failure, drop and pending foreign change (the foreign lock stays
     * until {@link #releaseForeignLock()}).
     *
     * @return this
     */
    public synchronized Faults clear() {
        failures.clear();
        drops.clear();
        foreignChanges.clear();
        minLatency = Duration.ZERO;
        maxLatency = Duration.ZERO;
        return this;
    }

    synchronized Decision decide(String methodAndPath) {
        Duration delay = minLatency;
        if (maxLatency.compareTo(minLatency) > 0) {
            long span = maxLatency.toNanos() - minLatency.toNanos();
            delay = minLatency.plusNanos(random.nextLong(span + 1));
        }
        boolean drop = consume(drops, methodAndPath);
        int status = 0;
        Duration retryAfter = null;
        if (!drop) {
            for (Iterator<Failure> it = failures.iterator(); it.hasNext(); ) {
                Failure f = it.next();
                if (f.pattern.matcher(methodAndPath).find()) {
                    status = f.status;
                    retryAfter = f.retryAfter;
                    if (f.useUp()) {
                        it.remove();
                    }
                    break;
                }
            }
        }
        boolean foreign = !drop && status == 0 && consume(foreignChanges, methodAndPath);
        return new Decision(delay, drop, status, retryAfter, foreign);
    }

    private static boolean consume(List<Trigger> triggers, String methodAndPath) {
        for (Iterator<Trigger> it = triggers.iterator(); it.hasNext(); ) {
            Trigger t = it.next();
            if (t.pattern.matcher(methodAndPath).find()) {
                if (t.useUp()) {
                    it.remove();
                }
                return true;
            }
        }
        return false;
    }

    private static Pattern compile(String pattern) {
        return Pattern.compile(Objects.requireNonNull(pattern, "endpointPattern"));
    }

    private static void requireNonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " < 0: " + d);
        }
    }
}
