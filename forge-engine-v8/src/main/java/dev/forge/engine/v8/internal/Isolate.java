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
import com.caoccao.javet.values.reference.V8ValueFunction;
import dev.forge.ScriptException;
import org.slf4j.Logger;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One V8 isolate holding one version of one script: the prelude, the tenant's code, its entry point, and
 * the invocations in flight on it.
 *
 * <p>Owned by one platform thread at a time (the {@link IsolatePool} hands it out, and a thread owning it
 * drains its mailbox); only {@link #expire}, {@link #kill}, {@link #sampleMemory} and {@link #post}, which
 * other threads call, touch it from elsewhere: the first three only ask V8 to terminate or to report
 * statistics, which V8 allows from any thread, and {@code post} only queues.
 *
 * <p>Thread-safety: see above; not otherwise thread-safe.
 */
final class Isolate implements AutoCloseable {

    /** Why execution was terminated, if it was. */
    enum Kill { NONE, TIMEOUT, MEMORY }

    /** A host result on its way back to an invocation. */
    record Delivery(Call call, int operation, String payload) {
    }

    private static final long STATS_STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long UNWATCHED_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final ScriptRunner runner;
    private final Watchdog watchdog;
    private final IsolatePool pool;
    private final HostOps hostOps;
    private final long heapLimit;
    private final String resourceName;
    private final Map<Integer, Call> calls = new ConcurrentHashMap<>();
    private final Map<Integer, Future<?>> operations = new ConcurrentHashMap<>();
    private final Queue<Integer> finished = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Call> unwatched = new ArrayDeque<>();
    private long unwatchedSince;
    private V8Runtime runtime;
    private V8ValueFunction entry;
    private V8ValueFunction[] hostFunctions;
    private int nextInv;
    private int nextOperation;

    // guarded by the pool's lock: admitted calls to start ({@link Call}) and host results ({@link Delivery})
    final ArrayDeque<Object> mailbox = new ArrayDeque<>();
    boolean owned;
    int inFlight;

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

    Isolate(ScriptRunner runner, Watchdog watchdog, IsolatePool pool, HostOps hostOps) {
        this.runner = runner;
        this.watchdog = watchdog;
        this.pool = pool;
        this.hostOps = hostOps;
        this.heapLimit = runner.limits.heapBytes();
        this.resourceName = runner.resourceName;
    }

    boolean loaded() {
        return entry != null;
    }

    /** How many invocations may be in flight here at once: one for a Script, many for an App. */
    int capacity() {
        return runner.app ? runner.options.appInFlight() : 1;
    }

    // ---- loading --------------------------------------------------------------------------------------

    /**
     * Loads the script under {@code call}'s deadline: a fresh runtime, the prelude, the tenant's code (with
     * the code cache when there is one), and its entry point bound.
     *
     * @throws ScriptException if the script cannot be loaded
     * @throws LoadTimeout if loading ran past the deadline
     */
    void load(Call call) {
        try {
            runtime = V8Platform.newRuntime();
        } catch (JavetException e) {
            throw new ScriptException(ScriptException.Kind.HOST, "V8 could not create an isolate: " + e.getMessage(), e);
        }
        watchdog.register(this);
        runtime.setNearHeapLimitCallback((now, initial) -> {
            kill(Kill.MEMORY, "the script's heap reached V8's ceiling of " + (now >> 20) + " MiB (its limit is "
                    + (heapLimit >> 20) + " MiB)");
            return now + (32L << 20);
        });
        begin(call);
        try {
            hostFunctions = new V8ValueFunction[] {
                hostFunction("log", this::onLog), hostFunction("settle", this::onSettle),
                hostFunction("kill", this::onKill), hostFunction("op", this::onOperation),
                hostFunction("cancel", this::onCancel), hostFunction("module", this::onModule),
                hostFunction("sync", this::onSync)};
            try (V8ValueFunction setup = Prelude.setup(runtime);
                 V8Value installer = Prelude.installer(runtime, runner.bindings);
                 V8ValueFunction bind = setup.call(null, hostFunctions[0], hostFunctions[1], hostFunctions[2],
                         hostFunctions[3], hostFunctions[4], hostFunctions[5], hostFunctions[6], installer,
                         runner.preludeOptions);
                 V8Value main = TenantCode.load(runtime, runner)) {
                entry = bind.call(null, main);
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
        String stack = error.getStack() == null ? "" : Results.withoutPrelude(error.getStack());
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
        if (syntax && !runner.app && message != null && message.contains("await")) {
            message += " (a Script is synchronous; make it an App, type app, to use await)";
        }
        return new ScriptException(kind, message, stack, line, column);
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

    // ---- running --------------------------------------------------------------------------------------

    /**
     * Starts one invocation on the calling thread (which must own this isolate). A Script's call ends here;
     * an App's may wait on promises, to be ended by a later {@link #deliver} or by its deadline.
     */
    void start(Call call) {
        call.runStartNanos = System.nanoTime();
        consoleLines = 0;
        int inv = ++nextInv;
        call.inv = inv;
        boolean app = runner.app;
        if (app) {
            // A promise may settle in the microtask checkpoint before callString returns.
            calls.put(inv, call);
        }
        String result = enter(call, 0, inv, call.function, call.dataJson);
        if (result == null) {
            return;
        }
        if (result.length() == 1 && result.charAt(0) == 'P') {
            if (!call.isDone()) {
                // handed to the watchdog by watchPending: most awaits are answered before that is needed
                if (unwatched.isEmpty()) {
                    unwatchedSince = System.nanoTime();
                }
                unwatched.add(call);
            }
            return;
        }
        if (app) {
            calls.remove(inv);
        }
        Results.apply(call, result, resourceName);
    }

    /** Hands a host result to the invocation that asked for it, unless that invocation has ended. */
    void deliver(Delivery delivery) {
        Call call = delivery.call();
        if (call.isDone() || calls.get(call.inv) != call) {
            return;
        }
        enter(call, 1, call.inv, delivery.operation(), delivery.payload());
    }

    /**
     * Runs the prelude's entry point under {@code call}'s deadline; returns its result, or null if the call
     * ended here (terminated, or a host failure).
     */
    private String enter(Call call, int mode, int inv, Object a, String b) {
        String forget = forgettable();
        begin(call);
        try {
            if (forget != null) {
                entry.callString(null, 2, 0, forget, "");
            }
            String result = entry.callString(null, mode, inv, a, b);
            Kill raced = end();
            if (raced != Kill.NONE) {
                // The watchdog fired just as the script returned: the deadline had passed.
                afterTermination(call, raced);
                return null;
            }
            return result;
        } catch (JavetTerminatedException e) {
            afterTermination(call, end());
            return null;
        } catch (JavetException e) {
            end();
            healthy = false;
            call.failed(new ScriptException(ScriptException.Kind.HOST, "V8 failed: " + e.getMessage(), e));
            return null;
        }
    }

    private String forgettable() {
        if (finished.isEmpty()) {
            return null;
        }
        StringBuilder ids = new StringBuilder();
        Integer id;
        while ((id = finished.poll()) != null) {
            if (ids.length() > 0) {
                ids.append(',');
            }
            ids.append(id);
        }
        return ids.toString();
    }

    /**
     * Puts this isolate's waiting calls under the watchdog, so that they time out at their deadlines: at
     * once if {@code now} (the owner is letting the isolate go), else once the oldest has waited
     * {@link #UNWATCHED_NANOS}. Until then the owner is still working here and will most likely deliver
     * what they wait for, so the usual fast await costs the watchdog nothing. Owner thread only.
     */
    void watchPending(boolean now) {
        if (unwatched.isEmpty() || !now && System.nanoTime() - unwatchedSince < UNWATCHED_NANOS) {
            return;
        }
        Call call;
        while ((call = unwatched.poll()) != null) {
            if (!call.isDone()) {
                watchdog.await(call);
            }
        }
    }

    /**
     * Called (on any thread) when one of this isolate's calls ends, however it ends; {@code leftovers} says
     * whether it left host operations or timers behind, which the prelude must then forget.
     */
    void callEnded(Call call, boolean leftovers) {
        if (runner.app && calls.remove(call.inv, call) && leftovers) {
            finished.add(call.inv);
        }
        pool.callEnded(this, call);
    }

    /** Queues a host result for {@code call}; any thread. */
    void post(Call call, int operation, String payload) {
        if (!"T".equals(payload)) {
            operations.remove(operation);
        }
        if (!call.isDone()) {
            pool.post(this, new Delivery(call, operation, payload));
        }
    }

    /** Remembers a started host operation so that the script can cancel it and its call's end cancels it. */
    void track(Call call, int operation, Future<?> future) {
        operations.put(operation, future);
        call.addOperation(future);
    }

    private void begin(Call call) {
        watch(call.stretchDeadline(System.nanoTime()), call);
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
        // A Script's isolate is rebuilt after a timeout: V8 can leave a function that was terminated over and
        // over checking for interrupts only every few hundred milliseconds, and nothing else waits on it.
        // An App's isolate carries other invocations' awaits, so it is kept if it still answers.
        healthy = runner.app && probe();
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
        watch(System.nanoTime() + PROBE_NANOS, null);
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
            Call call = calls.get(Integer.parseInt(args[0].toString()));
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

    /** op(inv, kind, argsJson): starts a host operation; its id, or an error message for the script. */
    private V8Value onOperation(V8Value... args) throws JavetException {
        if (args.length != 3) {
            return runtime.createV8ValueString("host operation called with " + args.length + " arguments");
        }
        Call call = calls.get(Integer.parseInt(args[0].toString()));
        if (call == null || call.isDone()) {
            return runtime.createV8ValueString(args[1] + ": host operations need a running invocation; "
                    + "call them from main, not from the top level of the script");
        }
        int id = ++nextOperation;
        String refused = hostOps.start(this, call, id, args[1].toString(), args[2].toString());
        return refused != null ? runtime.createV8ValueString(refused) : runtime.createV8ValueInteger(id);
    }

    /** sync(inv, fn, argsJson): a synchronous bindings function; 'O' + JSON, 'U', or 'E' + why. */
    private V8Value onSync(V8Value... args) throws JavetException {
        if (args.length != 3 || runner.bindings == null) {
            return runtime.createV8ValueString("Eno synchronous host functions here");
        }
        Call call = calls.get(Integer.parseInt(args[0].toString()));
        if (call == null || call.isDone()) {
            return runtime.createV8ValueString("E" + args[1] + ": host functions need a running invocation; "
                    + "call them from an invocation, not from the top level of the script");
        }
        return runtime.createV8ValueString(HostOps.startSync(runner.bindings, call, args[1].toString(), args[2].toString()));
    }

    private V8Value onCancel(V8Value... args) throws JavetException {
        if (args.length == 1) {
            Future<?> f = operations.remove(Integer.parseInt(args[0].toString()));
            if (f != null) {
                f.cancel(true);
            }
        }
        return runtime.createV8ValueUndefined();
    }

    /** module(name): 'S' + CommonJS source, or 'E' + why not (with the names allowed). */
    private V8Value onModule(V8Value... args) throws JavetException {
        String name = args.length == 1 ? args[0].toString() : "";
        return runtime.createV8ValueString(TenantCode.moduleSource(runner, name));
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
        for (Call call : calls.values()) {
            call.failed(new ScriptException(ScriptException.Kind.CANCELLED, "the isolate was closed while the invocation waited"));
        }
        calls.clear();
        operations.values().forEach(f -> f.cancel(true));
        try {
            if (entry != null) {
                entry.close();
            }
            if (hostFunctions != null) {
                for (V8ValueFunction f : hostFunctions) {
                    f.close();
                }
            }
            if (runtime != null) {
                runtime.close();
            }
        } catch (JavetException | RuntimeException e) {
            V8Engine.LOG.debug("closing an isolate of {} failed", runner.script.id(), e);
        }
    }
}
