package dev.forge.redis.teleforge;

import dev.forge.internal.Jitter;
import dev.forge.redis.RedisEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.KeyValue;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Receives Teleforge's notifications from Redis and hands each decoded one to a {@link Consumer}.
 *
 * <pre>{@code
 * try (TeleforgeListener listener = TeleforgeListener.builder(RedisEndpoint.parse("pbx.example:6379/0"))
 *         .start(n -> { if (n instanceof InboundCall call) screenPop(call); })) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Two platform threads: one pops the lists ({@link TeleforgeKeys#LISTS}) with {@code BRPOP}, which is
 * first in, first out because the PBX pushes on the left; the other {@code PSUBSCRIBE}s to
 * {@link TeleforgeKeys#PATTERNS}. A payload that does not decode is logged at WARN with its raw text and
 * skipped; a consumer that throws is logged and the next notification still comes. When Redis goes away both
 * threads reconnect with a doubling backoff ({@link #DEFAULT_MIN_BACKOFF} to {@link #DEFAULT_MAX_BACKOFF}), each
 * wait drawn at random from the upper half of the current step.
 *
 * <h2>Only one consumer per list</h2>
 * Teleforge supports a single integrator per list: a popped notification is gone, so two listeners on the same
 * Redis each see only part of the calls. Run one listener per PBX. To catch mistakes, each listener names its
 * BRPOP connection {@code forge-teleforge-<uuid>} and, on every connect and every 30 seconds, looks in
 * {@code CLIENT LIST} for another such client: if there is one, it logs a WARN and {@link #competing()} turns
 * true. (Pub/Sub has no such limit: every subscriber gets every message.)
 *
 * <p>Delivery: a list notification is popped before it is handed over, so one that the consumer fails on, or
 * that is in flight when the listener closes, is not seen again (at most once).
 *
 * <p>Thread-safety: thread-safe. The consumer is called from the listener's two threads, one notification at a
 * time per thread; list notifications arrive in order. {@link #close()} may be called from any thread,
 * including from inside the consumer, and is idempotent.
 *
 * @since 0.1.0
 */
public final class TeleforgeListener implements AutoCloseable {

    public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    /** The prefix of the client name on each listener's BRPOP connection. */
    public static final String CLIENT_NAME_PREFIX = "forge-teleforge-";

    private static final Logger log = LoggerFactory.getLogger(TeleforgeListener.class);
    private static final double POP_TIMEOUT_SECONDS = 1.0;
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int RAW_LOG_LIMIT = 4000;

    private final RedisEndpoint endpoint;
    private final Consumer<TeleforgeNotification> consumer;
    private final Consumer<TeleforgeFormatException> onMalformed;
    private final List<String> lists;
    private final List<String> patterns;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final String clientName = CLIENT_NAME_PREFIX + UUID.randomUUID();
    private final CountDownLatch popReady;
    private final CountDownLatch subReady;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread popper;
    private final Thread subscriber;
    private volatile boolean closed;
    private volatile boolean competing;
    private volatile Jedis popConnection;
    private volatile Jedis subConnection;

    private TeleforgeListener(Builder b, Consumer<TeleforgeNotification> consumer) {
        this.endpoint = b.endpoint;
        this.consumer = consumer;
        this.onMalformed = b.onMalformed;
        this.lists = b.lists;
        this.patterns = b.patterns;
        this.minBackoff = b.minBackoff;
        this.maxBackoff = b.maxBackoff;
        this.popReady = new CountDownLatch(lists.isEmpty() ? 0 : 1);
        this.subReady = new CountDownLatch(patterns.isEmpty() ? 0 : 1);
        this.popper = lists.isEmpty() ? null : daemon(this::popLoop, "forge-teleforge-brpop");
        this.subscriber = patterns.isEmpty() ? null : daemon(this::subscribeLoop, "forge-teleforge-psubscribe");
    }

    private static Thread daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts configuring a listener on {@code endpoint}. */
    public static Builder builder(RedisEndpoint endpoint) {
        return new Builder(endpoint);
    }

    /** A listener on every Teleforge list and channel, started. */
    public static TeleforgeListener start(RedisEndpoint endpoint, Consumer<TeleforgeNotification> consumer) {
        return builder(endpoint).start(consumer);
    }

    /**
     * Waits until both connections are up (the lists' client named and checked, the patterns subscribed).
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        return popReady.await(timeout.toNanos(), TimeUnit.NANOSECONDS)
                && subReady.await(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** True once another {@code forge-teleforge-*} client was seen on the same Redis (see the class comment). */
    public boolean competing() {
        return competing;
    }

    /** This listener's client name on its BRPOP connection. */
    public String clientName() {
        return clientName;
    }

    private void popLoop() {
        Backoff backoff = new Backoff("BRPOP " + String.join(", ", lists));
        String[] keys = lists.toArray(String[]::new);
        while (!closed) {
            try (Jedis jedis = new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), endpoint.clientConfig())) {
                popConnection = jedis;
                if (closed) {
                    return;
                }
                jedis.clientSetname(clientName);
                checkCompetitors(jedis);
                backoff.connected();
                popReady.countDown();
                long nextCheck = System.nanoTime() + RECHECK_NANOS;
                while (!closed) {
                    KeyValue<String, String> popped = jedis.brpop(POP_TIMEOUT_SECONDS, keys);
                    if (popped != null) {
                        deliver(popped.getKey(), popped.getValue());
                    }
                    if (System.nanoTime() - nextCheck > 0) {
                        checkCompetitors(jedis);
                        nextCheck = System.nanoTime() + RECHECK_NANOS;
                    }
                }
            } catch (JedisException e) {
                if (!closed) {
                    backoff.failed(e);
                }
            } finally {
                popConnection = null;
            }
        }
    }

    /**
     * One subscription per connection, through Jedis's own pub/sub; {@code psubscribe} returns when the patterns
     * are unsubscribed (a close from the consumer's own thread) and throws when the connection is lost or closed.
     */
    private void subscribeLoop() {
        Backoff backoff = new Backoff("PSUBSCRIBE " + String.join(", ", patterns));
        while (!closed) {
            try (Jedis jedis = new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), endpoint.clientConfig())) {
                jedis.ping(); // connects (and authenticates) with the normal timeouts; subscribed, no read timeout
                subConnection = jedis;
                if (closed) {
                    return;
                }
                jedis.psubscribe(new Subscription(backoff), patterns.toArray(String[]::new));
            } catch (JedisException e) {
                if (!closed) {
                    backoff.failed(e);
                }
            } finally {
                subConnection = null;
            }
        }
    }

    /** Jedis calls it on the subscriber thread for each confirmation and each message. */
    private final class Subscription extends JedisPubSub {
        private final Backoff backoff;
        private int confirmed;

        Subscription(Backoff backoff) {
            this.backoff = backoff;
        }

        @Override
        public void onPSubscribe(String pattern, int subscribedChannels) {
            if (++confirmed == patterns.size()) {
                backoff.connected();
                subReady.countDown();
            }
        }

        @Override
        public void onPMessage(String pattern, String channel, String message) {
            deliver(channel, message);
            if (closed) {
                punsubscribe(); // closed from inside the consumer: end the subscription on this thread
            }
        }
    }

    private void checkCompetitors(Jedis jedis) {
        for (String client : jedis.clientList().split("\n")) {
            String name = field(client, "name");
            if (name != null && name.startsWith(CLIENT_NAME_PREFIX) && !name.equals(clientName)) {
                if (!competing) {
                    log.warn("teleforge: another consumer ({} at {}) pops the same lists on {}; each notification "
                                    + "reaches only one of them. Teleforge supports one integrator per list: stop the other one",
                            name, field(client, "addr"), endpoint);
                }
                competing = true;
                return;
            }
        }
    }

    private static String field(String clientLine, String name) {
        for (String part : clientLine.trim().split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }

    private void deliver(String key, String raw) {
        TeleforgeNotification n;
        try {
            n = TeleforgeCodec.decode(key, raw);
        } catch (TeleforgeFormatException e) {
            log.warn("teleforge: skipped a malformed notification on {}: {}; raw: {}", key, e.reason(),
                    raw == null || raw.length() <= RAW_LOG_LIMIT ? raw : raw.substring(0, RAW_LOG_LIMIT) + "...");
            try {
                onMalformed.accept(e);
            } catch (RuntimeException hook) {
                log.warn("teleforge: the malformed-notification hook failed", hook);
            }
            return;
        }
        try {
            consumer.accept(n);
        } catch (RuntimeException e) {
            log.warn("teleforge: the consumer failed on a {} notification from {}; it is dropped", n.type(), key, e);
        }
    }

    /** Stops both threads and closes their connections. Idempotent; safe from the consumer's own thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing.countDown();
        // Closing the sockets wakes a waiting BRPOP or subscription read; the loops see `closed` and end.
        Jedis popping = popConnection;
        if (popping != null && Thread.currentThread() != popper) {
            disconnect(popping::disconnect);
        }
        Jedis subscribed = subConnection;
        if (subscribed != null && Thread.currentThread() != subscriber) {
            disconnect(subscribed::disconnect);
        }
        for (Thread t : new Thread[] {popper, subscriber}) {
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void disconnect(Runnable disconnect) {
        try {
            disconnect.run();
        } catch (RuntimeException e) {
            log.debug("teleforge: disconnect on close failed: {}", e.toString());
        }
    }

    private TeleforgeListener startThreads() {
        if (popper != null) {
            popper.start();
        }
        if (subscriber != null) {
            subscriber.start();
        }
        return this;
    }

    /**
     * Reconnect pacing for one thread: logs the first failure of an outage at WARN, then waits, doubling, each wait
     * jittered ({@link Jitter}).
     */
    private final class Backoff {
        private final String what;
        private long nanos = minBackoff.toNanos();
        private boolean down;

        Backoff(String what) {
            this.what = what;
        }

        void connected() {
            if (down) {
                log.info("teleforge: {} is back on {}", what, endpoint);
            }
            down = false;
            nanos = minBackoff.toNanos();
        }

        void failed(JedisException e) {
            if (!down) {
                log.warn("teleforge: {} on {} failed ({}); reconnecting with backoff up to {} ms", what, endpoint,
                        e.getMessage(), maxBackoff.toMillis());
            } else {
                log.debug("teleforge: {} still failing: {}", what, e.getMessage());
            }
            down = true;
            try {
                closing.await(Jitter.spread(nanos), TimeUnit.NANOSECONDS); // close() ends the wait at once
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                closed = true;
            }
            nanos = Math.min(nanos * 2, maxBackoff.toNanos());
        }
    }

    /**
     * Settings for a {@link TeleforgeListener}: which lists and patterns, the backoff, and a hook for
     * malformed notifications.
     *
     * <p>Thread-safety: not thread-safe; configure on one thread.
     */
    public static final class Builder {
        private final RedisEndpoint endpoint;
        private List<String> lists = TeleforgeKeys.LISTS;
        private List<String> patterns = TeleforgeKeys.PATTERNS;
        private Duration minBackoff = DEFAULT_MIN_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Consumer<TeleforgeFormatException> onMalformed = e -> { };

        private Builder(RedisEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /** The lists to pop, in priority order; empty for none. Default {@link TeleforgeKeys#LISTS}. */
        public Builder lists(List<String> value) {
            this.lists = List.copyOf(Objects.requireNonNull(value, "lists"));
            return this;
        }

        /** The channel patterns; empty for none. Default {@link TeleforgeKeys#PATTERNS}. */
        public Builder patterns(List<String> value) {
            this.patterns = List.copyOf(Objects.requireNonNull(value, "patterns"));
            return this;
        }

        /** The first and the longest wait before reconnecting. */
        public Builder backoff(Duration min, Duration max) {
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("backoff: need 0 < min <= max, got min " + min + ", max " + max);
            }
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /** Called (on the listener's thread) for each notification that is skipped because it does not decode. */
        public Builder onMalformed(Consumer<TeleforgeFormatException> value) {
            this.onMalformed = Objects.requireNonNull(value, "onMalformed");
            return this;
        }

        /** Starts the listener's threads; they deliver to {@code consumer}. */
        public TeleforgeListener start(Consumer<TeleforgeNotification> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            if (lists.isEmpty() && patterns.isEmpty()) {
                throw new IllegalArgumentException("lists, patterns: both empty; the listener would receive nothing");
            }
            return new TeleforgeListener(this, consumer).startThreads();
        }
    }
}
