package dev.forge.engine.v8.internal;

import dev.forge.ScriptException;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that holds every deadline of an engine.
 *
 * <p>An isolate that starts running an invocation publishes its deadline in a volatile field and calls
 * {@link #armed}; the watchdog sleeps until the earliest deadline it knows, then terminates whatever
 * runs past its own. Calls that wait without running (queued for an isolate, or an App awaiting a
 * promise) are held in a queue ordered by deadline and end as timed out when it passes. While anything
 * runs, the watchdog also has the isolates' heap and ArrayBuffer memory sampled every
 * {@link #SAMPLE_NANOS}, on a thread of its own so that a slow answer from V8 never delays a deadline.
 *
 * <p>Registering a deadline costs two volatile accesses; nothing is allocated on the hot path.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Watchdog implements AutoCloseable {

    static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How soon to terminate again an isolate that still runs past its deadline. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Set<Isolate> isolates = ConcurrentHashMap.newKeySet();
    private final PriorityBlockingQueue<Call> waiting =
            new PriorityBlockingQueue<>(64, Comparator.comparingLong((Call c) -> c.deadlineNanos));
    private final Thread thread;
    private final ExecutorService sampler;
    private volatile long wakeAt;
    private volatile boolean scanning;
    private volatile boolean closed;

    Watchdog(String name) {
        sampler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-sampler");
            t.setDaemon(true);
            return t;
        });
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    void register(Isolate isolate) {
        isolates.add(isolate);
    }

    void unregister(Isolate isolate) {
        isolates.remove(isolate);
    }

    /** A running isolate published {@code deadline}: make sure the watchdog wakes for it. */
    void armed(long deadline) {
        if (scanning || deadline - wakeAt < 0) {
            LockSupport.unpark(thread);
        }
    }

    /** Ends {@code call} as timed out at its deadline unless it completes first. */
    void await(Call call) {
        waiting.add(call);
        armed(call.deadlineNanos);
    }

    /** Calls waiting, for stats. */
    int waitingCount() {
        return waiting.size();
    }

    private void loop() {
        while (!closed) {
            scanning = true;
            long now = System.nanoTime();
            long next = now + IDLE_NANOS;
            boolean running = false;
            for (Isolate isolate : isolates) {
                long deadline = isolate.deadline();
                if (deadline == 0) {
                    continue;
                }
                running = true;
                if (now - deadline >= 0) {
                    isolate.expire(deadline);
                    if (now + RETRY_NANOS - next < 0) {
                        next = now + RETRY_NANOS;
                    }
                } else {
                    if (deadline - next < 0) {
                        next = deadline;
                    }
                    if (isolate.memorySampleDue(now)) {
                        sampler.execute(isolate::sampleMemory);
                    }
                }
            }
            Call call;
            while ((call = waiting.peek()) != null) {
                if (call.isDone()) {
                    waiting.poll();
                } else if (now - call.deadlineNanos >= 0) {
                    waiting.poll();
                    call.timedOut();
                } else {
                    if (call.deadlineNanos - next < 0) {
                        next = call.deadlineNanos;
                    }
                    break;
                }
            }
            if (running && now + SAMPLE_NANOS - next < 0) {
                next = now + SAMPLE_NANOS;
            }
            wakeAt = next;
            scanning = false;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                LockSupport.parkNanos(this, sleep);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        sampler.shutdownNow();
        Call call;
        while ((call = waiting.poll()) != null) {
            call.failed(new ScriptException(ScriptException.Kind.CANCELLED, "Forge closed before the invocation ended"));
        }
    }
}
