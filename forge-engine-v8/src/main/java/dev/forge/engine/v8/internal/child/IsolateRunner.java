package dev.forge.engine.v8.internal.child;

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
import com.caoccao.javet.values.primitive.V8ValueInteger;
import com.caoccao.javet.values.reference.V8ValueFunction;
import dev.forge.engine.v8.internal.wire.Tags;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One V8 isolate holding one version of one script: the prelude, the tenant's code and its entry point. It
 * is handed work a turn at a time ({@link #load}, {@link #enter}, {@link #probe}) and answers; it knows
 * nothing of calls, deadlines or tenants beyond what its {@link IsolateSpec} and each turn carry. The host
 * drives it directly in-process, and through a lane in an isolate process.
 *
 * <p>A turn is numbered by the host; {@link #terminate(long)} ends that turn and no other, so a request that
 * arrives late never hits the next one. Memory is enforced here, inside the isolate's process: V8's
 * near-heap-limit callback, the prelude's meter of ArrayBuffer allocations, and the {@link MemoryGuard}'s
 * samples each end the turn with a memory message.
 *
 * <p>Thread-safety: one thread at a time runs turns; {@link #terminate}, {@link #sample} and {@link #close}
 * may come from other threads (V8 allows termination and statistics requests from anywhere, and a lock
 * keeps both away from a closed isolate).
 */
public final class IsolateRunner implements AutoCloseable {

    /** The turn was terminated: for memory (with the reason), or at the host's request (no reason). */
    public static final class Terminated extends Exception {
        private static final long serialVersionUID = 1L;
        private final String memoryMessage;

        public Terminated(String memoryMessage) {
            super(memoryMessage == null ? "terminated" : memoryMessage, null, false, false);
            this.memoryMessage = memoryMessage;
        }

        /** Why memory ended the turn, or null if the host asked for it. */
        public String memoryMessage() {
            return memoryMessage;
        }
    }

    /** V8 itself failed (not the script); the isolate cannot be used again. */
    public static final class Broken extends Exception {
        private static final long serialVersionUID = 1L;

        public Broken(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Why a script did not load.
     *
     * @param kind syntax, runtime, stack or host
     */
    public record LoadFailure(String kind, String message, String stack, int line, int column) {
    }

    /** How much V8 may grow the heap past its ceiling for a terminated script to unwind. */
    private static final long HEAP_ROOM_BYTES = 32L << 20;
    private static final long STATS_STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final String STACK_OVERFLOW = "Maximum call stack size exceeded";

    private final IsolateSpec spec;
    private final MemoryGuard guard;
    private final long heapLimit;
    private V8Runtime runtime;
    private V8ValueFunction entry;
    private V8ValueFunction[] hostFunctions;
    /** The current turn's host; touched only by the thread running the turn. */
    private HostCalls host;

    /** Guards termination requests against close: V8 must never be asked anything about a freed isolate. */
    private final Object killLock = new Object();
    /** Guards memory sampling against close, without ever holding {@link #killLock} while V8 answers. */
    private final Object sampleLock = new Object();
    private volatile boolean closed;
    private volatile long turn;
    private volatile long turnStartNanos;
    private volatile boolean terminating;
    private volatile String memoryKill;
    private volatile long statsRequestedNanos;

    public IsolateRunner(IsolateSpec spec, MemoryGuard guard) {
        this.spec = spec;
        this.guard = guard;
        this.heapLimit = spec.heapBytes();
    }

    /**
     * Builds the isolate: a fresh runtime, the prelude, the bindings' installer, the tenant's code (with the
     * code cache when there is one), and its entry point bound.
     *
     * @return null when loaded, else why the script did not load
     * @throws Terminated if the turn was terminated (the host's deadline, or memory)
     * @throws Broken if V8 failed
     */
    public LoadFailure load(long turnId, HostCalls turnHost) throws Terminated, Broken {
        try {
            runtime = V8Setup.newRuntime();
        } catch (JavetException e) {
            throw new Broken("V8 could not create an isolate: " + e.getMessage());
        }
        runtime.setNearHeapLimitCallback((now, initial) -> {
            killForMemory("the script's heap reached V8's ceiling of " + (now >> 20) + " MiB (its limit is "
                    + (heapLimit >> 20) + " MiB)");
            // Room to unwind after the termination. A built-in that does not look at the interrupt keeps
            // allocating: in an isolate process the room is given once, and past it V8's fatal out-of-memory
            // ends only that process; in the host's own JVM that would end the host, so room is given again.
            if (V8Setup.inIsolateProcess() && now - initial >= HEAP_ROOM_BYTES) {
                return now;
            }
            return now + HEAP_ROOM_BYTES;
        });
        guard.register(this);
        begin(turnId, turnHost);
        try {
            hostFunctions = new V8ValueFunction[] {
                hostFunction("log", this::onLog), hostFunction("settle", this::onSettle),
                hostFunction("kill", this::onKill), hostFunction("op", this::onOperation),
                hostFunction("cancel", this::onCancel), hostFunction("module", this::onModule),
                hostFunction("sync", this::onSync)};
            try (V8ValueFunction setup = Prelude.setup(runtime);
                 V8Value installer = Prelude.installer(runtime, spec);
                 V8ValueFunction bind = setup.call(null, hostFunctions[0], hostFunctions[1], hostFunctions[2],
                         hostFunctions[3], hostFunctions[4], hostFunctions[5], hostFunctions[6], installer,
                         spec.preludeOptions());
                 V8Value main = TenantCode.load(runtime, spec, CodeCaches.PROCESS)) {
                entry = bind.call(null, main);
            }
            if (end()) {
                throw terminated();
            }
            return null;
        } catch (JavetTerminatedException e) {
            end();
            throw terminated();
        } catch (JavetCompilationException e) {
            end();
            return failure("syntax", e.getScriptingError(), true);
        } catch (JavetExecutionException e) {
            end();
            return failure("runtime", e.getScriptingError(), false);
        } catch (TenantCode.ModuleRejected e) {
            end();
            return new LoadFailure("runtime", e.getMessage(), "", 0, 0);
        } catch (IllegalStateException e) {
            end();
            return new LoadFailure("host", e.getMessage(), "", 0, 0);
        } catch (JavetException e) {
            end();
            throw new Broken("V8 failed while loading the script: " + e.getMessage());
        }
    }

    private LoadFailure failure(String kind, JavetScriptingError error, boolean syntax) {
        String message = error.getDetailedMessage();
        int line = error.getLineNumber();
        int column = error.getStartColumn() + 1;
        String stack = error.getStack() == null ? "" : Stacks.withoutForgeFrames(error.getStack());
        if (!syntax) {
            int[] where = Stacks.position(stack, spec.resourceName());
            if (where[0] > 0) {
                line = where[0];
                column = where[1];
            }
        }
        if (!syntax && message != null && message.contains(STACK_OVERFLOW)) {
            kind = "stack";
        }
        return new LoadFailure(kind, message == null ? "" : message, stack, line, column);
    }

    private V8ValueFunction hostFunction(String name, IJavetDirectCallable.NoThisAndResult<Exception> body)
            throws JavetException {
        return runtime.createV8ValueFunction(new JavetCallbackContext(name, JavetCallbackType.DirectCallNoThisAndResult, body));
    }

    /**
     * Runs one turn: the prelude's entry point in {@code mode} ({@link Tags#MODE_START} or
     * {@link Tags#MODE_DELIVER}), after forgetting the finished invocations in {@code forget} (or null).
     *
     * @return the entry point's tagged result
     * @throws Terminated if the turn was terminated
     * @throws Broken if V8 failed
     */
    public String enter(long turnId, int mode, int inv, Object a, String b, String forget, HostCalls turnHost)
            throws Terminated, Broken {
        begin(turnId, turnHost);
        try {
            if (forget != null) {
                entry.callString(null, Tags.MODE_FORGET, 0, forget, "");
            }
            String result = entry.callString(null, mode, inv, a, b);
            if (end()) {
                // terminated just as the entry point returned: the turn is over either way
                throw terminated();
            }
            return result;
        } catch (JavetTerminatedException e) {
            end();
            throw terminated();
        } catch (JavetException e) {
            end();
            throw new Broken("V8 failed: " + e.getMessage());
        }
    }

    /**
     * After a terminated turn: is the isolate still usable, and within its memory? The probe runs
     * JavaScript (V8 may run microtasks a terminated call left behind), so it is a turn the host can
     * terminate like any other.
     */
    public boolean probe(long turnId) {
        if (runtime == null || runtime.isDead() || runtime.isClosed()) {
            return false;
        }
        begin(turnId, null);
        try {
            runtime.getExecutor("0").executeVoid();
            if (end()) {
                terminated();
                return false;
            }
            V8HeapStatistics s = runtime.getV8HeapStatistics().getNow(null);
            return s == null || s.getUsedHeapSize() + s.getExternalMemory() <= heapLimit;
        } catch (JavetException | RuntimeException e) {
            end();
            terminated();
            return false;
        }
    }

    private void begin(long turnId, HostCalls turnHost) {
        host = turnHost;
        turnStartNanos = System.nanoTime();
        turn = turnId;
        guard.turnStarted();
    }

    /** Ends the turn's window; true if a termination raced with its end. */
    private boolean end() {
        synchronized (killLock) {
            turn = 0;
            boolean raced = terminating;
            terminating = false;
            return raced;
        }
    }

    private Terminated terminated() {
        String why = memoryKill;
        memoryKill = null;
        runtime.cancelTerminateExecution();
        return new Terminated(why);
    }

    /** Terminates turn {@code turnId} if it is still running; any thread. */
    public void terminate(long turnId) {
        synchronized (killLock) {
            if (closed || turnId == 0 || turn != turnId) {
                return;
            }
            terminating = true;
            runtime.terminateExecution();
        }
    }

    /** Terminates the running turn for memory; any thread. */
    void killForMemory(String message) {
        synchronized (killLock) {
            if (closed || turn == 0) {
                return;
            }
            if (memoryKill == null) {
                memoryKill = message;
            }
            terminating = true;
            runtime.terminateExecution();
        }
    }

    // ---- memory sampling (the guard's thread) ----------------------------------------------------------

    boolean running() {
        return turn != 0;
    }

    /** True if a memory sample is due; the caller then calls {@link #sample()}. */
    boolean sampleDue(long now) {
        if (now - turnStartNanos < MemoryGuard.SAMPLE_NANOS) {
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
    void sample() {
        CompletableFuture<V8HeapStatistics> stats;
        synchronized (sampleLock) {
            if (closed || turn == 0) {
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
            if (s != null && turn != 0) {
                check(s);
            }
        });
    }

    /** The limit covers the heap and the ArrayBuffer memory outside it, together. */
    private void check(V8HeapStatistics s) {
        long heap = s.getUsedHeapSize();
        long external = s.getExternalMemory();
        if (heap + external > heapLimit) {
            killForMemory("the script's memory (" + (heap >> 20) + " MiB of heap and " + (external >> 20)
                    + " MiB of ArrayBuffers) passed its " + (heapLimit >> 20) + " MiB limit");
        }
    }

    // ---- host functions -------------------------------------------------------------------------------

    private static int intArg(V8Value v) {
        return v instanceof V8ValueInteger i ? i.getValue() : (int) Double.parseDouble(v.toString());
    }

    private V8Value onLog(V8Value... args) throws JavetException {
        if (args.length == 2 && host != null) {
            host.log(args[0].toString(), args[1].toString());
        }
        return runtime.createV8ValueUndefined();
    }

    private V8Value onSettle(V8Value... args) throws JavetException {
        if (args.length == 2 && host != null) {
            host.settle(intArg(args[0]), args[1].toString());
        }
        return runtime.createV8ValueUndefined();
    }

    private V8Value onKill(V8Value... args) throws JavetException {
        if (args.length == 2 && "memory".equals(args[0].toString())) {
            killForMemory(args[1].toString());
        }
        return runtime.createV8ValueUndefined();
    }

    /** op(inv, id, kind, argsJson): starts a host operation whose result is delivered later. */
    private V8Value onOperation(V8Value... args) throws JavetException {
        if (args.length == 4 && host != null) {
            host.op(intArg(args[0]), intArg(args[1]), args[2].toString(), args[3].toString());
        }
        return runtime.createV8ValueUndefined();
    }

    private V8Value onCancel(V8Value... args) throws JavetException {
        if (args.length == 1 && host != null) {
            host.cancel(intArg(args[0]));
        }
        return runtime.createV8ValueUndefined();
    }

    /** module(name): 'S' + CommonJS source, or 'E' + why not. */
    private V8Value onModule(V8Value... args) throws JavetException {
        if (args.length != 1 || host == null) {
            return runtime.createV8ValueString(Tags.ERROR + "modules load only while the script runs");
        }
        return runtime.createV8ValueString(host.module(args[0].toString()));
    }

    /** sync(inv, fn, argsJson): a synchronous bindings function; 'O' + JSON, 'U', or 'E' + why. */
    private V8Value onSync(V8Value... args) throws JavetException {
        if (args.length != 3 || host == null) {
            return runtime.createV8ValueString(Tags.ERROR + "no synchronous host functions here");
        }
        return runtime.createV8ValueString(host.sync(intArg(args[0]), args[1].toString(), args[2].toString()));
    }

    @Override
    public void close() {
        guard.unregister(this);
        synchronized (killLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (sampleLock) {
            // waits for a sample in flight; any later one sees closed
        }
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
            // nothing more to free: the runtime is gone either way
        }
    }
}
