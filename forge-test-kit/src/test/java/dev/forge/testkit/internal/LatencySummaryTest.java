package dev.forge.testkit.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencySummaryTest {

    @Test
    void nearestRankPercentiles() {
        LatencyRecorder a = new LatencyRecorder();
        LatencyRecorder b = new LatencyRecorder();
        for (int i = 1000; i >= 1; i--) {
            (i % 2 == 0 ? a : b).record(i);
        }
        LatencySummary s = LatencySummary.ofSorted(LatencyRecorder.merge(List.of(a, b)));
        assertEquals(new LatencySummary(1000, 500, 900, 990, 999, 1000), s);
    }

    @Test
    void emptyAndSingle() {
        assertEquals(new LatencySummary(0, 0, 0, 0, 0, 0), LatencySummary.ofSorted(new long[0]));
        assertEquals(new LatencySummary(1, 7, 7, 7, 7, 7), LatencySummary.ofSorted(new long[] {7}));
    }

    @Test
    void recorderGrowsPastItsFirstBuffer() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 5000; i++) {
            r.record(5000 - i);
        }
        long[] sorted = r.sorted();
        assertEquals(5000, sorted.length);
        assertEquals(1, sorted[0]);
        assertEquals(5000, sorted[4999]);
    }
}
