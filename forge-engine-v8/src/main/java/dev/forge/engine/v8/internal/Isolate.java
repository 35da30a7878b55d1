package dev.forge.engine.v8.internal;

import com.caoccao.javet.exceptions.JavetCompilationException;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetExecutionException;
import com.caoccao.javet.exceptions.JavetScriptingError;
import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.interop.monitoring.V8HeapStatistics;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8Script;
import com.caoccao.javet.values.reference.V8ValueFunction;
import dev.forge.ScriptException;
import org.slf4j.Logger;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One V8 isolate holding one version of one script: the prelude, the tenant's code, and its {@code main}.
 *
 * <p>Owned by one platform thread at a time (the {@link IsolatePool} hands it out); only {@link #expire},
 * {@link #kill} and {@link #sampleMemory}, which the watchdog calls, touch it from other threads, and
 * they only ask V8 to terminate or to report statistics, both of which V8 allows from any thread.
 *
 * <p>Thread-safety: see above; not otherwise thread-safe.
 */
final class Isolate implements AutoCloseable {

    /** Why execution was terminated, if it was. */
    enum Kill { NONE, TIMEOUT, MEMORY }

    private static final long STATS_STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final ScriptRunner runner;
    private final V8Runtime runtime;
    private final Watchdog watchdog;
    private final long heapLimit;
    private final String resourceName;
    private final Map<Integer, Call> pending = new ConcurrentHashMap<>();
    private V8ValueFunction invoke;
    private V8ValueFunction[] hostFunctions;
    private int nextId;

    /** Guards termination requests against close: V8 must never be asked anything about a freed isolate. */
    private final Object killLock = new Object();
    /** Guards memory sampling against close, without ever holding {@link #killLock} while V8 answers. */
    private final Object sampleLock = new Object();
    private volatile boolean closed;
    private volatile long deadline;
    private volatile Call current;
    private volatile long runStartNanos;
    private volatile Kill kill = Kill.NONE;
    private volatile String killMessage;
    private volatile long statsRequestedNanos;
    private boolean healthy = true;
    private int consoleLines;

    private Isolate(ScriptRunner runner, V8Runtime runtime, Watchdog watchdog) {
        this.runner = runner;
        this.runtime = runtime;
        this.watchdog = watchdog;
        this.heapLimit = runner.limits.heapBytes();
        this.resourceName = runner.resourceName;
    }

    /**
     * Builds an isolate for {@code runner}'s script under {@code call}'s deadline: a fresh runtime, the
     * prelude, the tenant's code (with the code cache when there is one), and {@code main} bound.
     *
     * @throws ScriptException if the script cannot be loaded; {@link #isDeterministic} says whether to cache it
     */
    static Isolate build(ScriptRunner runner, Watchdog watchdog, Call call) {
        V8Runtime runtime;
        try {
            runtime = V8Platform.newRuntime();
        } catch (JavetException e) {
            throw new ScriptException(ScriptException.Kind.HOST, "V8 could not create an isolate: " + e.getMessage(), e);
        }
        Isolate isolate = new Isolate(runner, runtime, watchdog);
        watchdog.register(isolate);
        try {
            isolate.load(call);
            return isolate;
        } catch (RuntimeException e) {
            isolate.close();
            throw e;
        }
    }

    private void load(Call call) {
        runtime.setNearHeapLimitCallback((current, initial) -> {
            kill(Kill.MEMORY, "the script's heap reached V8's ceiling of " + (current >> 20) + " MiB (its limit is "
                    + (heapLimit >> 20) + " MiB)");
            return current + (32L << 20);
        });
        begin(call);
        try {
            hostFunctions = new V8ValueFunction[] {
                hostFunction("log", this::onLog), hostFunction("settle", this::onSettle), hostFunction("kill", this::onKill)};
            try (V8ValueFunction setup = Prelude.setup(runtime);
                 V8ValueFunction bind = setup.call(null, hostFunctions[0], hostFunctions[1], hostFunctions[2],
                         runner.preludeOptions)) {
                runTenantCode();
                try (V8Value main = runtime.getExecutor("typeof main === 'function' ? main : undefined")
                        .setResourceName("forge:bind").execute()) {
                    invoke = bind.call(null, main);
                }
            }
        } catch (JavetTerminatedException e) {
            throw terminatedWhileLoading(end());
        } catch (JavetCompilationException e) {
            throw scriptError(ScriptException.Kind.SYNTAX, e.getScriptingError(), true);
        } catch (JavetExecutionException e) {
            throw scriptError(ScriptException.Kind.RUNTIME, e.getScriptingError(), false);
        } catch (JavetException e) {
            throw new ScriptException(ScriptException.Kind.HOST, "V8 failed while loading the script: " + e.getMessage(), e);
        } finally {
            end();
        }
    }

    private void runTenantCode() throws JavetException {
        byte[] cache = runner.codeCache;
        try (V8Script script = runtime.getExecutor(runner.script.source(), cache)
                .setResourceName(resourceName).compileV8Script(true)) {
            try (V8Value ignored = script.execute()) {
                if (cache == null) {
                    runner.codeCache = script.getCachedData();
                }
            }
        }
    }

    private RuntimeException terminatedWhileLoading(Kill why) {
        cancelTermination();
        healthy = false;
        if (why == Kill.MEMORY) {
            return new ScriptException(ScriptException.Kind.MEMORY, killMessage);
        }
        return new LoadTimeout();
    }

    private ScriptException scriptError(ScriptException.Kind kind, JavetScriptingError error, boolean syntax) {
        String message = error.getDetailedMessage();
        int line = error.getLineNumber();
        int column = error.getStartColumn() + 1;
        String stack = error.getStack();
        if (!syntax) {
            int[] where = Results.position(stack, resourceName);
            if (where[0] > 0) {
                line = where[0];
                column = where[1];
            }
        }
        if (!syntax && message != null && message.contains("Maximum call stack size exceeded")) {
            kind = ScriptException.Kind.STACK;
        }
        return new ScriptException(kind, message, stack == null ? "" : stack, line, column);
    }

    private V8ValueFunction hostFunction(String name, IJavetDirectCallable.NoThisAndResult<Exception> body)
            throws JavetException {
        return runtime.createV8ValueFunction(new JavetCallbackContext(name, JavetCallbackType.DirectCallNoThisAndResult, body));
    }

    /** Thrown when loading ran out of the first call's time: the call times out, nothing is cached. */
    static final class LoadTimeout extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoadTimeout() {
            super("the script's top-level code ran past the deadline", null, false, false);
        }
    }

    // ---- running ------------------------------------------------------------------------------------

    /**
     * Runs one invocation on the calling thread (which must own this isolate). Completes the call unless
     * it is left pending on a promise, in which case it is handed to the watchdog for its deadline.
     */
    void run(Call call) {
        call.runStartNanos = System.nanoTime();
        consoleLines = 0;
        int id = ++nextId;
        String result;
        boolean app = runner.app;
        if (app) {
            if (pending.size() > 32) {
                pending.values().removeIf(Call::isDone);
            }
            // A promise may settle in the microtask checkpoint before callString returns.
            pending.put(id, call);
        }
        begin(call);
        try {
            result = invoke.callString(null, id, call.dataJson);
        } catch (JavetTerminatedException e) {
            pending.remove(id);
            afterTermination(call, end());
            return;
        } catch (JavetException e) {
            pending.remove(id);
            end();
            healthy = false;
            call.failed(new ScriptException(ScriptException.Kind.HOST, "V8 failed: " + e.getMessage(), e));
            return;
        }
        Kill raced = end();
        if (raced != Kill.NONE) {
            // The watchdog fired just as the script returned: the deadline had passed, so the call timed out.
            afterTermination(call, raced);
            return;
        }
        if (result.length() == 1 && result.charAt(0) == 'P') {
            if (!call.isDone()) {
                watchdog.await(call);
            }
            return;
        }
        if (app) {
            pending.remove(id);
        }
        Results.apply(call, result, resourceName);
    }

    private void begin(Call call) {
        watch(call.deadlineNanos, call);
    }

    /** Puts the isolate under the watchdog until {@link #end()}; nothing runs JavaScript outside such a window. */
    private void watch(long until, Call call) {
        current = call;
        runStartNanos = System.nanoTime();
        deadline = until;
        watchdog.armed(until);
    }

    /** Stops the watch; returns a kill that raced with the end of execution. */
    private Kill end() {
        synchronized (killLock) {
            deadline = 0;
            current = null;
            Kill k = kill;
            kill = Kill.NONE;
            return k;
        }
    }

    private void afterTermination(Call call, Kill why) {
        cancelTermination();
        if (why == Kill.MEMORY) {
            call.failed(new ScriptException(ScriptException.Kind.MEMORY, killMessage));
            healthy = false;
            return;
        }
        if (why == Kill.TIMEOUT) {
            call.timedOut();
        } else {
            call.failed(new ScriptException(ScriptException.Kind.CANCELLED, "the isolate was terminated"));
        }
        healthy = probe();
    }

    /**
     * Called by the watchdog, again and again, while the isolate runs past its deadline {@code expected}:
     * the first time the call times out; every time V8 is asked to terminate. Repeating matters: a
     * termination requested while another thread briefly holds the isolate's lock (V8 answering a
     * statistics request) can be lost, and a loop that is never terminated would hold the thread forever.
     */
    void expire(long expected) {
        Call call;
        boolean first;
        synchronized (killLock) {
            if (deadline != expected || closed) {
                return;
            }
            call = current;
            first = kill == Kill.NONE;
            if (first) {
                kill = Kill.TIMEOUT;
            }
            runtime.terminateExecution();
        }
        if (first && call != null) {
            call.timedOut();
        }
    }

    /** Terminates whatever runs now for {@code why}; any thread. */
    void kill(Kill why, String message) {
        synchronized (killLock) {
            if (closed) {
                return;
            }
            if (kill == Kill.NONE) {
                kill = why;
                killMessage = message;
            }
            runtime.terminateExecution();
        }
    }

    /**
     * Called by the watchdog while this isolate runs: true if a memory sample is due, in which case the
     * watchdog has {@link #sampleMemory()} run off its own thread (asking V8 can take milliseconds).
     */
    boolean memorySampleDue(long now) {
        if (now - runStartNanos < Watchdog.SAMPLE_NANOS) {
            return false;
        }
        long requested = statsRequestedNanos;
        if (requested != 0 && now - requested < STATS_STALE_NANOS) {
            return false;
        }
        statsRequestedNanos = now;
        return true;
    }

    /** Asks V8 for heap statistics; they arrive at V8's next interrupt check and are checked against the limit. */
    void sampleMemory() {
        CompletableFuture<V8HeapStatistics> stats;
        synchronized (sampleLock) {
            if (closed || deadline == 0) {
                statsRequestedNanos = 0;
                return;
            }
            try {
                stats = runtime.getV8HeapStatistics();
            } catch (RuntimeException e) {
                statsRequestedNanos = 0;
                return;
            }
        }
        stats.thenAccept(s -> {
            statsRequestedNanos = 0;
            if (s != null && deadline != 0) {
                checkMemory(s);
            }
        });
    }

    private void checkMemory(V8HeapStatistics s) {
        if (s.getExternalMemory() > heapLimit) {
            kill(Kill.MEMORY, "the script's ArrayBuffer memory (" + (s.getExternalMemory() >> 20)
                    + " MiB) passed the " + (heapLimit >> 20) + " MiB limit");
        } else if (s.getUsedHeapSize() > heapLimit) {
            kill(Kill.MEMORY, "the script's heap (" + (s.getUsedHeapSize() >> 20) + " MiB) passed the "
                    + (heapLimit >> 20) + " MiB limit");
        }
    }

    private void cancelTermination() {
        synchronized (killLock) {
            kill = Kill.NONE;
        }
        runtime.cancelTerminateExecution();
    }

    /**
     * After a timeout: is the isolate still usable, and within its memory? The probe runs JavaScript, and
     * V8 may run microtasks a terminated call left behind when it returns, so it is watched like a call.
     */
    private boolean probe() {
        if (runtime.isDead() || runtime.isClosed()) {
            return false;
        }
        long probeDeadline = System.nanoTime() + PROBE_NANOS;
        watch(probeDeadline, null);
        try {
            runtime.getExecutor("0").executeVoid();
            if (end() != Kill.NONE) {
                cancelTermination();
                return false;
            }
            V8HeapStatistics s = runtime.getV8HeapStatistics().getNow(null);
            return s == null || (s.getUsedHeapSize() <= heapLimit && s.getExternalMemory() <= heapLimit);
        } catch (JavetException | RuntimeException e) {
            end();
            cancelTermination();
            return false;
        }
    }

    boolean healthy() {
        return healthy;
    }

    long deadline() {
        return deadline;
    }

    // ---- host functions -----------------------------------------------------------------------------

    private V8Value onLog(V8Value... args) throws JavetException {
        int cap = runner.options.consoleLines();
        if (args.length == 2 && consoleLines <= cap) {
            consoleLines++;
            Logger log = runner.consoleLog;
            if (consoleLines > cap) {
                log.warn("console output capped at {} lines for this invocation", cap);
            } else {
                String line = args[1].toString();
                switch (args[0].toString()) {
                    case "error" -> log.error(line);
                    case "warn" -> log.warn(line);
                    case "debug" -> log.debug(line);
                    default -> log.info(line);
                }
            }
        }
        return runtime.createV8ValueUndefined();
    }

    private V8Value onSettle(V8Value... args) throws JavetException {
        if (args.length == 2) {
            int id = Integer.parseInt(args[0].toString());
            Call call = pending.remove(id);
            if (call != null && !call.isDone()) {
                Results.apply(call, args[1].toString(), resourceName);
            }
        }
        return runtime.createV8ValueUndefined();
    }

    private V8Value onKill(V8Value... args) throws JavetException {
        if (args.length == 2 && "memory".equals(args[0].toString())) {
            kill(Kill.MEMORY, args[1].toString());
        }
        return runtime.createV8ValueUndefined();
    }

    @Override
    public void close() {
        watchdog.unregister(this);
        synchronized (killLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (sampleLock) {
            // waits for a sample in flight; any later one sees closed
        }
        for (Call call : pending.values()) {
            call.failed(new ScriptException(ScriptException.Kind.CANCELLED, "the isolate was closed while the invocation waited"));
        }
        pending.clear();
        try {
            if (invoke != null) {
                invoke.close();
            }
            if (hostFunctions != null) {
                for (V8ValueFunction f : hostFunctions) {
                    f.close();
                }
            }
            runtime.close();
        } catch (JavetException | RuntimeException e) {
            V8Engine.LOG.debug("closing an isolate of {} failed", runner.script.id(), e);
        }
    }
}
