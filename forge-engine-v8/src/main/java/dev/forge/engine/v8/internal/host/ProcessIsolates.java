package dev.forge.engine.v8.internal.host;

import dev.forge.EngineOptions;

/**
 * Process isolation: isolates live in child processes that a {@link Supervisor} starts and replaces. Every
 * child gets the same V8 heap ceiling, from the engine's default memory limit.
 *
 * <p>Thread-safety: thread-safe.
 */
final class ProcessIsolates implements Isolates {

    final Supervisor supervisor;
    private final long heapBytes;

    ProcessIsolates(EngineOptions options, long heapBytes, EngineEvents events, int engineId) {
        this.heapBytes = heapBytes;
        this.supervisor = new Supervisor(options, events, heapBytes, engineId);
        try {
            supervisor.awaitFirst();
        } catch (RuntimeException e) {
            supervisor.close();
            throw e;
        }
    }

    @Override
    public IsolateLink create(ScriptState script, long deadlineNanos) throws Supervisor.Unavailable {
        String tenant = script.script.tenant();
        return new RemoteLink(supervisor.childFor(tenant, deadlineNanos), tenant, script.script.id(),
                script.limits.heapBytes(), supervisor);
    }

    @Override
    public void checkHeap(long bytes) {
        if (bytes > heapBytes) {
            throw new IllegalStateException("memory: " + (bytes >> 20) + "m is above the isolate processes' heap ceiling of "
                    + (heapBytes >> 20) + "m, which this Forge's default limit fixed; give Forge.builder().limits(...) "
                    + "the largest limit any script has");
        }
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public int processes() {
        return supervisor.live();
    }

    @Override
    public int spares() {
        return supervisor.readySpares();
    }

    @Override
    public String confinement() {
        return supervisor.confinement();
    }

    @Override
    public void close() {
        supervisor.close();
    }
}
