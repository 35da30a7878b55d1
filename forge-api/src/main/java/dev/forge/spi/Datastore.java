package dev.forge.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Key-value storage for scripts (the {@code datastore} global of Apps), namespaced per tenant.
 * Values are JSON text. A {@code ttl} of {@code null} means no expiry.
 *
 * <p>Every operation is asynchronous: engines call it from isolate threads and must not block them.
 * An in-memory implementation and a Redis one pass the same contract suite in forge-test-kit.
 *
 * <p>Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface Datastore {

    /** The JSON value at {@code key}, if present and not expired. */
    CompletionStage<Optional<String>> get(String tenant, String key);

    /** Stores {@code json} at {@code key}. */
    CompletionStage<Void> set(String tenant, String key, String json, Duration ttl);

    /**
     * Adds {@code by} to the integer at {@code key} (absent counts as 0) atomically; the new value. A sum outside
     * the range of a {@code long} fails the stage with {@link #overflow(String, long)} and leaves the value as it
     * was; it never wraps or saturates.
     */
    CompletionStage<Long> incr(String tenant, String key, long by, Duration ttl);

    /** Removes {@code key}; true if it was there. */
    CompletionStage<Boolean> delete(String tenant, String key);

    /** The tenant's keys that start with {@code prefix}. */
    CompletionStage<List<String>> keys(String tenant, String prefix);

    /** The failure of an {@code incr} whose sum would leave the range of a {@code long}: the same from every implementation. */
    static ArithmeticException overflow(String key, long by) {
        return new ArithmeticException("incr: adding " + by + " to the value at '" + key + "' would leave the range of "
                + "a 64-bit integer (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + "); the value is unchanged");
    }
}
