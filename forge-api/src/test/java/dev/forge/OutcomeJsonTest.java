package dev.forge;

import dev.forge.internal.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutcomeJsonTest {

    @Test
    void eachOutcomeInTheCliFormat() {
        assertEquals("{\"outcome\":\"ok\",\"data\":{\"routing\":{}},\"micros\":12}",
                new Outcome.Ok("{\"routing\":{}}", 12).toJson());
        assertEquals("{\"outcome\":\"rejected\",\"sip\":{\"code\":404,\"reason\":\"Not Found\"},\"micros\":3}",
                new Outcome.Rejected(new SipStatus(404, "Not Found"), 3).toJson());
        assertEquals("{\"outcome\":\"timeout\",\"sip\":{\"code\":480,\"reason\":\"Temporarily Unavailable\"},\"micros\":2000000}",
                new Outcome.TimedOut(SipStatus.parse("480 Temporarily Unavailable"), 2_000_000).toJson());
        assertEquals("{\"outcome\":\"error\",\"error\":{\"kind\":\"syntax\",\"message\":\"SyntaxError: x\",\"line\":2,"
                        + "\"column\":11,\"stack\":\"\"},\"micros\":5}",
                new Outcome.Failed(new ScriptException(ScriptException.Kind.SYNTAX, "SyntaxError: x", "", 2, 11), 5).toJson());
    }

    @Test
    void outcomesRoundTrip() {
        Outcome[] all = {
            new Outcome.Ok("[1,2]", 1),
            new Outcome.Rejected(new SipStatus(486, "Busy Here"), 2),
            new Outcome.TimedOut(SipStatus.DEFAULT_TIMEOUT_ACTION, 3),
            new Outcome.Overloaded(SipStatus.DEFAULT_OVERLOAD, "queue full", 4),
        };
        for (Outcome o : all) {
            assertEquals(o, Json.readOutcome(o.toJson()));
        }
        Outcome.Failed failed = (Outcome.Failed) Json.readOutcome(new Outcome.Failed(
                new ScriptException(ScriptException.Kind.STACK, "RangeError: deep", "at r (s.js:1:2)", 1, 2), 9).toJson());
        assertEquals(ScriptException.Kind.STACK, failed.error().kind());
        assertEquals("at r (s.js:1:2)", failed.error().scriptStack());
    }
}
