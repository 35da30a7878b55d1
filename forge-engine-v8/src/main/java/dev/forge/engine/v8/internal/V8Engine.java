package dev.forge.engine.v8.internal;

import dev.forge.EngineOptions;
import dev.forge.Invocation;
import dev.forge.InvocationListener;
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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The V8 {@link ScriptEngine}: an {@link IsolatePool}, a fixed set of platform threads, and a {@link Watchdog}.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class V8Engine implements ScriptEngine {

    static final Logger LOG = LoggerFactory.getLogger(V8Engine.class);

    /** Java stack for engine threads: V8 uses {@link V8Platform#STACK_KIB} of it. */
    private static final long THREAD_STACK_BYTES = 4L << 20;
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();
    private static final AtomicInteger ENGINES = new AtomicInteger();

    private final EngineOptions options;
    private final Limits defaults;
    private final InvocationListener listener;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timers;
    private final Watchdog watchdog;
    private final IsolatePool pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    public V8Engine(EngineConfig config) {
        this.options = config.options();
        this.defaults = config.defaultLimits();
        this.listener = config.listener();
        V8Platform.ensure(defaults.heapBytes());
        V8Platform.warmUp();
        int n = ENGINES.incrementAndGet();
        this.watchdog = new Watchdog("forge-v8-watchdog-" + n);
        this.workers = new ThreadPoolExecutor(options.threads(), options.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads("forge-v8-" + n + "-worker-"));
        this.timers = new ScheduledThreadPoolExecutor(1, threads("forge-v8-" + n + "-timers-"));
        this.timers.setRemoveOnCancelPolicy(true);
        Executor safe = task -> {
            try {
                workers.execute(task);
            } catch (RejectedExecutionException closing) {
                task.run();
            }
        };
        this.pool = new IsolatePool(options, defaults, config.services(), watchdog, safe,
                new HostOps(config.services(), timers));
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

    private Call call(Script script, Invocation invocation, long startNanos) {
        if (closed.get()) {
            throw new IllegalStateException("the V8 engine is closed");
        }
        Duration timeout = invocation.timeout() != null ? invocation.timeout() : script.limitsOr(defaults).timeout();
        SipStatus action = invocation.timeoutAction() != null ? invocation.timeoutAction() : SipStatus.DEFAULT_TIMEOUT_ACTION;
        return new Call(script, invocation, action, startNanos, timeout.toNanos(), listener);
    }

    private void submit(Script script, Call call, boolean inline) {
        ScriptRunner runner;
        try {
            runner = pool.runner(script);
        } catch (IllegalStateException e) {
            call.failed(new ScriptException(ScriptException.Kind.HOST, e.getMessage(), e));
            return;
        }
        pool.submit(runner, call, inline);
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
        pool.evict(scriptId);
    }

    @Override
    public EngineStats stats() {
        int[] c = pool.counts();
        return new EngineStats(c[0], c[1], c[2], pool.built.get(), pool.rebuilt.get(), pool.evicted.get(),
                workers.getPoolSize() + 1, c[3]);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pool.close();
        timers.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(defaults.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                LOG.warn("V8 engine threads still busy at close; they end with their invocations' deadlines");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.close();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, prefix + count.incrementAndGet(), THREAD_STACK_BYTES);
            t.setDaemon(true);
            return t;
        };
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
