package dev.forge.engine.v8.internal.host;

import dev.forge.EngineOptions;
import dev.forge.Invocation;
import dev.forge.InvocationListener;
import dev.forge.Isolation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.SipStatus;
import dev.forge.spi.EngineConfig;
import dev.forge.spi.EngineStats;
import dev.forge.spi.ScriptEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The V8 {@link ScriptEngine}: where isolates live ({@link Isolates}: in isolate processes by default, or in
 * this JVM), a {@link Scheduler} that hands them work, a {@link Watchdog} for every deadline, and the
 * engine's platform threads.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class V8Engine implements ScriptEngine {

    static final Logger LOG = LoggerFactory.getLogger(V8Engine.class);

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();
    private static final AtomicInteger ENGINES = new AtomicInteger();

    private final EngineOptions options;
    private final Limits defaults;
    private final InvocationListener listener;
    private final Workers workers;
    private final ExecutorService closer;
    private final ScheduledThreadPoolExecutor timers;
    private final Watchdog watchdog;
    private final Isolates isolates;
    private final EngineEvents events = new EngineEvents();
    private final Scheduler scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();

    public V8Engine(EngineConfig config) {
        this.options = config.options();
        this.defaults = config.defaultLimits();
        this.listener = config.listener();
        int n = ENGINES.incrementAndGet();
        this.isolates = options.isolation() == Isolation.PROCESS
                ? new ProcessIsolates(options, defaults.heapBytes(), events, n)
                : new LocalIsolates(defaults.heapBytes(), n);
        this.watchdog = new Watchdog("forge-v8-watchdog-" + n);
        this.workers = new Workers(options.threads(), "forge-v8-" + n + "-worker-");
        this.closer = Executors.newSingleThreadExecutor(Workers.factory("forge-v8-" + n + "-closer-"));
        this.timers = new ScheduledThreadPoolExecutor(1, Workers.factory("forge-v8-" + n + "-timers-"));
        this.timers.setRemoveOnCancelPolicy(true);
        this.scheduler = new Scheduler(options, defaults, config.services(), watchdog, workers, closer, timers,
                isolates, events);
        if (isolates instanceof ProcessIsolates p) {
            p.supervisor.listen(scheduler);
        }
        watchdog.start(scheduler);
        LOG.debug("V8 engine {} started: isolation {}", n, isolates.name());
    }

    @Override
    public CompletableFuture<Outcome> invokeAsync(Script script, Invocation invocation, long startNanos) {
        Call call = call(script, invocation, startNanos);
        submit(script, call, false);
        return call.future;
    }

    @Override
    public Outcome invoke(Script script, Invocation invocation, long startNanos) {
        Call call = call(script, invocation, startNanos);
        submit(script, call, options.callerRuns() && !isVirtual(Thread.currentThread()));
        return await(call.future);
    }

    @Override
    public void prepare(Script script) {
        if (closed.get()) {
            throw new IllegalStateException("the V8 engine is closed");
        }
        try {
            scheduler.prepare(script);
        } catch (IllegalStateException e) {
            // the script's calls will report it, as they would without preparing
            LOG.debug("not preparing {}: {}", script.id(), e.getMessage());
        }
    }

    private Call call(Script script, Invocation invocation, long startNanos) {
        if (closed.get()) {
            throw new IllegalStateException("the V8 engine is closed");
        }
        Duration timeout = invocation.timeout() != null ? invocation.timeout() : script.limitsOr(defaults).timeout();
        SipStatus action = invocation.timeoutAction() != null ? invocation.timeoutAction() : SipStatus.DEFAULT_TIMEOUT_ACTION;
        return new Call(script, invocation, action, startNanos, timeout.toNanos(), listener);
    }

    private void submit(Script script, Call call, boolean inline) {
        ScriptState state;
        try {
            state = scheduler.state(script);
        } catch (IllegalStateException e) {
            call.complete(call.failed(new ScriptException(ScriptException.Kind.HOST, e.getMessage(), e)));
            return;
        }
        scheduler.submit(state, call, inline);
    }

    private static Outcome await(CompletableFuture<Outcome> future) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw unwrap(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException unwrap(Throwable cause) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }

    @Override
    public void evict(String scriptId) {
        scheduler.evict(scriptId);
    }

    @Override
    public EngineStats stats() {
        int[] c = scheduler.counts();
        return new EngineStats(c[0], c[1], c[2], scheduler.built.get(), scheduler.rebuilt.get(), scheduler.evicted.get(),
                workers.started() + 1, c[3], isolates.name(), isolates.processes(), isolates.spares(), events.timeouts.get(),
                events.memoryKills.get(), events.overruns.get(), events.processCrashes.get(), events.quarantines.get(),
                events.retries.get(), events.protocolKills.get(), isolates.confinement());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.close();
        timers.shutdownNow();
        isolates.close();
        if (!workers.close(defaults.timeout().toMillis() + options.killGrace().toMillis() + 5_000)) {
            LOG.warn("V8 engine threads still busy at close; they end with their invocations' deadlines");
        }
        for (Call call : watchdog.close()) {
            scheduler.finish(call, call.failed(ScriptException.Kind.CANCELLED, "Forge closed before the invocation ended"));
        }
        closer.shutdown();
    }

    private static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            return true;
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
