package dev.forge.engine.v8.internal.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.internal.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The host's own check of an {@code incr} step, for a child that skips the prelude's: the JSON a forged
 * operation could carry, including what {@code asLong} used to turn into Long.MAX_VALUE (1e300) or wrap
 * (2^63 to -2^63).
 */
class IncrStepTest {

    private static JsonNode by(String json) {
        return Json.parse("by", "{\"by\":" + json + "}").get("by");
    }

    @Test
    void exactIntegersPass() {
        assertEquals(1, HostOps.step(null), "absent: 1");
        assertEquals(-5, HostOps.step(by("-5")));
        assertEquals(3, HostOps.step(by("3.0")), "JSON may write an integer as a double");
        assertEquals(9007199254740991L, HostOps.step(by("9007199254740991")));
        assertEquals(-9007199254740991L, HostOps.step(by("-9.007199254740991E15")));
    }

    @Test
    void everythingElseIsRefusedWithTheValue() {
        for (String json : List.of("1e300", "-1e300", "1.5", "null", "\"7\"", "true", "9007199254740992",
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551617", "[1]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostOps.step(by(json)), json);
            assertEquals("datastore.incr: by must be an integer from -9007199254740991 to 9007199254740991, got "
                    + by(json), e.getMessage());
        }
    }
}
