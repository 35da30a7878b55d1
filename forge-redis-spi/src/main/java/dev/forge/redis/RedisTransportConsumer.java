package dev.forge.redis;

import dev.forge.Outcome;
import dev.forge.internal.Json;
import dev.forge.internal.TransportOutcomes;
import dev.forge.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One node of a {@link RedisTransport}: a platform thread with its own connection that takes messages
 * when it has free in-flight slots, new ones by {@code XREADGROUP} and stale ones from any node by
 * {@code XAUTOCLAIM}, runs the handler, and settles each delivery by its outcome.
 */
final class RedisTransportConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTransportConsumer.class);

    private final RedisTransport transport;
    private final String node;
    private final Transport.Handler handler;
    private final Semaphore slots;
    private final long visibilityMillis;
    private final long sweepMillis;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private Jedis jedis;

    RedisTransportConsumer(RedisTransport transport, String node, Transport.Handler handler) {
        this.transport = transport;
        this.node = node;
        this.handler = handler;
        this.slots = new Semaphore(transport.options.maxInFlight());
        this.visibilityMillis = transport.options.visibilityTimeout().toMillis();
        this.sweepMillis = Math.max(20, Math.min(1_000, visibilityMillis / 3));
        this.thread = RedisTransport.platform("forge-redis-transport-" + node).newThread(this::loop);
    }

    void start() {
        thread.start();
    }

    private boolean stopped() {
        return stop.getCount() == 0 || transport.closed();
    }

    private void loop() {
        int failures = 0;
        long nextSweep = System.nanoTime();
        boolean groupReady = false;
        while (!stopped()) {
            int free = 0;
            try {
                if (!slots.tryAcquire(sweepMillis, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                free = 1 + slots.drainPermits();
                if (jedis == null) {
                    jedis = new Jedis(new HostAndPort(transport.endpoint.host(), transport.endpoint.port()),
                            transport.endpoint.clientConfig());
                }
                if (!groupReady) {
                    createGroup();
                    groupReady = true;
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    free -= sweep(free);
                    nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sweepMillis);
                }
                if (free > 0) {
                    long block = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime()));
                    free -= readNew(free, (int) block);
                }
                failures = 0;
            } catch (InterruptedException e) {
                return;
            } catch (JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
                    groupReady = false;
                } else if (RedisTransport.retryable(e)) {
                    LOG.debug("redis transport: node {} waits for {} ({})", node, transport.endpoint, e.getMessage());
                    failures = backoff(failures);
                } else {
                    LOG.warn("redis transport: node {} got an error from {}: {}", node, transport.endpoint, e.getMessage());
                    failures = backoff(failures);
                }
            } catch (JedisException e) {
                LOG.debug("redis transport: node {} lost {} ({}); reconnecting", node, transport.endpoint, e.getMessage());
                disconnect();
                failures = backoff(failures);
            } catch (RuntimeException e) {
                LOG.warn("redis transport: node {} failed; retrying", node, e);
                failures = backoff(failures);
            } finally {
                if (free > 0) {
                    slots.release(free);
                }
            }
        }
        disconnect();
    }

    private int backoff(int failures) {
        try {
            stop.await(RedisTransport.backoffMillis(failures), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return failures + 1;
    }

    private void createGroup() {
        try {
            jedis.xgroupCreate(transport.stream, RedisTransport.GROUP, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** Takes over messages idle past the visibility timeout; returns how many slots it used. */
    private int sweep(int free) {
        Map.Entry<StreamEntryID, List<StreamEntry>> claimed = jedis.xautoclaim(transport.stream, RedisTransport.GROUP,
                node, visibilityMillis, new StreamEntryID(0, 0), XAutoClaimParams.xAutoClaimParams().count(free));
        int used = 0;
        for (StreamEntry e : claimed.getValue()) {
            if (e == null || e.getFields() == null) {
                continue; // deleted meanwhile
            }
            List<StreamPendingEntry> p = jedis.xpending(transport.stream, RedisTransport.GROUP,
                    new XPendingParams(e.getID(), e.getID(), 1));
            int count = p.isEmpty() ? 1 : (int) p.get(0).getDeliveredTimes();
            if (count > transport.options.maxAttempts()) {
                Transport.DeadLetter letter = deadLetter(e, count, count - 1, null);
                if (letter != null) {
                    transport.listeners.deadLettered(letter);
                }
            } else if (deliver(e, count)) {
                used++;
            }
        }
        return used;
    }

    /** Reads new messages, blocking up to {@code blockMillis}; returns how many slots it used. */
    private int readNew(int free, int blockMillis) {
        List<Map.Entry<String, List<StreamEntry>>> read = jedis.xreadGroup(RedisTransport.GROUP, node,
                XReadGroupParams.xReadGroupParams().count(free).block(blockMillis),
                Map.of(transport.stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        int used = 0;
        if (read != null) {
            for (Map.Entry<String, List<StreamEntry>> s : read) {
                for (StreamEntry e : s.getValue()) {
                    if (deliver(e, 1)) {
                        used++;
                    }
                }
            }
        }
        return used;
    }

    /** Hands one message to the handler; false if this node is closing (the message waits for its timeout). */
    private boolean deliver(StreamEntry e, int attempt) {
        if (stopped()) {
            return false;
        }
        String id = e.getID().toString();
        Transport.Delivery d = new Transport.Delivery(id, RedisTransport.message(e.getFields()), attempt);
        transport.listeners.delivered(d, TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - e.getID().getTime()));
        transport.delivered();
        try {
            transport.handlers.execute(() -> TransportOutcomes.handle(handler, d, o -> answered(e, attempt, o)));
            return true;
        } catch (RejectedExecutionException closing) {
            transport.settled();
            return false;
        }
    }

    private void answered(StreamEntry e, int attempt, Outcome outcome) {
        slots.release();
        String id = e.getID().toString();
        String key = e.getFields().get("key");
        String json = Json.outcome(outcome);
        if (TransportOutcomes.isFinal(outcome)) {
            transport.call("acknowledge " + id, r -> r.eval(RedisTransportScripts.FINISH,
                    List.of(transport.resultKey(key), transport.stream, transport.lastKey(id)),
                    List.of(RedisTransport.GROUP, id, json, transport.ttlSeconds(), transport.channel, key)))
                    .whenComplete((v, err) -> settled(id, err));
        } else if (attempt >= transport.options.maxAttempts()) {
            transport.call("dead-letter " + id, r -> deadLetter(r, e, attempt, attempt, json))
                    .whenComplete((letter, err) -> {
                        settled(id, err);
                        if (letter != null) {
                            transport.listeners.deadLettered(letter);
                        }
                    });
        } else {
            transport.call("retry " + id, r -> r.eval(RedisTransportScripts.RETRY,
                    List.of(transport.lastKey(id), transport.stream),
                    List.of(RedisTransport.GROUP, id, node, Integer.toString(attempt), json, transport.ttlSeconds(),
                            Long.toString(visibilityMillis))))
                    .whenComplete((v, err) -> settled(id, err));
        }
    }

    private void settled(String id, Throwable err) {
        transport.settled();
        if (err != null) {
            LOG.warn("redis transport: node {} could not record the outcome of {}; it will be delivered again: {}", node, id,
                    err.getMessage());
        }
    }

    private Transport.DeadLetter deadLetter(StreamEntry e, int deliveryCount, int attempts, String lastOutcome) {
        return deadLetter(jedis, e, deliveryCount, attempts, lastOutcome);
    }

    /**
     * Moves the message to the dead letters if this delivery is still the current one.
     *
     * @return the dead letter, with the last outcome Redis kept, or null if another delivery decides
     */
    private Transport.DeadLetter deadLetter(redis.clients.jedis.commands.ScriptingKeyCommands r, StreamEntry e,
                                            int deliveryCount, int attempts, String lastOutcome) {
        String id = e.getID().toString();
        Map<String, String> f = e.getFields();
        String key = f.get("key");
        long micros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()
                - Long.parseLong(f.getOrDefault("submittedAt", Long.toString(System.currentTimeMillis()))));
        Object kept = r.eval(RedisTransportScripts.DEAD,
                List.of(transport.resultKey(key), transport.stream, transport.lastKey(id), transport.deadStream),
                List.of(RedisTransport.GROUP, id, node, Integer.toString(deliveryCount), key, f.get("script"),
                        f.getOrDefault("data", "null"), f.getOrDefault("submittedAt", "0"), Integer.toString(attempts),
                        lastOutcome == null ? "" : lastOutcome, Json.outcome(TransportOutcomes.noAnswer(Math.max(0, micros))),
                        transport.ttlSeconds(), transport.channel, Integer.toString(RedisTransport.MAX_DEAD_LETTERS)));
        if (!(kept instanceof String last)) {
            return null;
        }
        LOG.debug("redis transport: {} dead-lettered after {} attempts", id, attempts);
        return new Transport.DeadLetter(id, RedisTransport.message(f), attempts, last.isEmpty() ? null : Json.readOutcome(last));
    }

    private void disconnect() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                // already broken
            }
            jedis = null;
        }
    }

    void close() {
        stop.countDown();
    }

    void join() {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
