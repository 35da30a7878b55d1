package dev.forge.redis;

import dev.forge.testkit.TestRedisExtension;
import dev.forge.Forge;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.teleforge.AgentStatus;
import dev.forge.redis.teleforge.CampaignStatus;
import dev.forge.redis.teleforge.DiallerCdr;
import dev.forge.redis.teleforge.InboundCall;
import dev.forge.redis.teleforge.TeleforgeFormatException;
import dev.forge.redis.teleforge.TeleforgeKeys;
import dev.forge.redis.teleforge.TeleforgeListener;
import dev.forge.redis.teleforge.TeleforgeNotification;
import dev.forge.redis.teleforge.TeleforgeScripts;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisPooled;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The listener on a real Redis: FIFO lists, malformed payloads skipped, Pub/Sub (through Jedis's own JedisPubSub),
 * a competing consumer, both connections coming back after a restart.
 */
class TeleforgeListenerTest {

    static final String INBOUND_V3 = "{\"type\":\"call\",\"payload\":{\"number\":\"0821234567\",\"dial_number\":\"0215550100\","
            + "\"hold_time\":12,\"call_ref\":\"c-1\",\"contact_ref\":\"\",\"call_dir\":\"inbound\",\"ref\":\"1001\"}}";
    static final String INBOUND_V2 = "{\"type\":\"call\",\"payload\":{\"number\":\"0821234568\",\"dial_number\":\"0215550100\","
            + "\"hold_time\":\"7\",\"call_ref\":\"c-2\",\"contact_ref\":\"acct-9\",\"campaign_ref\":\"inbound\",\"ref\":\"1002\"}}";
    static final String MALFORMED = "{\"type\":\"call\",\"payload\":{\"number\":\"0821\"";
    static final String CDR = "{\"type\":\"cdr\",\"payload\":{\"extension\":\"1001\",\"call_ref\":\"c-1\",\"end_reason\":\"answered\","
            + "\"end_code\":\"200\",\"call_time\":61,\"call_dir\":\"outbound\",\"ref\":\"camp-1\"}}";
    static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();
    private RedisEndpoint endpoint;
    private JedisPooled jedis;

    @BeforeEach
    void emptyLists() {
        endpoint = RedisEndpoint.parse(REDIS.server().url());
        jedis = endpoint.connect();
        jedis.del(TeleforgeKeys.LISTS.toArray(String[]::new));
    }

    @AfterEach
    void closeClient() {
        jedis.close();
    }

    private static TeleforgeNotification next(BlockingQueue<TeleforgeNotification> received) throws InterruptedException {
        TeleforgeNotification n = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(n, "a notification within " + WAIT);
        return n;
    }

    @Test
    void listsArriveFirstInFirstOutAndMalformedOnesAreSkipped() throws Exception {
        jedis.lpush(TeleforgeKeys.INBOUND, INBOUND_V3);
        jedis.lpush(TeleforgeKeys.INBOUND, MALFORMED);
        jedis.lpush(TeleforgeKeys.INBOUND, INBOUND_V2);
        jedis.lpush(TeleforgeKeys.DIALLER_CDRS, CDR);
        BlockingQueue<TeleforgeNotification> received = new LinkedBlockingQueue<>();
        BlockingQueue<TeleforgeFormatException> skipped = new LinkedBlockingQueue<>();
        try (TeleforgeListener listener = TeleforgeListener.builder(endpoint).onMalformed(skipped::add).start(received::add)) {
            assertEquals(new InboundCall("0821234567", "0215550100", 12, "c-1", "", "inbound", "1001", Map.of()),
                    next(received));
            assertEquals(new InboundCall("0821234568", "0215550100", 7, "c-2", "acct-9", "inbound", "1002", Map.of()),
                    next(received));
            DiallerCdr cdr = assertInstanceOf(DiallerCdr.class, next(received));
            assertEquals("camp-1", cdr.ref());
            TeleforgeFormatException bad = skipped.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(bad);
            assertEquals(MALFORMED, bad.raw());
            assertTrue(bad.reason().startsWith("not valid JSON"), bad.reason());
            assertFalse(listener.competing());
        }
        assertEquals(0, jedis.llen(TeleforgeKeys.INBOUND));
    }

    @Test
    void channelsDeliverAgentAndCampaignStatus() throws Exception {
        BlockingQueue<TeleforgeNotification> received = new LinkedBlockingQueue<>();
        try (TeleforgeListener listener = TeleforgeListener.start(endpoint, received::add)) {
            assertTrue(listener.awaitReady(WAIT), "subscribed");
            jedis.publish("enigma:notifications:agents:1001",
                    "{\"type\":\"status\",\"payload\":{\"status\":\"available\",\"campaign_ref\":\"camp-1\",\"ref\":\"1001\"}}");
            jedis.publish("enigma:notifications:campaigns:camp-1",
                    "{\"type\":\"status\",\"payload\":{\"status\":\"completed\",\"ref\":\"camp-1\"}}");
            assertEquals(new AgentStatus(AgentStatus.State.AVAILABLE, "camp-1", "1001", Map.of()), next(received));
            assertEquals(new CampaignStatus(CampaignStatus.State.COMPLETED, "camp-1", Map.of()), next(received));
        }
    }

    @Test
    void aSecondListenerIsReportedAsCompeting() throws Exception {
        try (TeleforgeListener first = TeleforgeListener.start(endpoint, n -> { })) {
            assertTrue(first.awaitReady(WAIT));
            try (TeleforgeListener second = TeleforgeListener.start(endpoint, n -> { })) {
                assertTrue(second.awaitReady(WAIT));
                assertTrue(second.competing(), "the second listener saw " + first.clientName());
            }
        }
    }

    @Test
    void aScriptHandlesEachNotification() throws Exception {
        BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
        try (Forge forge = Forge.builder().build()) {
            String id = forge.load(Script.of("acme", "teleforge.js", ScriptKind.APP,
                    "async function main(n) { return n.key + ' ' + n.type + ' ' + n.payload.call_ref + ' ' + n.payload.call_dir; }")).id();
            try (TeleforgeListener listener = TeleforgeListener.builder(endpoint).patterns(List.of())
                    .start(TeleforgeScripts.invoker(forge, id, (n, o) -> outcomes.add(o)))) {
                jedis.lpush(TeleforgeKeys.INBOUND, INBOUND_V2);
                Outcome o = outcomes.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(o);
                assertEquals("\"enigma:notifications:inbound call c-2 inbound\"",
                        assertInstanceOf(Outcome.Ok.class, o, o.toJson()).dataJson());
            }
        }
    }

    @Test
    void theListenerReconnectsAfterRedisRestarts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(REDIS.server().managed(), "needs a Redis this test started");
        BlockingQueue<TeleforgeNotification> received = new LinkedBlockingQueue<>();
        List<TeleforgeNotification> none = new ArrayList<>();
        try (TeleforgeListener listener = TeleforgeListener.builder(endpoint).patterns(List.of()).start(received::add)) {
            assertTrue(listener.awaitReady(WAIT));
            REDIS.server().kill();
            REDIS.server().restart();
            try (JedisPooled fresh = endpoint.connect()) {
                fresh.lpush(TeleforgeKeys.INBOUND, INBOUND_V3);
            }
            assertEquals("c-1", assertInstanceOf(InboundCall.class, next(received)).callRef());
            assertEquals(none, new ArrayList<>(received));
        }
    }

    static final String AGENT_CHANNEL = "enigma:notifications:agents:1001";
    static final String AGENT_AVAILABLE =
            "{\"type\":\"status\",\"payload\":{\"status\":\"available\",\"campaign_ref\":\"camp-1\",\"ref\":\"1001\"}}";

    @Test
    void theSubscriptionComesBackAfterRedisRestarts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(REDIS.server().managed(), "needs a Redis this test started");
        BlockingQueue<TeleforgeNotification> received = new LinkedBlockingQueue<>();
        try (TeleforgeListener listener = TeleforgeListener.builder(endpoint).lists(List.of()).start(received::add)) {
            assertTrue(listener.awaitReady(WAIT));
            REDIS.server().kill();
            REDIS.server().restart();
            try (JedisPooled fresh = endpoint.connect()) {
                // PUBLISH answers how many subscribers got the message: none until the listener is subscribed again
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (fresh.publish(AGENT_CHANNEL, AGENT_AVAILABLE) == 0) {
                    assertTrue(System.nanoTime() - deadline < 0, "not subscribed again within " + WAIT);
                    assertNull(received.poll(20, TimeUnit.MILLISECONDS), "a message no subscriber got arrived");
                }
            }
            assertEquals(new AgentStatus(AgentStatus.State.AVAILABLE, "camp-1", "1001", Map.of()), next(received));
            assertEquals(List.of(), new ArrayList<>(received), "exactly the one message that reached a subscriber");
        }
    }

    @Test
    void closingFromTheConsumerEndsTheSubscriptionThread() throws Exception {
        Set<Thread> before = subscriberThreads();
        AtomicReference<TeleforgeListener> self = new AtomicReference<>();
        BlockingQueue<TeleforgeNotification> received = new LinkedBlockingQueue<>();
        TeleforgeListener listener = TeleforgeListener.builder(endpoint).lists(List.of()).start(n -> {
            received.add(n);
            self.get().close();
        });
        self.set(listener); // before anything is published, so before the consumer can run
        assertTrue(listener.awaitReady(WAIT));
        Set<Thread> mine = subscriberThreads();
        mine.removeAll(before);
        assertEquals(1, mine.size(), "this listener's subscriber thread: " + mine);
        assertEquals(1, jedis.publish(AGENT_CHANNEL, AGENT_AVAILABLE));
        assertNotNull(next(received));
        Thread subscriber = mine.iterator().next();
        subscriber.join(WAIT.toMillis());
        assertFalse(subscriber.isAlive(), "the subscription ended on its own thread");
        assertEquals(0, jedis.publish(AGENT_CHANNEL, AGENT_AVAILABLE), "no one is subscribed any more");
    }

    private static Set<Thread> subscriberThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("forge-teleforge-psubscribe"))
                .collect(Collectors.toSet());
    }
}
