package dev.forge.internal;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitterTest {

    @Test
    void waitsStayInTheUpperHalfAndSpreadOverIt() {
        SplittableRandom random = new SplittableRandom(42);
        for (long delay : new long[] {2, 3, 50, 1_000, 30_000, 5_000_000_000L}) {
            Set<Long> seen = new HashSet<>();
            long lowest = Long.MAX_VALUE;
            long highest = Long.MIN_VALUE;
            for (int i = 0; i < 2_000; i++) {
                long wait = Jitter.spread(delay, random);
                assertTrue(wait >= delay - delay / 2 && wait <= delay, "delay " + delay + " gave " + wait);
                seen.add(wait);
                lowest = Math.min(lowest, wait);
                highest = Math.max(highest, wait);
            }
            assertTrue(seen.size() > 1, "delay " + delay + ": all " + seen);
            if (delay >= 1_000) {
                // spread over the half, not bunched: the draws reach both ends' tenths
                assertTrue(lowest < delay / 2 + delay / 10 && highest > delay - delay / 10,
                        "delay " + delay + ": draws from " + lowest + " to " + highest);
            }
        }
    }

    @Test
    void theDefaultRandomSpreadsToo() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            long wait = Jitter.spread(100);
            assertTrue(wait >= 50 && wait <= 100, "gave " + wait);
            seen.add(wait);
        }
        assertTrue(seen.size() > 1, "100 draws from 51 values were all " + seen);
    }

    @Test
    void tinyAndBadDelays() {
        assertEquals(0, Jitter.spread(0));
        assertEquals(1, Jitter.spread(1), "never below 1 when the delay is 1");
        assertEquals("delay: must be 0 or more, got -5",
                assertThrows(IllegalArgumentException.class, () -> Jitter.spread(-5)).getMessage());
    }
}
