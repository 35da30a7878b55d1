package dev.forge.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What {@code forge bench} shows while it runs: once a second, one line on stderr with the time so far, the
 * phase, the calls so far and the rate over the last second:
 * {@code forge bench: 12 s measuring, 2940112 calls, 245010/s}.
 *
 * <p>It always prints, whether stderr is a terminal or not (Java 17 cannot tell for stderr alone), as plain lines
 * that read well in a log; stdout keeps only the result. {@code 2>/dev/null} hides it.
 *
 * <p>Thread-safety: {@link #called()} and {@link #phase} from any thread; {@link #report()} runs on the timer.
 */
final class BenchProgress implements AutoCloseable {

    private final PrintStream err;
    private final LongSupplier nanoClock;
    private final LongAdder calls = new LongAdder();
    private final long startNanos;
    private volatile String phase = "starting";
    private ScheduledExecutorService timer;
    // the last report, read and written under the monitor
    private long lastNanos;
    private long lastCalls;

    BenchProgress(PrintStream err, LongSupplier nanoClock) {
        this.err = err;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastNanos = startNanos;
    }

    /** Reports once a second on a daemon thread until closed. */
    static BenchProgress start(PrintStream err) {
        BenchProgress progress = new BenchProgress(err, System::nanoTime);
        progress.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "forge-bench-progress");
            t.setDaemon(true);
            return t;
        });
        progress.timer.scheduleAtFixedRate(progress::report, 1, 1, TimeUnit.SECONDS);
        return progress;
    }

    /** One call completed (warmup or measured). */
    void called() {
        calls.increment();
    }

    void phase(String name) {
        phase = name;
    }

    /** Prints one line: the time since the start, the phase, the calls so far and the rate since the last line. */
    synchronized void report() {
        long now = nanoClock.getAsLong();
        long total = calls.sum();
        double since = (now - lastNanos) / 1e9;
        long rate = since <= 0 ? 0 : Math.round((total - lastCalls) / since);
        err.printf(Locale.ROOT, "forge bench: %d s %s, %d calls, %d/s%n", Math.round((now - startNanos) / 1e9), phase,
                total, rate);
        err.flush();
        lastNanos = now;
        lastCalls = total;
    }

    /** Stops the timer; a line being printed is finished first, so none follows the result. Idempotent. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdown(); // cancels the periodic report without interrupting one in progress
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
