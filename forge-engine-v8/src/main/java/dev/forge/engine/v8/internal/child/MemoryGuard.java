package dev.forge.engine.v8.internal.child;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that watches the memory of isolates while they run: every {@link #SAMPLE_NANOS} it asks each
 * isolate that has been running that long for its heap and ArrayBuffer memory, and an isolate over its
 * script's limit is terminated. A turn shorter than that is never sampled, so the hot path pays nothing.
 *
 * <p>While isolates are busy the guard polls; after a second with nothing running it parks until the next
 * turn wakes it, so an idle process costs no wake-ups.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class MemoryGuard implements AutoCloseable {

    public static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Set<IsolateRunner> runners = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean idle;
    private volatile boolean closed;

    public MemoryGuard(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    void register(IsolateRunner runner) {
        runners.add(runner);
    }

    void unregister(IsolateRunner runner) {
        runners.remove(runner);
    }

    /** A turn started: wake the guard if it is parked for want of work (after a quiet second only). */
    void turnStarted() {
        if (idle) {
            idle = false;
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        long lastActive = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            if (scan(now)) {
                lastActive = now;
            } else if (now - lastActive > QUIET_NANOS) {
                idle = true;
                if (!scan(System.nanoTime())) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
                idle = false;
                lastActive = System.nanoTime();
                continue;
            }
            LockSupport.parkNanos(this, SAMPLE_NANOS);
        }
    }

    /** Samples the isolates that have run long enough; true if any runs. */
    private boolean scan(long now) {
        boolean running = false;
        for (IsolateRunner r : runners) {
            if (r.running()) {
                running = true;
                if (r.sampleDue(now)) {
                    r.sample();
                }
            }
        }
        return running;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
