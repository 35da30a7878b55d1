package dev.forge.redis;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transport's retry and reconnect waits: doubling ceilings from 50 ms to 2 s, each jittered below it. */
class RedisTransportBackoffTest {

    @Test
    void waitsDoubleUpToTwoSecondsAndSpreadOverTheUpperHalf() {
        long[] ceilings = {50, 100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (int failures = 0; failures < ceilings.length; failures++) {
            long ceiling = ceilings[failures];
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                long wait = RedisTransport.backoffMillis(failures);
                assertTrue(wait >= ceiling / 2 && wait <= ceiling, failures + " failures: " + wait + " ms");
                seen.add(wait);
            }
            assertTrue(seen.size() > 1, failures + " failures: every wait was " + seen);
        }
    }
}
