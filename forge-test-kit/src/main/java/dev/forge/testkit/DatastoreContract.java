package dev.forge.testkit;

import dev.forge.spi.Datastore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Datastore} must do: JSON values, TTL expiry, atomic {@code incr} that is exact to the ends
 * of a {@code long} and refuses to pass them ({@link Datastore#overflow}), prefix listing, tenants kept apart,
 * and oversized values refused. Extend it in the implementation's tests:
 *
 * <pre>{@code
 * class RedisDatastoreTest extends DatastoreContract {
 *     protected Datastore newDatastore() { return new RedisDatastore(redis.uri(), "test-" + UUID.randomUUID()); }
 *     protected int maxValueBytes() { return RedisDatastore.DEFAULT_MAX_VALUE_BYTES; }
 * }
 * }</pre>
 *
 * <p>Expiry is checked by {@link #elapse(Duration)}: an implementation with a clock it controls moves
 * it; the default waits for the time to pass, checking as it goes.
 *
 * <p>Thread-safety: JUnit runs each test on one thread; the {@code incr} test starts its own platform threads.
 *
 * @since 0.1.0
 */
public abstract class DatastoreContract {

    private Datastore store;

    /** A new, empty datastore; called before each test. */
    protected abstract Datastore newDatastore();

    /** The largest value (key plus JSON, in UTF-8 bytes) the implementation accepts. */
    protected abstract int maxValueBytes();

    /** Lets {@code time} pass for TTLs. */
    protected void elapse(Duration time) {
        long end = System.nanoTime() + time.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    @BeforeEach
    void createStore() {
        store = newDatastore();
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("datastore operation failed: " + e, e);
        }
    }

    private static Throwable failure(CompletionStage<?> stage) {
        CompletionException e = assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
        return e.getCause();
    }

    @Test
    void storesAndReturnsJson() {
        await(store.set("acme", "route:1", "{\"gw\":[1,2],\"name\":\"n\\u00e9\"}", null));
        assertEquals(Optional.of("{\"gw\":[1,2],\"name\":\"n\\u00e9\"}"), await(store.get("acme", "route:1")));
        await(store.set("acme", "route:1", "42", null));
        assertEquals(Optional.of("42"), await(store.get("acme", "route:1")));
    }

    @Test
    void aMissingKeyIsEmpty() {
        assertEquals(Optional.empty(), await(store.get("acme", "nothing")));
        assertFalse(await(store.delete("acme", "nothing")));
    }

    @Test
    void keysExpireAfterTheirTtl() {
        await(store.set("acme", "short", "1", Duration.ofMillis(300)));
        await(store.set("acme", "long", "2", Duration.ofSeconds(60)));
        await(store.incr("acme", "counter", 1, Duration.ofMillis(300)));
        assertEquals(Optional.of("1"), await(store.get("acme", "short")));
        elapse(Duration.ofMillis(600));
        assertEquals(Optional.empty(), await(store.get("acme", "short")));
        assertEquals(Optional.empty(), await(store.get("acme", "counter")));
        assertEquals(Optional.of("2"), await(store.get("acme", "long")));
        assertEquals(List.of("long"), await(store.keys("acme", "")));
    }

    @Test
    void incrIsAtomic() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                all.add(pool.submit(() -> {
                    List<CompletableFuture<Long>> mine = new ArrayList<>();
                    for (int i = 0; i < 125; i++) {
                        mine.add(store.incr("acme", "calls", 1, null).toCompletableFuture());
                    }
                    mine.forEach(CompletableFuture::join);
                }));
            }
            for (Future<?> f : all) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(Optional.of("1000"), await(store.get("acme", "calls")));
        assertEquals(1010L, await(store.incr("acme", "calls", 10, null)));
        assertEquals(-5L, await(store.incr("acme", "fresh", -5, null)));
    }

    @Test
    void incrRefusesANonInteger() {
        await(store.set("acme", "name", "\"atlas\"", null));
        assertTrue(failure(store.incr("acme", "name", 1, null)).getMessage().contains("not an integer"));
    }

    @Test
    void incrReachesTheEndsOfALongExactlyAndRefusesToPassThem() {
        // exact at the top: a sum that passed through a double would come back as 9223372036854775807 + 1
        assertEquals(Long.MAX_VALUE - 1, await(store.incr("acme", "big", Long.MAX_VALUE - 1, null)));
        assertEquals(Long.MAX_VALUE, await(store.incr("acme", "big", 1, null)));
        Throwable up = failure(store.incr("acme", "big", 1, null));
        assertInstanceOf(ArithmeticException.class, up);
        assertEquals("incr: adding 1 to the value at 'big' would leave the range of a 64-bit integer "
                + "(-9223372036854775808 to 9223372036854775807); the value is unchanged", up.getMessage());
        assertEquals(Optional.of("9223372036854775807"), await(store.get("acme", "big")));

        assertEquals(Long.MIN_VALUE, await(store.incr("acme", "small", Long.MIN_VALUE, null)));
        Throwable down = failure(store.incr("acme", "small", -1, null));
        assertInstanceOf(ArithmeticException.class, down);
        assertEquals(Datastore.overflow("small", -1).getMessage(), down.getMessage());
        assertEquals(Optional.of("-9223372036854775808"), await(store.get("acme", "small")));
        assertEquals(-1L, await(store.incr("acme", "small", Long.MAX_VALUE, null)), "a sum back in range is fine");
    }

    @Test
    void incrRefusesAStoredNumberOutsideALong() {
        await(store.set("acme", "huge", "9223372036854775808", null));
        assertTrue(failure(store.incr("acme", "huge", -1, null)).getMessage().contains("not an integer"));
        await(store.set("acme", "float", "1.5", null));
        assertTrue(failure(store.incr("acme", "float", 1, null)).getMessage().contains("not an integer"));
        assertEquals(Optional.of("9223372036854775808"), await(store.get("acme", "huge")));
    }

    @Test
    void keysListsAPrefixInOrder() {
        for (String k : List.of("dnc:3", "dnc:1", "cli:9", "dnc:2")) {
            await(store.set("acme", k, "true", null));
        }
        assertEquals(List.of("dnc:1", "dnc:2", "dnc:3"), await(store.keys("acme", "dnc:")));
        assertTrue(await(store.delete("acme", "dnc:2")));
        assertEquals(List.of("dnc:1", "dnc:3"), await(store.keys("acme", "dnc:")));
    }

    @Test
    void tenantsAreKeptApart() {
        await(store.set("acme", "secret", "\"acme\"", null));
        assertEquals(Optional.empty(), await(store.get("globex", "secret")));
        assertEquals(List.of(), await(store.keys("globex", "")));
        assertFalse(await(store.delete("globex", "secret")));
        assertEquals(Optional.of("\"acme\""), await(store.get("acme", "secret")));
    }

    @Test
    void oversizedValuesAreRefused() {
        String big = "\"" + "x".repeat(maxValueBytes()) + "\"";
        Throwable e = failure(store.set("acme", "big", big, null));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
        assertEquals(Optional.empty(), await(store.get("acme", "big")));
    }
}
