package dev.forge.cli;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencySummaryTest {

    @Test
    void nearestRankPercentilesOfHistogramsAddedUp() {
        Histogram a = LatencySummary.histogram();
        Histogram b = LatencySummary.histogram();
        for (int i = 1000; i >= 1; i--) {
            (i % 2 == 0 ? a : b).recordValue(i);
        }
        Histogram all = LatencySummary.histogram();
        all.add(a);
        all.add(b);
        LatencySummary expected = new LatencySummary(1000, 500, 900, 990, 999, 1000);
        assertEquals(expected, LatencySummary.of(all), "exact below 2048");
        long[] sorted = new long[1000];
        for (int i = 0; i < 1000; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(expected, LatencySummary.ofSorted(sorted), "the exact summary agrees");
    }

    @Test
    void emptyAndSingle() {
        assertEquals(new LatencySummary(0, 0, 0, 0, 0, 0), LatencySummary.of(LatencySummary.histogram()));
        assertEquals(new LatencySummary(0, 0, 0, 0, 0, 0), LatencySummary.ofSorted(new long[0]));
        Histogram one = LatencySummary.histogram();
        one.recordValue(7);
        assertEquals(new LatencySummary(1, 7, 7, 7, 7, 7), LatencySummary.of(one));
    }

    /** The point of the histogram: a long run costs memory by the range of values, not by their number. */
    @Test
    void manyValuesAcrossAWideRangeFitInAFixedFootprintWithinATenthOfAPercent() {
        Random random = new Random(42);
        Histogram h = LatencySummary.histogram();
        long[] values = new long[2_000_000];
        for (int i = 0; i < values.length; i++) {
            // 1 µs to about an hour, log-uniform, as latencies spread
            values[i] = Math.max(1, (long) Math.exp(random.nextDouble() * Math.log(3.6e9)));
            h.recordValue(values[i]);
        }
        long footprint = h.getEstimatedFootprintInBytes();
        assertTrue(footprint < 256 * 1024, "footprint " + footprint + " bytes for " + values.length + " values");
        java.util.Arrays.sort(values);
        LatencySummary exact = LatencySummary.ofSorted(values);
        LatencySummary approx = LatencySummary.of(h);
        assertEquals(exact.count(), approx.count());
        for (long[] pair : new long[][] {{exact.p50(), approx.p50()}, {exact.p90(), approx.p90()}, {exact.p99(), approx.p99()},
                {exact.p999(), approx.p999()}, {exact.max(), approx.max()}}) {
            assertTrue(pair[1] >= pair[0] && pair[1] - pair[0] <= pair[0] / 1000 + 1,
                    "histogram " + pair[1] + " against exact " + pair[0] + ": rounds up, within 0.1%");
        }
    }
}
