package dev.forge.redis;

import dev.forge.Outcome;
import dev.forge.internal.Jitter;
import dev.forge.internal.Json;
import dev.forge.internal.TransportListeners;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.Transport;
import dev.forge.spi.TransportOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The durable {@link Transport} on Redis Streams, shared by any number of nodes.
 *
 * <p>Keys, all under the prefix: {@code <prefix>:invocations} (the stream, read by the consumer group
 * {@value #GROUP}), {@code <prefix>:dead} (dead letters), {@code <prefix>:idem:<key>} (a key's message
 * id), {@code <prefix>:result:<key>} (its first final outcome, or the dead letter's last one),
 * {@code <prefix>:last:<id>} (a message's last non-final outcome) and the channel
 * {@code <prefix>:results}, on which each result is published so {@link #request} completes without
 * polling. Keys and results are kept for {@link #DEFAULT_RESULT_TTL}.
 *
 * <p>Each {@link #consume} starts a node: one platform thread with its own connection reads new messages
 * ({@code XREADGROUP}, as many as it has free in-flight slots) and, every third of the visibility timeout,
 * takes over messages idle longer than the visibility timeout on any node ({@code XAUTOCLAIM}); the
 * delivery count is the attempt number. A final outcome acknowledges the message; a non-final one makes it
 * look idle so the next sweep of any node takes it; past the attempts it becomes a dead letter. Each step
 * is one Lua script, so a retry after a lost reply is harmless. Acknowledged messages are deleted from the
 * stream.
 *
 * <p>Connection loss: every command is retried with backoff for up to {@link #RETRY_FOR}; a consumer
 * loop keeps reconnecting with backoff (never spinning) until it is closed. {@link #close()} waits up to the
 * visibility timeout (at most 2 s) for handlers in hand to answer and their outcomes to be recorded. Blocking Redis calls run on
 * the transport's own platform threads: {@link #IO_THREADS} for commands, one per node, one for results.
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class RedisTransport implements Transport {

    /** The consumer group every node joins. */
    public static final String GROUP = "forge";
    /** How long idempotency keys, results and last outcomes are kept. */
    public static final Duration DEFAULT_RESULT_TTL = Duration.ofDays(1);
    /** How long a command is retried while Redis cannot be reached. */
    public static final Duration RETRY_FOR = Duration.ofSeconds(60);
    /** Threads running commands (submits, acknowledgements, listings). */
    public static final int IO_THREADS = 4;
    /** Dead letters kept (approximately). */
    public static final int MAX_DEAD_LETTERS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisTransport.class);

    final RedisEndpoint endpoint;
    final String prefix;
    final TransportOptions options;
    final String stream;
    final String deadStream;
    final String channel;
    private final JedisPooled redis;
    final ExecutorService io;
    final ExecutorService handlers;
    final ScheduledExecutorService timer;
    private final Map<String, List<CompletableFuture<Outcome>>> waiters = new ConcurrentHashMap<>();
    private final List<RedisTransportConsumer> consumers = new CopyOnWriteArrayList<>();
    final TransportListeners listeners = new TransportListeners();
    private RedisTransportResults results;
    private volatile boolean closed;
    private final Object inHandLock = new Object();
    private int inHand; // deliveries handed to a handler and not yet settled in Redis

    /**
     * @param endpoint where Redis is
     * @param prefix   the key prefix; transports with the same prefix share their messages
     * @param options  visibility timeout, attempts and in-flight bound
     */
    public RedisTransport(RedisEndpoint endpoint, String prefix, TransportOptions options) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.options = Objects.requireNonNull(options, "options");
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("prefix: required, e.g. \"forge\"");
        }
        this.prefix = prefix;
        this.stream = prefix + ":invocations";
        this.deadStream = prefix + ":dead";
        this.channel = prefix + ":results";
        this.redis = endpoint.connect();
        this.io = Executors.newFixedThreadPool(IO_THREADS, platform("forge-redis-transport-io"));
        this.handlers = Executors.newCachedThreadPool(platform("forge-redis-transport-handler"));
        this.timer = Executors.newSingleThreadScheduledExecutor(platform("forge-redis-transport-timer"));
    }

    @Override
    public CompletionStage<String> submit(InvocationMessage message) {
        Objects.requireNonNull(message, "message");
        return call("submit", r -> (String) r.eval(RedisTransportScripts.SUBMIT,
                List.of(idemKey(message.idempotencyKey()), stream),
                List.of(message.idempotencyKey(), message.scriptId(), message.dataJson(),
                        Long.toString(System.currentTimeMillis()), ttlSeconds())));
    }

    @Override
    public CompletionStage<Outcome> request(InvocationMessage message) {
        Objects.requireNonNull(message, "message");
        String key = message.idempotencyKey();
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        waiters.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(result);
        result.whenComplete((o, e) -> waiters.computeIfPresent(key, (k, list) -> {
            list.remove(result);
            return list.isEmpty() ? null : list;
        }));
        // subscribed first, so a result published after the submit is heard; then look for one recorded before
        results().subscribed()
                .thenCompose(v -> submit(message))
                .thenCompose(id -> checkResult(key))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    }
                });
        return result;
    }

    /** Completes the waiters for {@code key} if its result is recorded. */
    CompletionStage<Void> checkResult(String key) {
        return call("result", r -> r.get(resultKey(key))).thenAccept(json -> {
            if (json != null) {
                resultArrived(key, json);
            }
        });
    }

    /** After (re)subscribing: results published while no one listened are read instead. */
    void checkAllResults() {
        waiters.keySet().forEach(this::checkResult);
    }

    void resultArrived(String key, String outcomeJson) {
        List<CompletableFuture<Outcome>> list = waiters.get(key);
        if (list == null || list.isEmpty()) {
            return;
        }
        Outcome outcome = Json.readOutcome(outcomeJson);
        list.forEach(f -> f.complete(outcome));
    }

    private synchronized RedisTransportResults results() {
        if (closed) {
            throw new IllegalStateException("transport: closed; request before close()");
        }
        if (results == null) {
            results = new RedisTransportResults(this);
            results.start();
        }
        return results;
    }

    @Override
    public AutoCloseable consume(String node, Handler handler) {
        if (node == null || node.isBlank()) {
            throw new IllegalArgumentException("node: a name unique among the nodes is required");
        }
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("transport: closed; consume before close()");
        }
        RedisTransportConsumer c = new RedisTransportConsumer(this, node, handler);
        consumers.add(c);
        c.start();
        return () -> {
            consumers.remove(c);
            c.close();
        };
    }

    /**
     * {@inheritDoc} A delivery's lag is measured from the time in its stream entry id (the Redis server's clock
     * when it stored the message) to this node's clock.
     */
    @Override
    public AutoCloseable addListener(Listener listener) {
        return listeners.add(listener);
    }

    @Override
    public CompletionStage<List<DeadLetter>> deadLetters(int max) {
        if (max <= 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return call("dead letters", r -> r.xrange(deadStream, "-", "+", max)).thenApply(entries -> {
            List<DeadLetter> out = new ArrayList<>(entries.size());
            for (StreamEntry e : entries) {
                Map<String, String> f = e.getFields();
                String last = f.getOrDefault("lastOutcome", "");
                out.add(new DeadLetter(f.get("id"), message(f), Integer.parseInt(f.getOrDefault("attempts", "0")),
                        last.isEmpty() ? null : Json.readOutcome(last)));
            }
            return out;
        });
    }

    static InvocationMessage message(Map<String, String> fields) {
        return new InvocationMessage(fields.get("key"), fields.get("script"), fields.getOrDefault("data", "null"));
    }

    /**
     * Runs a command on an I/O thread, retrying with backoff while Redis cannot be reached, for up to
     * {@link #RETRY_FOR}.
     */
    <T> CompletableFuture<T> call(String what, Function<UnifiedJedis, T> command) {
        CompletableFuture<T> f = new CompletableFuture<>();
        attempt(what, command, f, System.nanoTime() + RETRY_FOR.toNanos(), 0);
        return f;
    }

    private <T> void attempt(String what, Function<UnifiedJedis, T> command, CompletableFuture<T> f, long giveUpAt, int n) {
        try {
            io.execute(() -> {
                try {
                    f.complete(command.apply(redis));
                } catch (JedisException e) {
                    if (!retryable(e)) {
                        f.completeExceptionally(e);
                        return;
                    }
                    if (closed || System.nanoTime() - giveUpAt > 0) {
                        f.completeExceptionally(new IllegalStateException("redis transport: " + what + " failed, "
                                + endpoint + " unreachable for " + RETRY_FOR.toSeconds() + " s: " + e.getMessage(), e));
                        return;
                    }
                    LOG.debug("redis transport: {} failed ({}); retrying", what, e.getMessage());
                    try {
                        timer.schedule(() -> attempt(what, command, f, giveUpAt, n + 1), backoffMillis(n),
                                TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException closing) {
                        f.completeExceptionally(closedError(what));
                    }
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException closing) {
            f.completeExceptionally(closedError(what));
        }
    }

    /** Whether a retry may succeed: the connection broke, or the server is starting or busy. */
    static boolean retryable(JedisException e) {
        if (e instanceof JedisConnectionException) {
            return true;
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        return e instanceof JedisDataException && (m.startsWith("LOADING") || m.startsWith("BUSY ")
                || m.startsWith("TRYAGAIN") || m.startsWith("MASTERDOWN"));
    }

    private static IllegalStateException closedError(String what) {
        return new IllegalStateException("redis transport: closed before " + what + " finished");
    }

    /**
     * The wait after {@code failures} failures in a row: 50 ms, doubling, at most 2 s, each drawn at random from
     * the upper half ({@link Jitter}), so the nodes cut off by one Redis restart do not return in step.
     */
    static long backoffMillis(int failures) {
        return Jitter.spread(Math.min(2_000L, 50L << Math.min(failures, 6)));
    }

    String idemKey(String key) {
        return prefix + ":idem:" + key;
    }

    String resultKey(String key) {
        return prefix + ":result:" + key;
    }

    String lastKey(String id) {
        return prefix + ":last:" + id;
    }

    String ttlSeconds() {
        return Long.toString(DEFAULT_RESULT_TTL.toSeconds());
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        RedisTransportResults r;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            r = results;
        }
        consumers.forEach(RedisTransportConsumer::close);
        consumers.forEach(RedisTransportConsumer::join);
        // outcomes that arrive now are still recorded; a handler that does not answer is left to its timeout
        awaitSettled(Math.min(options.visibilityTimeout().toMillis(), 2_000));
        if (r != null) {
            r.close();
        }
        waiters.values().forEach(list -> list.forEach(f -> f.completeExceptionally(closedError("the request"))));
        io.shutdown();
        try {
            io.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        io.shutdownNow();
        timer.shutdownNow();
        handlers.shutdownNow();
        redis.close();
    }

    void delivered() {
        synchronized (inHandLock) {
            inHand++;
        }
    }

    void settled() {
        synchronized (inHandLock) {
            inHand--;
            inHandLock.notifyAll();
        }
    }

    private void awaitSettled(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (inHandLock) {
            long left;
            while (inHand > 0 && (left = end - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(inHandLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RedisTransport[" + endpoint + ", prefix " + prefix + "]";
    }

    static ThreadFactory platform(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
