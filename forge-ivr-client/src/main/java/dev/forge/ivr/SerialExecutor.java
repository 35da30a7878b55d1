package dev.forge.ivr;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: each controlled session has one, so that
 * its state changes never interleave while sessions run in parallel. {@link #execute} only queues, so the
 * socket's receive thread can hand frames to a session without waiting. When the pool refuses (it was shut
 * down), the tasks run on the calling thread so that no stage is left hanging.
 *
 * <p>Thread-safety: thread-safe.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    private static final ThreadLocal<SerialExecutor> CURRENT = new ThreadLocal<>();
    private static final int BATCH = 64;

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    /**
     * Runs {@code task} on the calling thread when this executor is idle, else queues it. The hot path uses it:
     * an application thread applying a component, and the socket's receive thread handing over an apply's reply,
     * a stop or a digit, so that a round trip costs no hand-off to the pool. Session tasks are short and never
     * block; the continuations they complete run here too, which is why handlers, listeners and stage
     * continuations must not block (the receive thread of the whole connection may be running them).
     */
    void executeHere(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            drain();
        }
    }

    /** True on a thread that is running a task of this executor. */
    boolean isCurrent() {
        return CURRENT.get() == this;
    }

    /** True on a thread that is running a task of any serial executor (a session callback). */
    static boolean inAnySession() {
        return CURRENT.get() != null;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                drain();
            }
        }
    }

    private void drain() {
        SerialExecutor outer = CURRENT.get();
        CURRENT.set(this);
        int ran = 0;
        try {
            while (true) {
                Runnable task;
                while (ran < BATCH && (task = tasks.poll()) != null) {
                    ran++;
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        LOG.warn("an ivrapi session task failed", e);
                    }
                }
                scheduled.set(false);
                // Work that arrived while the flag was still set (typically the next apply, from the thread a
                // completed stage just woke) runs here too, within the batch, instead of costing a hand-off.
                if (ran >= BATCH || tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
                    break;
                }
            }
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
        // a full batch: go again later, to be fair to the other sessions
        if (!tasks.isEmpty()) {
            schedule();
        }
    }
}
