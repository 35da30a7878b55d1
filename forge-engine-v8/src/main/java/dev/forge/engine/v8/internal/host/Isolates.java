package dev.forge.engine.v8.internal.host;

/**
 * Where an engine's isolates live: in this JVM ({@link LocalIsolates}) or in isolate processes
 * ({@link ProcessIsolates}). The scheduler asks for a new isolate here and drives it the same way either way.
 *
 * <p>Thread-safety: implementations are thread-safe.
 */
interface Isolates extends AutoCloseable {

    /**
     * A new isolate for {@code script}, not loaded yet. May wait for an isolate process to be ready, at most
     * until {@code deadlineNanos}.
     *
     * @throws Supervisor.Unavailable if no process can take it (quarantine backoff, none ready in time)
     */
    IsolateLink create(ScriptState script, long deadlineNanos) throws Supervisor.Unavailable;

    /**
     * Checks that isolates here can have {@code heapBytes} of heap.
     *
     * @throws IllegalStateException naming the limit and the ceiling if not
     */
    void checkHeap(long heapBytes);

    /** {@code process} or {@code in-process}. */
    String name();

    /** Isolate processes alive now; 0 in-process. */
    int processes();

    /** Isolate processes ready and kept as spares; 0 in-process. */
    int spares();

    /** What the operating system confines the isolates with, and what is missing. */
    String confinement();

    @Override
    void close();
}
