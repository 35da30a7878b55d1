package dev.forge.redis;

import dev.forge.spi.Datastore;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The {@link Datastore} on Redis, for Forge nodes that share their scripts' data.
 *
 * <pre>{@code
 * try (RedisDatastore store = new RedisDatastore(RedisEndpoint.parse("redis://10.0.0.5:6379/0"), "forge");
 *      Forge forge = Forge.builder().datastore(store).build()) {
 *     ...
 * }
 * }</pre>
 *
 * <h2>Key layout</h2>
 * A tenant's key {@code k} is stored at {@code <prefix>:{<tenant>}:k}. The braces are a Redis Cluster hash
 * tag: all of a tenant's keys hash to one slot, so they stay together on one node. Tenants may therefore not
 * contain {@code {}} or {@code }}. Values are the JSON text as a Redis string; a TTL is set with
 * {@code SET ... PX}. {@link #keys} walks the tenant's keys with {@code SCAN MATCH} (the prefix's glob
 * characters escaped) on the node this client talks to.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@code incr} runs {@code INCRBY}, then {@code PEXPIRE} only when a TTL is given, in one Lua script, so
 *       it is atomic; without a TTL an existing expiry is kept. A value that is not an integer fails with
 *       Redis's own complaint, as "not an integer"; a sum past the range of a long fails as
 *       {@link Datastore#overflow} says (Redis refuses it and keeps the value).</li>
 *   <li>A value larger than {@code maxValueBytes} (key plus JSON, UTF-8) is refused with a message naming the
 *       limit, before anything is sent.</li>
 *   <li>Every operation runs on a small bounded pool of platform threads this object owns, never on the
 *       caller's thread. When the queue is full, the operation fails at once (back-pressure).</li>
 *   <li>{@link JedisPooled} reconnects on each call. {@code get}, {@code set}, {@code delete} and {@code keys}
 *       are idempotent and are sent once more when a pooled connection turns out to be broken (as after a
 *       server restart); {@code incr} is never sent twice. A call that cannot reach Redis fails its
 *       {@link CompletionStage} with a {@link RedisUnavailableException} naming the endpoint.</li>
 * </ul>
 *
 * <p>Thread-safety: thread-safe. {@link #close()} stops the pool and closes the client if this object made
 * it; a {@link JedisPooled} passed in stays open (the host owns it).
 *
 * @since 0.1.0
 */
public final class RedisDatastore implements Datastore, AutoCloseable {

    /** The largest value accepted by default, as for {@link dev.forge.InMemoryDatastore}. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 256 * 1024;
    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "forge";
    /** Threads that talk to Redis. */
    public static final int DEFAULT_THREADS = 4;
    /** Operations that may wait for a thread before new ones are refused. */
    public static final int DEFAULT_QUEUE = 10_000;

    // The sum comes back as GET's text: INCRBY's integer would pass through a Lua number (a double) and
    // lose its low digits past 2^53.
    private static final String INCR_SCRIPT = """
            redis.call('INCRBY', KEYS[1], ARGV[1])
            if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return redis.call('GET', KEYS[1])""";
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final JedisPooled jedis;
    private final boolean ownsClient;
    private final String endpoint;
    private final String prefix;
    private final int maxValueBytes;
    private final ThreadPoolExecutor executor;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Connects to {@code endpoint} with keys under {@code prefix} and the default value limit. */
    public RedisDatastore(RedisEndpoint endpoint, String prefix) {
        this(endpoint, prefix, DEFAULT_MAX_VALUE_BYTES);
    }

    /** Connects to {@code endpoint}; values over {@code maxValueBytes} are refused. */
    public RedisDatastore(RedisEndpoint endpoint, String prefix, int maxValueBytes) {
        this(Objects.requireNonNull(endpoint, "endpoint").connect(), true, endpoint.toString(), prefix, maxValueBytes);
    }

    /** Uses the host's client (never closed by this object) with keys under {@code prefix}. */
    public RedisDatastore(JedisPooled jedis, String prefix) {
        this(jedis, prefix, DEFAULT_MAX_VALUE_BYTES);
    }

    /** Uses the host's client (never closed by this object); values over {@code maxValueBytes} are refused. */
    public RedisDatastore(JedisPooled jedis, String prefix, int maxValueBytes) {
        this(Objects.requireNonNull(jedis, "jedis"), false, "the Redis of the JedisPooled passed in", prefix,
                maxValueBytes);
    }

    private RedisDatastore(JedisPooled jedis, boolean ownsClient, String endpoint, String prefix, int maxValueBytes) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            closeQuietly(jedis, ownsClient);
            throw new IllegalArgumentException("prefix: must be non-empty and without '{' or '}', got '" + prefix + "'");
        }
        if (maxValueBytes <= 0) {
            closeQuietly(jedis, ownsClient);
            throw new IllegalArgumentException("maxValueBytes: must be positive, got " + maxValueBytes);
        }
        this.jedis = jedis;
        this.ownsClient = ownsClient;
        this.endpoint = endpoint;
        this.prefix = prefix;
        this.maxValueBytes = maxValueBytes;
        int pool = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(DEFAULT_THREADS, DEFAULT_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(DEFAULT_QUEUE), r -> {
                    Thread t = new Thread(r, "forge-redis-datastore-" + pool + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public CompletionStage<Optional<String>> get(String tenant, String key) {
        return call("get", key, () -> {
            String k = redisKey(tenant, key);
            return () -> Optional.ofNullable(jedis.get(k));
        });
    }

    @Override
    public CompletionStage<Void> set(String tenant, String key, String json, Duration ttl) {
        return call("set", key, () -> {
            String k = redisKey(tenant, key);
            Objects.requireNonNull(json, "value");
            int bytes = key.getBytes(StandardCharsets.UTF_8).length + json.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxValueBytes) {
                throw new IllegalArgumentException("value: " + bytes + " bytes at '" + key
                        + "' is over the datastore's limit of " + maxValueBytes + " bytes for one value");
            }
            long ms = ttlMillis(ttl);
            SetParams params = ms > 0 ? SetParams.setParams().px(ms) : SetParams.setParams();
            return () -> {
                jedis.set(k, json, params);
                return null;
            };
        });
    }

    @Override
    public CompletionStage<Long> incr(String tenant, String key, long by, Duration ttl) {
        return call("incr", key, () -> {
            String k = redisKey(tenant, key);
            long ms = ttlMillis(ttl);
            List<String> args = List.of(Long.toString(by), ms > 0 ? Long.toString(ms) : "");
            return () -> {
                try {
                    return Long.parseLong((String) jedis.eval(INCR_SCRIPT, List.of(k), args));
                } catch (JedisDataException e) {
                    String m = String.valueOf(e.getMessage());
                    if (m.contains("not an integer")) {
                        throw new IllegalArgumentException("incr: the value at '" + key + "' is not an integer");
                    }
                    if (m.contains("overflow")) {
                        throw Datastore.overflow(key, by);
                    }
                    throw e;
                }
            };
        });
    }

    @Override
    public CompletionStage<Boolean> delete(String tenant, String key) {
        return call("delete", key, () -> {
            String k = redisKey(tenant, key);
            return () -> jedis.del(k) > 0;
        });
    }

    @Override
    public CompletionStage<List<String>> keys(String tenant, String keyPrefix) {
        return call("keys", keyPrefix, () -> {
            Objects.requireNonNull(keyPrefix, "prefix");
            String namespace = namespace(tenant);
            ScanParams params = new ScanParams().match(globEscape(namespace + keyPrefix) + "*").count(1000);
            return () -> {
                TreeSet<String> found = new TreeSet<>(); // SCAN may return a key twice
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, params);
                    for (String k : page.getResult()) {
                        if (k.startsWith(namespace + keyPrefix)) {
                            found.add(k.substring(namespace.length()));
                        }
                    }
                    cursor = page.getCursor();
                } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
                return List.copyOf(found);
            };
        });
    }

    /** The Redis key that holds a tenant's {@code key}: {@code <prefix>:{<tenant>}:<key>}. */
    public String redisKey(String tenant, String key) {
        checkKey(key);
        return namespace(tenant) + key;
    }

    private String namespace(String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        if (tenant.isEmpty() || tenant.indexOf('{') >= 0 || tenant.indexOf('}') >= 0) {
            throw new IllegalArgumentException("tenant: must be non-empty and without '{' or '}' (the Redis hash tag), got '"
                    + tenant + "'");
        }
        return prefix + ":{" + tenant + "}:";
    }

    /**
     * Checks the arguments on the caller's thread (a mistake fails the stage at once), then runs the Redis
     * part on the pool.
     */
    private <T> CompletionStage<T> call(String operation, String key, Supplier<Supplier<T>> prepare) {
        Supplier<T> work;
        try {
            if (closed.get()) {
                throw new IllegalStateException("datastore: closed; " + operation + " was not run");
            }
            work = prepare.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.get();
                } catch (JedisConnectionException first) {
                    // A pooled connection that outlived a server restart fails once and is dropped; an idempotent
                    // operation is safe to send again on a fresh one. incr is not: it may have been applied.
                    if (operation.equals("incr")) {
                        throw new RedisUnavailableException(endpoint, operation + " '" + key + "'", first);
                    }
                    try {
                        return work.get();
                    } catch (JedisConnectionException e) {
                        throw new RedisUnavailableException(endpoint, operation + " '" + key + "'", e);
                    }
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException(closed.get()
                    ? "datastore: closed; " + operation + " was not run"
                    : "datastore: more than " + DEFAULT_QUEUE + " operations are waiting for " + endpoint
                    + "; " + operation + " was refused (Redis is slow or unreachable)"));
        }
    }

    private static long ttlMillis(Duration ttl) {
        if (ttl == null) {
            return 0;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: must be positive seconds, got " + ttl.toMillis() / 1000.0);
        }
        return Math.max(1, ttl.toMillis());
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key: must be a non-empty string");
        }
        if (key.length() > 1024) {
            throw new IllegalArgumentException("key: longer than 1024 characters: " + key.substring(0, 40) + "...");
        }
    }

    /** Escapes Redis glob characters so that {@code text} matches only itself. */
    static String globEscape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static void closeQuietly(JedisPooled jedis, boolean owned) {
        if (owned) {
            jedis.close();
        }
    }

    /** Stops the pool (operations already running finish) and closes the client this object made. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
            closeQuietly(jedis, ownsClient);
        }
    }

    @Override
    public String toString() {
        return "RedisDatastore[" + endpoint + ", prefix " + prefix + "]";
    }
}
