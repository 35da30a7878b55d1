package dev.forge.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Forge;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.redis.teleforge.TeleforgeKeys;
import dev.forge.redis.teleforge.TeleforgeListener;
import dev.forge.redis.teleforge.TeleforgeScripts;
import dev.forge.testkit.DocExamples;
import dev.forge.testkit.TestRedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps site/redis.md honest, on a real Redis: its two Java examples run here as written there, and so does
 * site/testing.md's example of {@link TestRedisExtension}.
 */
class RedisDocTest {

    private static final DocExamples DOC = DocExamples.page("redis.md");

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();

    @Test
    void countsOnARealRedis() throws Exception {
        try (RedisDatastore store = new RedisDatastore(RedisEndpoint.parse(REDIS.server().url()), "test-" + UUID.randomUUID())) {
            assertEquals(1L, store.incr("acme", "calls", 1, null).toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void appsCountOnRedis() throws Exception {
        String redisUrl = REDIS.server().url();
        try (JedisPooled jedis = RedisEndpoint.parse(redisUrl).connect()) {
            jedis.del("forge:{acme}:calls");
        }

        try (RedisDatastore store = new RedisDatastore(RedisEndpoint.parse(redisUrl), "forge");
             Forge forge = Forge.builder().datastore(store).build()) {
            forge.load(Script.of("acme", "count", ScriptKind.APP,
                    "async function main(data) { data.calls = await datastore.incr('calls'); return data; }"));
            Outcome first = forge.invoke("acme/count", "{}");     // {"calls":1}
            Outcome second = forge.invoke("acme/count", "{}");    // {"calls":2}, whichever node runs it
        }

        try (JedisPooled jedis = RedisEndpoint.parse(redisUrl).connect()) {
            assertEquals("2", jedis.get("forge:{acme}:calls"), "both calls counted on Redis, in the key layout redis.md gives");
        }
        DOC.assertMentions("`<prefix>:{<tenant>}:k`");
    }

    @Test
    @Timeout(60)  // the example waits without a limit, as a host would
    void aScriptForEachTeleforgeNotification() throws Exception {
        String teleforgeRedis = REDIS.server().url();
        try (JedisPooled jedis = RedisEndpoint.parse(teleforgeRedis).connect()) {
            jedis.del(TeleforgeKeys.LISTS.toArray(String[]::new));
            jedis.lpush(TeleforgeKeys.INBOUND, TeleforgeListenerTest.INBOUND_V3);   // as the PBX pushes it
        }
        CountDownLatch shutdown = new CountDownLatch(1);   // here: the first script has run
        try (Forge forge = Forge.builder().listener(event -> shutdown.countDown()).build()) {
            forge.load(Script.of("acme", "teleforge.js", ScriptKind.APP,
                    "async function main(n) { await datastore.set('last', n); return n; }"));

            try (TeleforgeListener listener = TeleforgeListener.start(RedisEndpoint.parse(teleforgeRedis),
                    TeleforgeScripts.invoker(forge, "acme/teleforge.js"))) {
                shutdown.await();   // until the host stops
            }

            Optional<String> last = forge.datastore().get("acme", "last").toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(last.isPresent(), "the script saw the notification");
            JsonNode n = dev.forge.internal.Json.parse("last", last.get());
            assertEquals(TeleforgeKeys.INBOUND, n.get("key").asText());
            assertEquals("call", n.get("type").asText());
            assertEquals("0821234567", n.at("/payload/number").asText());
        }
    }

    @Test
    void everyJavaExampleRuns() {
        DOC.assertEveryJavaExampleIsIn(RedisDocTest.class, 2);
    }
}
