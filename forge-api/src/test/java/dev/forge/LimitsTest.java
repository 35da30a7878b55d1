package dev.forge;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LimitsTest {

    @Test
    void defaultsAreScriptForges() {
        assertEquals(Duration.ofSeconds(2), Limits.DEFAULT.timeout());
        assertEquals(100L * 1024 * 1024, Limits.DEFAULT.heapBytes());
    }

    @Test
    void zeroOrNegativeLimitsAreRefusedNamingTheField() {
        assertEquals("timeout: must be positive, got 0 ms",
                assertThrows(IllegalArgumentException.class, () -> new Limits(Duration.ZERO, 1L << 30)).getMessage());
        assertEquals("timeout: must be positive, got -5 ms",
                assertThrows(IllegalArgumentException.class, () -> new Limits(Duration.ofMillis(-5), 1L << 30)).getMessage());
        assertEquals("memory: must be positive, got -1 bytes",
                assertThrows(IllegalArgumentException.class, () -> new Limits(Duration.ofSeconds(1), -1)).getMessage());
    }

    @Test
    void parsesDurationsAndSizes() {
        assertEquals(Duration.ofSeconds(2), Limits.parseDuration("timeout", "2s"));
        assertEquals(Duration.ofMillis(250), Limits.parseDuration("timeout", "250ms"));
        assertEquals(Duration.ofMillis(1500), Limits.parseDuration("timeout", "1.5s"));
        assertEquals(Duration.ofMinutes(1), Limits.parseDuration("timeout", "1m"));
        assertEquals(100L << 20, Limits.parseBytes("memory", "100m"));
        assertEquals(100L << 20, Limits.parseBytes("memory", "100MB"));
        assertEquals(1L << 30, Limits.parseBytes("memory", "1g"));
        assertEquals(512L << 10, Limits.parseBytes("memory", "512k"));
    }

    @Test
    void badTextNamesTheFieldAndValue() {
        assertEquals("timeout: 'soon' is not a duration; write e.g. 2s, 250ms or 1m",
                assertThrows(IllegalArgumentException.class, () -> Limits.parseDuration("timeout", "soon")).getMessage());
        assertEquals("timeout: must be positive, got '0s'",
                assertThrows(IllegalArgumentException.class, () -> Limits.parseDuration("timeout", "0s")).getMessage());
        assertEquals("memory: must be positive, got '-5m'",
                assertThrows(IllegalArgumentException.class, () -> Limits.parseBytes("memory", "-5m")).getMessage());
        assertEquals("memory: 'lots' is not a size; write e.g. 100m, 512k or 1g",
                assertThrows(IllegalArgumentException.class, () -> Limits.parseBytes("memory", "lots")).getMessage());
    }
}
