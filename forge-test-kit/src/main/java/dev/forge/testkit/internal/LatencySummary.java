package dev.forge.testkit.internal;

/**
 * Percentiles of a sorted array of latencies, by the nearest-rank method; all zero when empty.
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
public record LatencySummary(int count, long p50, long p90, long p99, long p999, long max) {

    /** Summarises values that are already sorted ascending. */
    public static LatencySummary ofSorted(long[] sorted) {
        if (sorted.length == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }
        return new LatencySummary(sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99),
                rank(sorted, 99.9), sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile: the smallest value with at least {@code p}% of values at or below it. */
    static long rank(long[] sorted, double p) {
        // the epsilon keeps 99.9% of 1000 at rank 999: 99.9 / 100 * 1000 is 999.0000000000001 in doubles
        int index = (int) Math.ceil(p / 100.0 * sorted.length - 1e-9) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
