package dev.forge.cli;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of latencies by the nearest-rank method (the smallest value with at least p% of values at or
 * below it); all zero when there are none.
 *
 * <p>Open-ended runs ({@code forge bench}, {@code forge demo}) record into an HDR histogram ({@link #histogram()}),
 * whose size depends on the range of values, not on how many there are; its figures are exact below 2,048 and
 * within 0.1% above (three significant digits), and it rounds up within that precision. A fixed, small array of
 * samples (the benchmark programs) is summarised exactly by {@link #ofSorted}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param count how many values
 * @param p50   median, µs
 * @param p90   90th percentile, µs
 * @param p99   99th percentile, µs
 * @param p999  99.9th percentile, µs
 * @param max   largest value, µs
 */
public record LatencySummary(long count, long p50, long p90, long p99, long p999, long max) {

    /** Significant digits the histograms keep: 0.1% resolution, a few hundred KiB at most for µs up to hours. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private static final LatencySummary NONE = new LatencySummary(0, 0, 0, 0, 0, 0);

    /**
     * A histogram for one recording thread: it grows its range as values arrive, so no value is refused.
     * Not thread-safe: each thread records into its own, and they are {@link AbstractHistogram#add added} up once
     * the threads are joined.
     */
    public static Histogram histogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /** Summarises a histogram of latencies. */
    public static LatencySummary of(AbstractHistogram h) {
        if (h.getTotalCount() == 0) {
            return NONE;
        }
        return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    /** Summarises values that are already sorted ascending, exactly. */
    public static LatencySummary ofSorted(long[] sorted) {
        if (sorted.length == 0) {
            return NONE;
        }
        return new LatencySummary(sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99),
                rank(sorted, 99.9), sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile of sorted values. */
    static long rank(long[] sorted, double p) {
        // the epsilon keeps 99.9% of 1000 at rank 999: 99.9 / 100 * 1000 is 999.0000000000001 in doubles
        int index = (int) Math.ceil(p / 100.0 * sorted.length - 1e-9) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
