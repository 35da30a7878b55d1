package dev.forge.redis;

import dev.forge.testkit.TestRedisExtension;
import dev.forge.testkit.DatastoreContract;
import dev.forge.Forge;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.redis.RedisDatastore;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.RedisUnavailableException;
import dev.forge.spi.Datastore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Redis datastore passes the contract on a real Redis, plus what only Redis can show. */
class RedisDatastoreTest extends DatastoreContract {

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();
    private final List<RedisDatastore> opened = new ArrayList<>();



    @AfterEach
    void closeStores() {
        opened.forEach(RedisDatastore::close);
    }

    private RedisDatastore open(String prefix) {
        RedisDatastore store = new RedisDatastore(RedisEndpoint.parse(REDIS.server().url()), prefix);
        opened.add(store);
        return store;
    }

    @Override
    protected Datastore newDatastore() {
        return open("test-" + UUID.randomUUID());
    }

    @Override
    protected int maxValueBytes() {
        return RedisDatastore.DEFAULT_MAX_VALUE_BYTES;
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void keysLiveUnderTheTenantsHashTag() throws Exception {
        String prefix = "layout-" + UUID.randomUUID();
        RedisDatastore store = open(prefix);
        await(store.set("acme", "route:1", "1", null));
        try (JedisPooled jedis = RedisEndpoint.parse(REDIS.server().url()).connect()) {
            assertEquals("1", jedis.get(prefix + ":{acme}:route:1"));
        }
        assertEquals(prefix + ":{acme}:x", store.redisKey("acme", "x"));
    }

    @Test
    void globCharactersInAPrefixMatchOnlyThemselves() throws Exception {
        RedisDatastore store = open("glob-" + UUID.randomUUID());
        for (String k : List.of("a*1", "ab1", "a?2", "a[b]3", "ab3")) {
            await(store.set("acme", k, "0", null));
        }
        assertEquals(List.of("a*1"), await(store.keys("acme", "a*")));
        assertEquals(List.of("a?2"), await(store.keys("acme", "a?")));
        assertEquals(List.of("a[b]3"), await(store.keys("acme", "a[b]")));
        assertEquals(List.of("a*1", "a?2", "a[b]3", "ab1", "ab3"), await(store.keys("acme", "a")));
    }

    @Test
    void incrWithoutTtlKeepsAnExistingExpiry() throws Exception {
        String prefix = "ttl-" + UUID.randomUUID();
        RedisDatastore store = open(prefix);
        await(store.incr("acme", "n", 1, Duration.ofSeconds(100)));
        assertEquals(2L, await(store.incr("acme", "n", 1, null)));
        try (JedisPooled jedis = RedisEndpoint.parse(REDIS.server().url()).connect()) {
            long ttl = jedis.pttl(prefix + ":{acme}:n");
            assertTrue(ttl > 0 && ttl <= 100_000, "expiry kept: " + ttl);
        }
    }

    @Test
    void tenantsWithBracesAreRefused() {
        RedisDatastore store = open("t-" + UUID.randomUUID());
        CompletionException e = assertThrows(CompletionException.class,
                () -> store.get("a}b", "k").toCompletableFuture().join());
        assertTrue(e.getCause().getMessage().contains("tenant: must be non-empty and without '{' or '}'"), e.getMessage());
    }

    @Test
    void anAppCountsOnRedis() throws Exception {
        String prefix = "app-" + UUID.randomUUID();
        RedisDatastore store = open(prefix);
        try (Forge forge = Forge.builder().datastore(store).build()) {
            String id = forge.load(Script.of("acme", "count.js", ScriptKind.APP,
                    "async function main(d) { return {n: await datastore.incr('n')}; }")).id();
            assertEquals("{\"n\":1}", ok(forge.invoke(id, "{}")));
            assertEquals("{\"n\":2}", ok(forge.invoke(id, "{}")));
        }
        assertEquals(Optional.of("2"), await(store.get("acme", "n")));
    }

    private static String ok(Outcome o) {
        return assertInstanceOf(Outcome.Ok.class, o, o.toJson()).dataJson();
    }

    @Test
    void valuesSurviveARestartAndAnOutageFailsWithTheEndpoint() throws Exception {
        Assumptions.assumeTrue(REDIS.server().managed(), "needs a Redis this test started");
        RedisDatastore store = open("restart-" + UUID.randomUUID());
        await(store.set("acme", "kept", "{\"a\":1}", null));
        REDIS.server().restart();
        assertEquals(Optional.of("{\"a\":1}"), await(store.get("acme", "kept")));

        REDIS.server().stop();
        try {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> store.get("acme", "kept").toCompletableFuture().join());
            RedisUnavailableException down = assertInstanceOf(RedisUnavailableException.class, e.getCause());
            assertTrue(down.getMessage().contains("get 'kept' failed: the server at redis://127.0.0.1:"), down.getMessage());
        } finally {
            REDIS.server().restart();
        }
        assertEquals(Optional.of("{\"a\":1}"), await(store.get("acme", "kept")));
    }
}
