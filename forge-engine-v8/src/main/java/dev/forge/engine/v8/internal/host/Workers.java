package dev.forge.engine.v8.internal.host;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's platform threads. Their number is {@code threads}, plus one for every thread left behind in
 * V8 by a script that ignored termination (in-process isolation), so that a stuck thread never costs the
 * rest of the engine a thread; the extra one goes when the stuck thread comes back.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Workers {

    /** Java stack for engine threads: V8 uses {@code V8Setup.STACK_KIB} of it. */
    private static final long THREAD_STACK_BYTES = 4L << 20;

    private final ThreadPoolExecutor pool;
    /** Threads left behind in V8 now: close does not wait for them. */
    private int behind;

    Workers(int threads, String prefix) {
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                factory(prefix));
    }

    static ThreadFactory factory(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, prefix + count.incrementAndGet(), THREAD_STACK_BYTES);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code task} on an engine thread, or here when the engine is closing. */
    void execute(Runnable task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException closing) {
            task.run();
        }
    }

    /** One more thread, in place of one left behind in V8. */
    synchronized void grow() {
        behind++;
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
        pool.setCorePoolSize(pool.getCorePoolSize() + 1);
    }

    /** A thread left behind came back: give its stand-in up. */
    synchronized void shrink() {
        behind--;
        pool.setCorePoolSize(pool.getCorePoolSize() - 1);
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() - 1);
    }

    int started() {
        return pool.getPoolSize();
    }

    /**
     * Stops taking work and waits up to {@code millis} for what runs; threads left behind in V8 are not waited
     * for (they end with their built-in).
     */
    boolean close(long millis) {
        pool.shutdown();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (!pool.awaitTermination(10, TimeUnit.MILLISECONDS)) {
                synchronized (this) {
                    if (pool.getActiveCount() <= behind) {
                        return true;
                    }
                }
                if (System.nanoTime() - until > 0) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
