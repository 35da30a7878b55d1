package dev.forge.micrometer;

import dev.forge.Forge;
import dev.forge.InvocationListener;
import dev.forge.Outcome;
import dev.forge.ScriptException;
import dev.forge.spi.EngineStats;
import dev.forge.spi.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Forge's metrics on a Micrometer {@link MeterRegistry}: every invocation by outcome and tenant with its latency
 * and queue wait (as the Forge's {@link InvocationListener}), the engine's queue, isolates, processes, kills and
 * quarantines (read from {@link Forge#stats()} when the registry is scraped), and a transport's lag and dead
 * letters (as its {@link Transport.Listener}).
 *
 * <pre>{@code
 * ForgeMetrics metrics = ForgeMetrics.builder(registry).build();
 * try (Forge forge = Forge.builder().listener(metrics).build()) {
 *     metrics.bind(forge);
 *     ...
 * }
 * metrics.close();
 * }</pre>
 *
 * <p>The meters, their types, tags and meaning are listed in {@code site/metrics.md}; their names are the
 * constants of this class. Timers publish no histogram unless the host asks for one with a
 * {@link io.micrometer.core.instrument.config.MeterFilter MeterFilter}.
 *
 * <p>Tag cardinality: the {@value #TAG_TENANT} tag makes meters per tenant. For a host with many tenants,
 * {@link Builder#tenantTag(boolean) tenantTag(false)} drops it (the meters then count all tenants together), or
 * a {@code MeterFilter.maximumAllowableTags} caps it. The other tags take a handful of values each.
 *
 * <p>On the hot path (the listener) nothing is registered or allocated once a tenant's meters exist: they are
 * looked up by tenant and outcome in arrays.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} removes the meters this made and stops listening to the
 * transports it was bound to; it never closes the Forge, the transport or the registry, which belong to the host.
 *
 * @since 0.1.0
 */
public final class ForgeMetrics implements InvocationListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ForgeMetrics.class);

    /** Counter: invocations ended, tagged outcome, error and tenant. */
    public static final String INVOCATIONS = "forge.invocations";
    /** Timer: from {@code invoke} to the outcome, tagged outcome and tenant. */
    public static final String LATENCY = "forge.invocation.latency";
    /** Timer: how long invocations waited for an isolate, tagged tenant. */
    public static final String QUEUE_WAIT = "forge.invocation.queue.wait";
    /** Counter: invocations that had an isolate built for them, tagged tenant. */
    public static final String COLD_STARTS = "forge.invocation.cold.starts";

    /** Gauge: invocations waiting for an isolate now. */
    public static final String QUEUE_DEPTH = "forge.queue.depth";
    /** Gauge: isolates alive now. */
    public static final String ISOLATES_LIVE = "forge.isolates.live";
    /** Gauge: isolates running an invocation now. */
    public static final String ISOLATES_BUSY = "forge.isolates.busy";
    /** Function counter: isolates built. */
    public static final String ISOLATES_BUILT = "forge.isolates.built";
    /** Function counter: isolates closed after a limit was hit and built again. */
    public static final String ISOLATES_REBUILT = "forge.isolates.rebuilt";
    /** Function counter: idle isolates closed to stay under the cap. */
    public static final String ISOLATES_EVICTED = "forge.isolates.evicted";
    /** Gauge: isolate processes alive now, spares included. */
    public static final String PROCESSES = "forge.processes";
    /** Gauge: isolate processes started and kept ready. */
    public static final String PROCESSES_SPARE = "forge.processes.spare";
    /** Gauge: the engine's platform threads. */
    public static final String THREADS = "forge.threads";
    /** Gauge: script versions the engine keeps state for. */
    public static final String SCRIPTS_KEPT = "forge.scripts.kept";
    /** Function counter: invocations that ran past their deadline. */
    public static final String TIMEOUTS = "forge.timeouts";
    /** Function counter: invocations stopped at their memory limit. */
    public static final String MEMORY_KILLS = "forge.memory.kills";
    /** Function counter: scripts that ignored termination past the kill grace. */
    public static final String OVERRUNS = "forge.overruns";
    /** Function counter: isolate processes that died in use. */
    public static final String PROCESS_CRASHES = "forge.process.crashes";
    /** Function counter: tenants quarantined after their script crashed a process. */
    public static final String QUARANTINES = "forge.quarantines";
    /** Function counter: invocations caught in another script's crash and run again. */
    public static final String RETRIES = "forge.retries";
    /** Function counter: isolate processes killed for breaking the protocol. */
    public static final String PROTOCOL_KILLS = "forge.protocol.kills";

    /** Timer: from a message's submission to its delivery on this node, tagged redelivery. */
    public static final String TRANSPORT_LAG = "forge.transport.lag";
    /** Counter: messages this node moved to the dead letters. */
    public static final String DEAD_LETTERS = "forge.transport.dead.letters";

    /** How an invocation ended: ok, rejected, timeout, error, overloaded. */
    public static final String TAG_OUTCOME = "outcome";
    /** The error's kind for outcome error (syntax, runtime, memory, stack, host, cancelled), else none. */
    public static final String TAG_ERROR = "error";
    /** The script's tenant; absent with {@link Builder#tenantTag(boolean) tenantTag(false)}. */
    public static final String TAG_TENANT = "tenant";
    /** Whether a delivery was a redelivery (attempt 2 or later): true or false. */
    public static final String TAG_REDELIVERY = "redelivery";

    private static final String[] OUTCOMES = {"ok", "rejected", "timeout", "overloaded", "error"};
    private static final ScriptException.Kind[] KINDS = ScriptException.Kind.values();
    private static final int ERROR = 4;

    private final MeterRegistry registry;
    private final Tags common;
    private final boolean tenantTag;
    private final TenantMeters allTenants;
    private final Map<String, TenantMeters> byTenant = new ConcurrentHashMap<>();
    private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> listening = new ArrayList<>();
    private Forge bound;
    private volatile boolean closed;

    private ForgeMetrics(Builder b) {
        this.registry = b.registry;
        this.common = b.tags;
        this.tenantTag = b.tenantTag;
        this.allTenants = tenantTag ? null : new TenantMeters(common);
    }

    /** Metrics on {@code registry}; see {@link Builder} for the options. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    // ---- invocations: the listener

    /** Records one invocation; Forge calls it (give this to {@code Forge.builder().listener(...)}). */
    @Override
    public void onInvocation(InvocationEvent event) {
        if (closed) {
            return;
        }
        TenantMeters t = tenantTag ? tenant(event.script().tenant()) : allTenants;
        Outcome outcome = event.outcome();
        int kind = index(outcome);
        int counter = kind == ERROR ? ERROR + ((Outcome.Failed) outcome).error().kind().ordinal() : kind;
        t.invocations(counter).increment();
        t.latency(kind).record(outcome.micros(), TimeUnit.MICROSECONDS);
        t.queueWait().record(event.queuedMicros(), TimeUnit.MICROSECONDS);
        if (event.coldStart()) {
            t.coldStarts().increment();
        }
    }

    private TenantMeters tenant(String tenant) {
        TenantMeters t = byTenant.get(tenant); // get first: computeIfAbsent's lambda would capture, and allocate
        return t != null ? t : byTenant.computeIfAbsent(tenant, k -> new TenantMeters(common.and(TAG_TENANT, k)));
    }

    private static int index(Outcome outcome) {
        if (outcome instanceof Outcome.Ok) {
            return 0;
        } else if (outcome instanceof Outcome.Rejected) {
            return 1;
        } else if (outcome instanceof Outcome.TimedOut) {
            return 2;
        } else if (outcome instanceof Outcome.Overloaded) {
            return 3;
        }
        return ERROR;
    }

    /** One tenant's meters (or all tenants' without the tenant tag), registered on first use. */
    private final class TenantMeters {
        final Tags tags;
        final AtomicReferenceArray<Counter> invocations = new AtomicReferenceArray<>(ERROR + KINDS.length);
        final AtomicReferenceArray<Timer> latency = new AtomicReferenceArray<>(OUTCOMES.length);
        volatile Timer queueWait;
        volatile Counter coldStarts;

        TenantMeters(Tags tags) {
            this.tags = tags;
        }

        Counter invocations(int i) {
            Counter c = invocations.get(i);
            if (c == null) {
                String outcome = i < ERROR ? OUTCOMES[i] : OUTCOMES[ERROR];
                String error = i < ERROR ? "none" : KINDS[i - ERROR].id();
                c = keep(Counter.builder(INVOCATIONS).description("Invocations ended, by outcome")
                        .tags(tags).tag(TAG_OUTCOME, outcome).tag(TAG_ERROR, error).register(registry));
                invocations.set(i, c);
            }
            return c;
        }

        Timer latency(int i) {
            Timer t = latency.get(i);
            if (t == null) {
                t = keep(Timer.builder(LATENCY).description("Time from invoke to the outcome, queue wait included")
                        .tags(tags).tag(TAG_OUTCOME, OUTCOMES[i]).register(registry));
                latency.set(i, t);
            }
            return t;
        }

        Timer queueWait() {
            Timer t = queueWait;
            if (t == null) {
                t = keep(Timer.builder(QUEUE_WAIT).description("Time invocations waited for an isolate")
                        .tags(tags).register(registry));
                queueWait = t;
            }
            return t;
        }

        Counter coldStarts() {
            Counter c = coldStarts;
            if (c == null) {
                c = keep(Counter.builder(COLD_STARTS).description("Invocations that had an isolate built for them")
                        .tags(tags).register(registry));
                coldStarts = c;
            }
            return c;
        }
    }

    // ---- the engine: read from Forge.stats() when the registry asks

    /**
     * Registers the engine's gauges and function counters on {@code forge}'s {@link Forge#stats()}. They hold
     * {@code forge} weakly: once the host lets go of it, they read NaN.
     *
     * @return this, for chaining
     * @throws IllegalStateException if this is closed, or already bound to a Forge (make one ForgeMetrics per Forge,
     *                               with {@link Builder#tags} that tell them apart)
     */
    public ForgeMetrics bind(Forge forge) {
        Objects.requireNonNull(forge, "forge");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("ForgeMetrics is closed; make a new one to bind a Forge");
            }
            if (bound != null) {
                throw new IllegalStateException("ForgeMetrics is already bound to a Forge (engine " + bound.engineName()
                        + "); make one ForgeMetrics per Forge, with tags that tell them apart");
            }
            bound = forge;
        }
        gauge(forge, QUEUE_DEPTH, "Invocations waiting for an isolate", EngineStats::queued);
        gauge(forge, ISOLATES_LIVE, "Isolates alive", EngineStats::liveIsolates);
        gauge(forge, ISOLATES_BUSY, "Isolates running an invocation", EngineStats::busyIsolates);
        gauge(forge, PROCESSES, "Isolate processes alive, spares included (0 in-process)", EngineStats::processes);
        gauge(forge, PROCESSES_SPARE, "Isolate processes started and kept ready (0 in-process)", EngineStats::spares);
        gauge(forge, THREADS, "Platform threads the engine has started", EngineStats::threads);
        gauge(forge, SCRIPTS_KEPT, "Script versions the engine keeps isolates, queue or code cache for",
                EngineStats::scriptsKept);
        counter(forge, ISOLATES_BUILT, "Isolates built", EngineStats::isolatesBuilt);
        counter(forge, ISOLATES_REBUILT, "Isolates closed after a limit was hit and built again",
                EngineStats::isolatesRebuilt);
        counter(forge, ISOLATES_EVICTED, "Idle isolates closed to stay under the cap", EngineStats::isolatesEvicted);
        counter(forge, TIMEOUTS, "Invocations that ran past their deadline", EngineStats::timeouts);
        counter(forge, MEMORY_KILLS, "Invocations stopped at their script's memory limit", EngineStats::memoryKills);
        counter(forge, OVERRUNS, "Scripts that ignored termination past the kill grace", EngineStats::overruns);
        counter(forge, PROCESS_CRASHES, "Isolate processes that died in use", EngineStats::processCrashes);
        counter(forge, QUARANTINES, "Tenants quarantined after their script crashed an isolate process",
                EngineStats::quarantines);
        counter(forge, RETRIES, "Invocations caught in another script's crash and run again", EngineStats::retries);
        counter(forge, PROTOCOL_KILLS, "Isolate processes killed for breaking the protocol", EngineStats::protocolKills);
        return this;
    }

    private void gauge(Forge forge, String name, String description, ToDoubleFunction<EngineStats> value) {
        keep(Gauge.builder(name, forge, f -> read(f, value)).description(description).tags(common).register(registry));
    }

    private void counter(Forge forge, String name, String description, ToLongFunction<EngineStats> value) {
        keep(FunctionCounter.builder(name, forge, f -> read(f, s -> value.applyAsLong(s))).description(description)
                .tags(common).register(registry));
    }

    private static double read(Forge forge, ToDoubleFunction<EngineStats> value) {
        try {
            return value.applyAsDouble(forge.stats());
        } catch (RuntimeException e) {
            LOG.debug("Forge.stats() failed while the registry read it: {}", e.toString());
            return Double.NaN;
        }
    }

    // ---- a transport: its listener

    /**
     * Listens to {@code transport} for {@value #TRANSPORT_LAG} and {@value #DEAD_LETTERS}: what this node takes from
     * it (a node running a {@link dev.forge.durable.TransportWorker}). Bind each transport once.
     *
     * @return this, for chaining
     * @throws IllegalArgumentException if the transport does not report deliveries ({@link Transport#addListener})
     * @throws IllegalStateException    if this is closed
     */
    public ForgeMetrics bind(Transport transport) {
        Objects.requireNonNull(transport, "transport");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("ForgeMetrics is closed; make a new one to bind a transport");
            }
            Timer first = lag("false");
            Timer again = lag("true");
            Counter dead = Counter.builder(DEAD_LETTERS).description("Messages this node moved to the dead letters")
                    .tags(common).register(registry);
            try {
                listening.add(transport.addListener(new Transport.Listener() {
                    @Override
                    public void onDelivery(Transport.Delivery delivery, Duration lag) {
                        (delivery.attempt() > 1 ? again : first).record(lag);
                    }

                    @Override
                    public void onDeadLetter(Transport.DeadLetter letter) {
                        dead.increment();
                    }
                }));
            } catch (UnsupportedOperationException e) {
                if (!meters.contains(dead)) { // not in use for another transport: leave no meter that never moves
                    List.of(first, again, dead).forEach(registry::remove);
                }
                throw new IllegalArgumentException("transport: " + e.getMessage(), e);
            }
            keep(first);
            keep(again);
            keep(dead);
        }
        return this;
    }

    private Timer lag(String redelivery) {
        return Timer.builder(TRANSPORT_LAG).description("Time from a message's submission to its delivery on this node")
                .tags(common).tag(TAG_REDELIVERY, redelivery).register(registry);
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        if (closed) {
            // registered by an event racing close(): do not leave it behind
            registry.remove(meter);
        }
        return meter;
    }

    /** Stops listening and removes every meter this made from the registry. Idempotent. */
    @Override
    public void close() {
        List<AutoCloseable> handles;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            handles = List.copyOf(listening);
            listening.clear();
            bound = null;
        }
        for (AutoCloseable h : handles) {
            try {
                h.close();
            } catch (Exception e) {
                LOG.debug("removing a transport listener failed: {}", e.toString());
            }
        }
        meters.forEach(registry::remove);
        meters.clear();
    }

    @Override
    public String toString() {
        return "ForgeMetrics[" + registry.getClass().getSimpleName() + ", tags " + common + ", tenant tag "
                + (tenantTag ? "on" : "off") + "]";
    }

    /** Builds a {@link ForgeMetrics}. Not thread-safe. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Tags tags = Tags.empty();
        private boolean tenantTag = true;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Whether invocation meters carry the {@value #TAG_TENANT} tag (on by default). Off, they count all
         * tenants together: one set of meters however many tenants there are.
         */
        public Builder tenantTag(boolean value) {
            this.tenantTag = value;
            return this;
        }

        /** Tags on every meter, e.g. {@code node} or {@code forge} when one registry serves several Forges. */
        public Builder tags(Iterable<Tag> value) {
            this.tags = this.tags.and(Objects.requireNonNull(value, "tags"));
            return this;
        }

        /** As {@link #tags(Iterable)}, as key, value, key, value, ... */
        public Builder tags(String... keyValues) {
            this.tags = CommonTags.and(tags, keyValues);
            return this;
        }

        public ForgeMetrics build() {
            CommonTags.refuseOwn(tags, Set.of(TAG_TENANT, TAG_OUTCOME, TAG_ERROR, TAG_REDELIVERY), "ForgeMetrics");
            return new ForgeMetrics(this);
        }
    }
}
