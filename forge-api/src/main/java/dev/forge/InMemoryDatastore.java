package dev.forge;

import dev.forge.spi.Datastore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The embedded {@link Datastore}: per-tenant maps in this JVM, with TTL expiry and size caps.
 *
 * <p>A value may be at most {@code maxValueBytes} (UTF-8) and a tenant's keys and values together at
 * most {@code maxTenantBytes}; a write over either cap fails with a message naming the cap. Expired keys
 * are invisible at once and dropped on the next write to the tenant.
 *
 * <p>Thread-safety: thread-safe; {@code incr} is atomic.
 *
 * @since 0.1.0
 */
public final class InMemoryDatastore implements Datastore {

    public static final int DEFAULT_MAX_VALUE_BYTES = 256 * 1024;
    public static final long DEFAULT_MAX_TENANT_BYTES = 16L * 1024 * 1024;

    private record Entry(String json, long expiresAt, int bytes) {
        boolean expired(long now) {
            return expiresAt != 0 && now - expiresAt >= 0;
        }
    }

    private static final class Tenant {
        final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();
    }

    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final int maxValueBytes;
    private final long maxTenantBytes;
    private final LongSupplier clock;

    public InMemoryDatastore() {
        this(DEFAULT_MAX_VALUE_BYTES, DEFAULT_MAX_TENANT_BYTES);
    }

    public InMemoryDatastore(int maxValueBytes, long maxTenantBytes) {
        this(maxValueBytes, maxTenantBytes, System::nanoTime);
    }

    /** With a clock in nanoseconds, for tests of expiry. */
    public InMemoryDatastore(int maxValueBytes, long maxTenantBytes, LongSupplier nanoClock) {
        if (maxValueBytes <= 0) {
            throw new IllegalArgumentException("maxValueBytes: must be positive, got " + maxValueBytes);
        }
        if (maxTenantBytes <= 0) {
            throw new IllegalArgumentException("maxTenantBytes: must be positive, got " + maxTenantBytes);
        }
        this.maxValueBytes = maxValueBytes;
        this.maxTenantBytes = maxTenantBytes;
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public CompletionStage<Optional<String>> get(String tenant, String key) {
        checkKey(key);
        Tenant t = tenants.get(tenant);
        Entry e = t == null ? null : t.entries.get(key);
        return CompletableFuture.completedFuture(e == null || e.expired(clock.getAsLong()) ? Optional.empty()
                : Optional.of(e.json));
    }

    @Override
    public CompletionStage<Void> set(String tenant, String key, String json, Duration ttl) {
        try {
            checkKey(key);
            Objects.requireNonNull(json, "value");
            Entry fresh = entry(key, json, ttl);
            Tenant t = tenant(tenant);
            t.entries.compute(key, (k, old) -> {
                account(t, tenant, old, fresh);
                return fresh;
            });
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Long> incr(String tenant, String key, long by, Duration ttl) {
        try {
            checkKey(key);
            Tenant t = tenant(tenant);
            long now = clock.getAsLong();
            long[] result = new long[1];
            t.entries.compute(key, (k, old) -> {
                long current = 0;
                long expiresAt = expiry(ttl, now);
                if (old != null && !old.expired(now)) {
                    try {
                        current = Long.parseLong(old.json.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("incr: the value at '" + key + "' is not an integer: " + abbreviate(old.json));
                    }
                    if (ttl == null) {
                        expiresAt = old.expiresAt;
                    }
                }
                try {
                    result[0] = Math.addExact(current, by);
                } catch (ArithmeticException e) {
                    throw Datastore.overflow(key, by);
                }
                String json = Long.toString(result[0]);
                Entry fresh = new Entry(json, expiresAt, size(key, json));
                account(t, tenant, old, fresh);
                return fresh;
            });
            return CompletableFuture.completedFuture(result[0]);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Boolean> delete(String tenant, String key) {
        checkKey(key);
        Tenant t = tenants.get(tenant);
        if (t == null) {
            return CompletableFuture.completedFuture(false);
        }
        Entry old = t.entries.remove(key);
        if (old != null) {
            t.bytes.addAndGet(-old.bytes);
        }
        return CompletableFuture.completedFuture(old != null && !old.expired(clock.getAsLong()));
    }

    @Override
    public CompletionStage<List<String>> keys(String tenant, String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        Tenant t = tenants.get(tenant);
        List<String> keys = new ArrayList<>();
        if (t != null) {
            long now = clock.getAsLong();
            t.entries.forEach((k, e) -> {
                if (k.startsWith(prefix) && !e.expired(now)) {
                    keys.add(k);
                }
            });
        }
        keys.sort(null);
        return CompletableFuture.completedFuture(keys);
    }

    private Tenant tenant(String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        Tenant t = tenants.computeIfAbsent(tenant, x -> new Tenant());
        if (t.bytes.get() > maxTenantBytes / 2) {
            long now = clock.getAsLong();
            t.entries.forEach((k, e) -> {
                if (e.expired(now) && t.entries.remove(k, e)) {
                    t.bytes.addAndGet(-e.bytes);
                }
            });
        }
        return t;
    }

    private void account(Tenant t, String tenant, Entry old, Entry fresh) {
        long delta = fresh.bytes - (old == null ? 0 : old.bytes);
        if (delta > 0 && t.bytes.get() + delta > maxTenantBytes) {
            throw new IllegalArgumentException("datastore: tenant '" + tenant + "' would hold more than "
                    + maxTenantBytes + " bytes; delete keys or set a TTL");
        }
        t.bytes.addAndGet(delta);
    }

    private Entry entry(String key, String json, Duration ttl) {
        int bytes = size(key, json);
        if (bytes > maxValueBytes) {
            throw new IllegalArgumentException("value: " + bytes + " bytes at '" + key
                    + "' is over the datastore's limit of " + maxValueBytes + " bytes for one value");
        }
        return new Entry(json, expiry(ttl, clock.getAsLong()), bytes);
    }

    private long expiry(Duration ttl, long now) {
        if (ttl == null) {
            return 0;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: must be positive seconds, got " + ttl.toMillis() / 1000.0);
        }
        long at = now + ttl.toNanos();
        return at == 0 ? 1 : at;
    }

    private static int size(String key, String json) {
        return key.getBytes(StandardCharsets.UTF_8).length + json.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key: must be a non-empty string");
        }
        if (key.length() > 1024) {
            throw new IllegalArgumentException("key: longer than 1024 characters: " + abbreviate(key));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
