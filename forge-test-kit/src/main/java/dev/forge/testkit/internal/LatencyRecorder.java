package dev.forge.testkit.internal;

import java.util.Arrays;
import java.util.Collection;

/**
 * A growable buffer of latencies in microseconds, one per owning thread; merged and sorted at the end.
 *
 * <p>Recording is an array store, so it adds nothing measurable to the path being measured.
 *
 * <p>Thread-safety: not thread-safe; each thread records into its own instance and
 * {@link #merge(Collection)} runs after those threads have been joined.
 */
public final class LatencyRecorder {

    private long[] values = new long[1024];
    private int size;

    public void record(long micros) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = micros;
    }

    public int size() {
        return size;
    }

    /** All values of all recorders, sorted ascending. */
    public static long[] merge(Collection<LatencyRecorder> recorders) {
        int total = 0;
        for (LatencyRecorder r : recorders) {
            total += r.size;
        }
        long[] all = new long[total];
        int at = 0;
        for (LatencyRecorder r : recorders) {
            System.arraycopy(r.values, 0, all, at, r.size);
            at += r.size;
        }
        Arrays.sort(all);
        return all;
    }

    /** This recorder's values, sorted ascending. */
    public long[] sorted() {
        long[] copy = Arrays.copyOf(values, size);
        Arrays.sort(copy);
        return copy;
    }
}
