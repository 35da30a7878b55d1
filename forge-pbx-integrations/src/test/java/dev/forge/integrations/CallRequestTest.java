package dev.forge.integrations;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallRequestTest {

    @Test
    void defaultsAreTheFrameworks() {
        CallRequest r = CallRequest.builder().domain("tenant1.pbx.com").user("41").to("+12125550100").build();
        assertEquals(Duration.ofSeconds(60), r.timeout());
        assertFalse(r.connect());
        assertNull(r.from());
        assertNull(r.ani());
    }

    @Test
    void fromAloneIsEnough() {
        CallRequest r = CallRequest.builder().domain("tenant1.pbx.com").from("2125550199").to("41").connect(true).build();
        assertNull(r.user());
        assertEquals("2125550199", r.from());
        assertTrue(r.connect());
    }

    @Test
    void errorsNameTheField() {
        var noTo = assertThrows(IllegalArgumentException.class,
                () -> CallRequest.builder().domain("t").user("41").build());
        assertTrue(noTo.getMessage().startsWith("to: required"), noTo.getMessage());

        var neither = assertThrows(IllegalArgumentException.class,
                () -> CallRequest.builder().domain("t").to("42").user(" ").build());
        assertTrue(neither.getMessage().startsWith("user: required unless from is given"), neither.getMessage());

        var noDomain = assertThrows(IllegalArgumentException.class,
                () -> CallRequest.builder().user("41").to("42").build());
        assertTrue(noDomain.getMessage().startsWith("domain: required"), noDomain.getMessage());

        var badTimeout = assertThrows(IllegalArgumentException.class,
                () -> CallRequest.builder().domain("t").user("41").to("42").timeout(Duration.ZERO).build());
        assertEquals("timeout: must be a positive number of seconds, got 0.0", badTimeout.getMessage());
    }

    @Test
    void callEndDefaults() {
        CallEnd end = CallEnd.of("c-1");
        assertEquals(200, end.code());
        assertEquals("Request Terminated", end.explanation());
        assertFalse(end.forced());
        assertEquals("Request Terminated", new CallEnd("c-1", 486, null, true).explanation());
        var noId = assertThrows(IllegalArgumentException.class, () -> new CallEnd("", 200, null, false));
        assertTrue(noId.getMessage().startsWith("id: required"), noId.getMessage());
        var badCode = assertThrows(IllegalArgumentException.class, () -> new CallEnd("c", 99, null, false));
        assertEquals("code: a SIP code is 100 to 699, got 99", badCode.getMessage());
    }
}
