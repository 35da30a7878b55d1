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
}
