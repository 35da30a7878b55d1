package dev.forge.engine.v8.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the resident memory of this JVM's isolate processes from outside, as a test or benchmark would
 * see it in {@code top}: a thread reads {@code /proc/PID/statm} of every child process running Forge's
 * {@code ChildMain} about every 200 µs and keeps the highest value since {@link #reset()}; on
 * {@link #peakBytes()} the kernel's own high-water mark ({@code VmHWM}, cleared by {@link #reset()}) of the
 * children still alive is taken into account too.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ChildMemory implements AutoCloseable {

    private static final long PAGE = 4096;
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    public ChildMemory() {
        thread = new Thread(this::loop, "child-memory");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a new measurement: the kernel's high-water marks are cleared too. */
    public void reset() {
        for (long pid : children()) {
            try {
                Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
            } catch (IOException e) {
                // not allowed here: the sampled values still count
            }
        }
        peak.set(0);
    }

    /** The largest resident set among the isolate processes alive now. */
    public static long largestNow() {
        long max = 0;
        for (long pid : children()) {
            max = Math.max(max, rss(pid));
        }
        return max;
    }

    /** The highest resident set of any isolate process since {@link #reset()}. */
    public long peakBytes() {
        for (long pid : children()) {
            peak.accumulateAndGet(hwm(pid), Math::max);
        }
        return peak.get();
    }

    /** The resident memory of every isolate process alive now, summed. */
    public static long totalNow() {
        long sum = 0;
        for (long pid : children()) {
            sum += rss(pid);
        }
        return sum;
    }

    /** The isolate processes (their JVMs, not a confinement's unshare around them) of this JVM alive now. */
    public static List<Long> children() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)
                        && p.info().commandLine().map(c -> c.contains("ChildMain") || c.contains("ForgingChild")).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    private void loop() {
        List<Long> pids = children();
        long refreshed = System.nanoTime();
        while (!closed) {
            if (System.nanoTime() - refreshed > 20_000_000L) {
                pids = children();
                refreshed = System.nanoTime();
            }
            for (long pid : pids) {
                peak.accumulateAndGet(rss(pid), Math::max);
            }
            LockSupport.parkNanos(200_000);
        }
    }

    private static long rss(long pid) {
        try {
            String statm = Files.readString(Path.of("/proc/" + pid + "/statm"));
            String[] f = statm.split(" ");
            return Long.parseLong(f[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long hwm(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    @Override
    public void close() {
        closed = true;
    }
}
