package dev.forge.engine.v8.internal.child;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interfaces.IJavetLogger;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.options.V8Flags;
import com.caoccao.javet.interop.options.V8RuntimeOptions;

/**
 * The process-wide side of V8: its flags, which must be set once, before the first isolate exists.
 *
 * <p>V8's heap ceiling is one flag for the whole process. Forge sets it from the largest heap limit it
 * expects (plus room for the prelude); each isolate's own limit is then enforced below it by the
 * near-heap-limit callback and the {@link MemoryGuard}'s sampling. In an isolate process the host sets the
 * ceiling at start; in-process the first engine fixes it, and an engine created later that asks for more
 * is refused with a message that says so.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class V8Setup {

    /**
     * The V8 stack limit per thread, in KiB. V8 measures it down from where a thread first enters the
     * isolate, so it must fit inside the stack of any thread that runs scripts, callers included (see
     * {@link dev.forge.EngineOptions#callerRuns()}): 192 KiB leaves room on threads of 320 KiB and more,
     * and gives scripts about two thousand frames of recursion.
     */
    public static final int STACK_KIB = 192;

    /** Room above a script's limit for Forge's own objects and for V8 to unwind after termination. */
    public static final long HEADROOM_BYTES = 16L * 1024 * 1024;

    private static long ceilingBytes;
    private static boolean warm;
    private static volatile IJavetLogger logger = QuietJavetLogs.INSTANCE;
    private static volatile boolean isolateProcess;

    private V8Setup() {
    }

    /** This JVM is an isolate process: nothing but V8 lives here, so V8 may die of what it cannot survive. */
    static void markIsolateProcess() {
        isolateProcess = true;
    }

    static boolean inIsolateProcess() {
        return isolateProcess;
    }

    /** Where Javet's own log lines go (the host sends them to SLF4J; a child drops them). */
    public static void logTo(IJavetLogger value) {
        logger = value;
    }

    /**
     * Makes sure V8 is set up for isolates of up to {@code heapBytes}; returns the heap ceiling in force.
     *
     * @throws IllegalStateException if V8 is already running with a lower ceiling
     */
    public static synchronized long ensure(long heapBytes) {
        long wanted = heapBytes + HEADROOM_BYTES;
        if (ceilingBytes == 0) {
            V8Flags flags = V8RuntimeOptions.V8_FLAGS;
            if (!flags.isSealed()) {
                int mib = (int) Math.min(Integer.MAX_VALUE, (wanted + (1 << 20) - 1) >> 20);
                flags.setMaxHeapSize(mib);
                flags.setCustomFlags("--stack-size=" + STACK_KIB);
                ceilingBytes = (long) mib << 20;
            } else {
                ceilingBytes = (long) flags.getMaxHeapSize() << 20;
                if (ceilingBytes == 0) {
                    ceilingBytes = Long.MAX_VALUE;
                }
            }
        }
        if (heapBytes > ceilingBytes) {
            throw new IllegalStateException("memory: " + (heapBytes >> 20) + "m is above this process's V8 heap ceiling of "
                    + (ceilingBytes >> 20) + "m, which the first Forge engine fixed; give the largest limit to the "
                    + "first Forge built in this JVM");
        }
        return ceilingBytes;
    }

    /**
     * Loads V8 (its native library and the platform: about 300 ms, once per process) so that the first
     * call of the first script does not pay for it.
     */
    public static synchronized void warmUp() {
        if (warm) {
            return;
        }
        try (V8Runtime runtime = newRuntime()) {
            Prelude.warm(runtime);
            warm = true;
        } catch (JavetException e) {
            throw new IllegalStateException("V8 could not start: " + e.getMessage(), e);
        }
    }

    static V8Runtime newRuntime() throws JavetException {
        V8Runtime runtime = V8Host.getV8Instance().createV8Runtime();
        runtime.setLogger(logger);
        runtime.setPromiseRejectCallback((event, promise, value) -> { });
        return runtime;
    }
}
