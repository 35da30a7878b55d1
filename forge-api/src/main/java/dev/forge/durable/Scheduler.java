package dev.forge.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.internal.Json;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs scripts on schedules ({@link CronExpression}), through a {@link Transport} so that a failed run is
 * retried like any invocation. Every node may run a Scheduler with the same schedules: each slot becomes
 * one message whose idempotency key is the script and the slot's minute, so the transport queues it once
 * however many nodes submit it: at most once per slot across all nodes. A slot missed while every node was
 * down is not run later.
 *
 * <p>The script's data is the schedule's data (an object) with a {@code schedule} field added:
 * {@code {"slot":"2026-11-22T11:30:00Z","cron":"30 * * *"}}.
 *
 * <p>Thread-safety: thread-safe. {@link #start()} runs one platform thread; {@link #fireDue} may also be
 * called directly (tests, or a host with its own timer).
 *
 * @since 0.1.0
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private record Entry(String scriptId, CronExpression cron, JsonNode data) {
    }

    private final Transport transport;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile Thread thread;
    private volatile boolean closed;

    public Scheduler(Transport transport) {
        this(transport, Clock.systemUTC());
    }

    public Scheduler(Transport transport, Clock clock) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs {@code scriptId} at every slot of {@code cron} with {@code dataJson} (a JSON object); replaces an
     * earlier schedule of the same script.
     */
    public void schedule(String scriptId, CronExpression cron, String dataJson) {
        Objects.requireNonNull(scriptId, "scriptId");
        Objects.requireNonNull(cron, "cron");
        JsonNode data = Json.parse("data", dataJson == null ? "{}" : dataJson);
        if (!data.isObject()) {
            throw new IllegalArgumentException("data: a scheduled script's data must be a JSON object, got " + data.getNodeType());
        }
        entries.put(scriptId, new Entry(scriptId, cron, data));
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Stops scheduling the script; true if it was scheduled. */
    public boolean unschedule(String scriptId) {
        return entries.remove(scriptId) != null;
    }

    /**
     * Submits every schedule with a slot at the minute of {@code now}.
     *
     * @return the number of messages submitted (a transport may still find some already queued by another node)
     */
    public int fireDue(Instant now) {
        ZonedDateTime minute = now.atZone(java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        int fired = 0;
        for (Entry e : entries.values()) {
            if (e.cron.matches(minute)) {
                ObjectNode data = e.data.deepCopy();
                ObjectNode schedule = data.putObject("schedule");
                schedule.put("slot", minute.toInstant().toString());
                schedule.put("cron", e.cron.toString());
                String key = "schedule:" + e.scriptId + ":" + minute.toEpochSecond() / 60;
                transport.submit(new InvocationMessage(key, e.scriptId, Json.write(data)))
                        .whenComplete((id, error) -> {
                            if (error != null) {
                                LOG.warn("schedule of {} at {} could not be queued", e.scriptId, minute, error);
                            }
                        });
                fired++;
            }
        }
        return fired;
    }

    /** Starts the scheduling thread. */
    public synchronized Scheduler start() {
        if (thread == null && !closed) {
            Thread t = new Thread(this::loop, "forge-scheduler");
            t.setDaemon(true);
            thread = t;
            t.start();
        }
        return this;
    }

    private void loop() {
        while (!closed) {
            ZonedDateTime now = ZonedDateTime.now(clock);
            ZonedDateTime next = null;
            for (Entry e : new ArrayList<>(entries.values())) {
                ZonedDateTime slot = e.cron.next(now);
                if (next == null || slot.isBefore(next)) {
                    next = slot;
                }
            }
            if (next == null) {
                LockSupport.park(this);
                continue;
            }
            long wait = next.toInstant().toEpochMilli() - clock.millis();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait * 1_000_000L);
                if (clock.millis() < next.toInstant().toEpochMilli()) {
                    continue;
                }
            }
            try {
                fireDue(next.toInstant());
            } catch (RuntimeException e) {
                LOG.warn("scheduler could not fire the slot {}", next, e);
            }
        }
    }

    /** The scripts scheduled now. */
    public List<String> scheduled() {
        return List.copyOf(entries.keySet());
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
