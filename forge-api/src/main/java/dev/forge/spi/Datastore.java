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
 * <h2>The contract</h2>
 * What {@code DatastoreContract} in forge-test-kit checks, so that a script behaves the same on every
 * implementation:
 * <ul>
 *   <li><b>Values are kept as given.</b> {@link #get} returns the very JSON text {@link #set} stored, not a
 *       re-serialised copy: escapes and spacing stay as they were.</li>
 *   <li><b>Absent means empty.</b> A key never set, deleted or expired: {@link #get} gives
 *       {@link Optional#empty()}, {@link #delete} gives {@code false}, {@link #keys} leaves it out and
 *       {@link #incr} counts from 0.</li>
 *   <li><b>Expiry.</b> A positive {@code ttl} makes the key vanish once it has passed, for every operation;
 *       {@code null} means no expiry. {@link #set} replaces the value and its expiry. {@link #incr} with a
 *       {@code ttl} sets the expiry; with {@code null} it keeps the key's existing one. A zero or negative
 *       {@code ttl} is refused.</li>
 *   <li><b>{@link #incr} is atomic</b>: concurrent increments from any number of threads (and, for a shared
 *       store, nodes) are all counted. {@code by} may be negative. A value that is not an integer fails the
 *       stage with a message containing {@code not an integer}; a result past a {@code long} fails it with an
 *       {@link ArithmeticException}.</li>
 *   <li><b>{@link #keys} is sorted</b>: the tenant's live keys that start with {@code prefix}, in ascending
 *       {@link String} order, without any namespace of the implementation's. The prefix is literal (no glob or
 *       pattern characters); {@code ""} lists every key.</li>
 *   <li><b>Tenants are apart.</b> One tenant's keys are invisible to every other tenant's {@link #get},
 *       {@link #keys} and {@link #delete}; the tenant comes from the host, never from a script.</li>
 *   <li><b>Values are bounded.</b> A value whose key plus JSON exceeds the implementation's limit (UTF-8
 *       bytes) fails the stage with a message naming the limit (it contains {@code limit}), and nothing is
 *       stored. Forge's implementations allow 256 KiB, refuse an empty key or one over 1,024 characters,
 *       and {@code InMemoryDatastore} also caps a tenant's total.</li>
 *   <li><b>Failures say why.</b> A refused value, a non-integer or an unreachable store fails the returned
 *       stage; a bad argument (an empty key) may instead be thrown as an {@link IllegalArgumentException}.
 *       Either way the script sees the message, so it names the key or the limit, never a password.</li>
 * </ul>
 *
 * <p>Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface Datastore {

    /** The JSON value at {@code key}, if present and not expired; empty otherwise. */
    CompletionStage<Optional<String>> get(String tenant, String key);

    /**
     * Stores {@code json} at {@code key}, replacing any value and expiry it had.
     *
     * @param ttl how long the key lives, positive; {@code null} for no expiry
     */
    CompletionStage<Void> set(String tenant, String key, String json, Duration ttl);

    /**
     * Adds {@code by} to the integer at {@code key} (absent counts as 0) atomically; completes with the new
     * value. A sum outside the range of a {@code long} fails the stage with {@link #overflow(String, long)} and
     * leaves the value as it was; it never wraps or saturates.
     *
     * @param ttl the key's new expiry, positive; {@code null} keeps the expiry it has (none for a new key)
     */
    CompletionStage<Long> incr(String tenant, String key, long by, Duration ttl);

    /** Removes {@code key}; true if it was there (and not expired). */
    CompletionStage<Boolean> delete(String tenant, String key);

    /** The tenant's live keys that start with {@code prefix} ({@code ""} for all), sorted ascending. */
    CompletionStage<List<String>> keys(String tenant, String prefix);

    /** The failure of an {@code incr} whose sum would leave the range of a {@code long}: the same from every implementation. */
    static ArithmeticException overflow(String key, long by) {
        return new ArithmeticException("incr: adding " + by + " to the value at '" + key + "' would leave the range of "
                + "a 64-bit integer (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + "); the value is unchanged");
    }
}
