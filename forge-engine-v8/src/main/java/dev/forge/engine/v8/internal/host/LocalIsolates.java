package dev.forge.engine.v8.internal.host;

import dev.forge.engine.v8.internal.child.MemoryGuard;
import dev.forge.engine.v8.internal.child.V8Setup;

/**
 * In-process isolation: V8 in the host's JVM, loaded when the engine is built.
 *
 * <p>Thread-safety: thread-safe.
 */
final class LocalIsolates implements Isolates {

    private final MemoryGuard guard;

    LocalIsolates(long heapBytes, int engineId) {
        V8Setup.logTo(JavetLogs.INSTANCE);
        V8Setup.ensure(heapBytes);
        V8Setup.warmUp();
        this.guard = new MemoryGuard("forge-v8-" + engineId + "-memory");
    }

    @Override
    public IsolateLink create(ScriptState script, long deadlineNanos) {
        return new LocalLink(script.spec, guard);
    }

    @Override
    public void checkHeap(long heapBytes) {
        V8Setup.ensure(heapBytes);
    }

    @Override
    public String name() {
        return "in-process";
    }

    @Override
    public int processes() {
        return 0;
    }

    @Override
    public int spares() {
        return 0;
    }

    @Override
    public String confinement() {
        return "none: in-process isolation runs V8 in the host's own JVM";
    }

    @Override
    public void close() {
        guard.close();
    }
}
