package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlOptionsTest {

    @Test
    void defaults() {
        ControlOptions o = ControlOptions.defaults();
        assertTrue(o.matches("anything"));
        assertEquals(ControlOptions.Overlap.QUEUE, o.overlap());
        assertEquals(ControlOptions.DEFAULT_TERMINATE_GRACE, o.terminateGrace());
        assertEquals(ControlOptions.DEFAULT_FIRST_OID, o.firstOId());
        assertEquals(Duration.ofSeconds(2), o.settleAfterReaccept(), "bounded by default: nothing waits forever");
        assertEquals(o.toString(), o.toBuilder().build().toString());
    }

    @Test
    void keysByExactValueOrRule() {
        ControlOptions exact = ControlOptions.builder().key("abc").build();
        assertTrue(exact.matches("abc"));
        assertFalse(exact.matches("abcd"));
        assertEquals("key 'abc'", exact.keyDescription());
        ControlOptions rule = ControlOptions.builder().keys(k -> k.startsWith("sales-"), "sales-*").build();
        assertTrue(rule.matches("sales-1"));
        assertFalse(rule.matches("support"));
        assertTrue(rule.toBuilder().anyKey().build().matches("support"));
    }

    @Test
    void invalidSettingsNameTheValue() {
        assertEquals("terminateGrace must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> ControlOptions.builder().terminateGrace(Duration.ZERO).build()).getMessage());
        assertEquals("dtmfBuffer must be at least 1 digit, got 0", assertThrows(IllegalArgumentException.class,
                () -> ControlOptions.builder().dtmfBuffer(0).build()).getMessage());
        assertEquals("threads must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> ControlOptions.builder().threads(0).build()).getMessage());
        assertEquals("settleAfterReaccept must be zero (probe at once) or more, got PT-0.001S",
                assertThrows(IllegalArgumentException.class, () -> ControlOptions.builder()
                        .settleAfterReaccept(Duration.ofMillis(-1)).build()).getMessage());
        assertEquals("settleAfterReaccept", assertThrows(NullPointerException.class,
                () -> ControlOptions.builder().settleAfterReaccept(null)).getMessage());
    }

    @Test
    void settlingAtOnceIsAllowed() {
        ControlOptions o = ControlOptions.builder().settleAfterReaccept(Duration.ZERO).build();
        assertEquals(Duration.ZERO, o.settleAfterReaccept());
        assertEquals(Duration.ZERO, o.toBuilder().build().settleAfterReaccept());
        assertTrue(o.toString().contains("settleAfterReaccept=PT0S"), o.toString());
    }
}
