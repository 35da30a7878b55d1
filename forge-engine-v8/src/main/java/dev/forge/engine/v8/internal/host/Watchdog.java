package dev.forge.engine.v8.internal.host;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that holds every deadline of an engine, from the moment a call is accepted.
 *
 * <p>A turn that starts publishes its deadline in a volatile field of its {@link Slot} and calls
 * {@link #armed}; the watchdog sleeps until the earliest deadline it knows, then tells the scheduler about
 * every turn running past its own, again every {@link #RETRY_NANOS} until the turn ends (the scheduler
 * terminates it, and contains it once it ignores termination past the kill grace). Calls that wait without
 * running (queued for a thread or an isolate, admitted behind another call, or an App awaiting a promise)
 * are held in a queue ordered by deadline and end as timed out when it passes.
 *
 * <p>Registering a deadline costs two volatile accesses; nothing is allocated on the hot path.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Watchdog {

    /** What the watchdog tells the scheduler. */
    interface Deadlines {
        /** {@code slot}'s turn, due at {@code deadline}, still runs at {@code now}. */
        void turnExpired(Slot slot, long deadline, long now);

        /** {@code call} waited past its deadline without running. */
        void callExpired(Call call);
    }

    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How soon to tell the scheduler again about a turn that still runs past its deadline. */
    static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Set<Slot> slots = ConcurrentHashMap.newKeySet();
    private final PriorityBlockingQueue<Call> waiting =
            new PriorityBlockingQueue<>(64, Comparator.comparingLong((Call c) -> c.deadlineNanos));
    private final Thread thread;
    private volatile Deadlines deadlines;
    private volatile long wakeAt;
    private volatile boolean scanning;
    private volatile boolean closed;

    Watchdog(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    /** Starts watching for {@code handler}. */
    void start(Deadlines handler) {
        this.deadlines = handler;
        thread.start();
    }

    void register(Slot slot) {
        slots.add(slot);
    }

    void unregister(Slot slot) {
        slots.remove(slot);
    }

    /** A turn published {@code deadline}: make sure the watchdog wakes for it. */
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

    private void loop() {
        while (!closed) {
            scanning = true;
            long now = System.nanoTime();
            long next = now + IDLE_NANOS;
            for (Slot slot : slots) {
                long deadline = slot.deadline;
                if (deadline == 0) {
                    continue;
                }
                if (now - deadline >= 0) {
                    deadlines.turnExpired(slot, deadline, now);
                    if (now + RETRY_NANOS - next < 0) {
                        next = now + RETRY_NANOS;
                    }
                } else if (deadline - next < 0) {
                    next = deadline;
                }
            }
            Call call;
            while ((call = waiting.peek()) != null) {
                if (call.isDone()) {
                    waiting.poll();
                } else if (now - call.deadlineNanos >= 0) {
                    waiting.poll();
                    deadlines.callExpired(call);
                } else {
                    if (call.deadlineNanos - next < 0) {
                        next = call.deadlineNanos;
                    }
                    break;
                }
            }
            wakeAt = next;
            scanning = false;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                LockSupport.parkNanos(this, sleep);
            }
        }
    }

    /** Stops the thread; returns the calls still waiting, for the scheduler to end. */
    List<Call> close() {
        closed = true;
        LockSupport.unpark(thread);
        List<Call> left = new ArrayList<>();
        waiting.drainTo(left);
        return left;
    }
}
