package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IvrOptionsTest {

    @Test
    void defaultsFollowThePlatformsAdvice() {
        IvrOptions o = IvrOptions.defaults();
        assertEquals(Duration.ofSeconds(300), o.subscriptionExpires());
        assertEquals(0.8, o.renewAt());
        assertEquals(IvrOptions.DEFAULT_REQUEST_TIMEOUT, o.requestTimeout());
        assertEquals(o, o.toBuilder().build());
    }

    @Test
    void invalidSettingsFailWithTheOffendingValue() {
        assertEquals("requestTimeout must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> IvrOptions.builder().requestTimeout(Duration.ZERO).build()).getMessage());
        assertEquals("subscriptionExpires must be 1 s to 3600 s (whole seconds on the wire), got PT2H",
                assertThrows(IllegalArgumentException.class,
                        () -> IvrOptions.builder().subscriptionExpires(Duration.ofHours(2)).build()).getMessage());
        assertEquals("renewAt must be a fraction between 0 and 1 (exclusive), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> IvrOptions.builder().renewAt(1).build())
                        .getMessage());
    }

    @Test
    void reconnectBacksOffExponentiallyUpToTheMaximum() {
        IvrOptions o = IvrOptions.builder().reconnectInitialDelay(Duration.ofMillis(100))
                .reconnectMaxDelay(Duration.ofMillis(1000)).reconnectMultiplier(2).build();
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            assertEquals(Duration.ofMillis(expected[attempt - 1]), o.reconnectDelay(attempt), "attempt " + attempt);
        }
        assertEquals(Duration.ofMillis(1000), o.reconnectDelay(Integer.MAX_VALUE));
        IvrOptions constant = o.toBuilder().reconnectMultiplier(1).build();
        assertEquals(Duration.ofMillis(100), constant.reconnectDelay(7));
        assertEquals(IvrOptions.DEFAULT_RECONNECT_INITIAL_DELAY, IvrOptions.defaults().reconnectDelay(1));
        assertEquals(IvrOptions.DEFAULT_RECONNECT, IvrOptions.defaults().reconnect());
    }

    @Test
    void invalidReconnectSettingsFailWithTheOffendingValue() {
        assertEquals("reconnectInitialDelay (PT1M) must not exceed reconnectMaxDelay (PT30S)",
                assertThrows(IllegalArgumentException.class, () -> IvrOptions.builder()
                        .reconnectInitialDelay(Duration.ofMinutes(1)).build()).getMessage());
        assertEquals("reconnectMultiplier must be from 1 (constant wait) to 100, got 0.5",
                assertThrows(IllegalArgumentException.class, () -> IvrOptions.builder().reconnectMultiplier(0.5)
                        .build()).getMessage());
        assertEquals("attempt counts from 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> IvrOptions.defaults().reconnectDelay(0)).getMessage());
    }
}
