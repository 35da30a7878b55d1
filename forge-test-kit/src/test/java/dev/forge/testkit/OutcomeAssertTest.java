package dev.forge.testkit;

import dev.forge.Outcome;
import dev.forge.ScriptException;
import dev.forge.ScriptException.Kind;
import dev.forge.SipStatus;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assertions pass on the outcomes they describe and fail with messages that say what happened. */
class OutcomeAssertTest {

    private static final Outcome OK = new Outcome.Ok("{\"routing\":{\"cli\":\"4477\",\"n\":1}}", 10);
    private static final Outcome REJECTED = new Outcome.Rejected(new SipStatus(604, "Number on DNC List"), 10);
    private static final Outcome TIMED_OUT = new Outcome.TimedOut(SipStatus.DEFAULT_TIMEOUT_ACTION, 10);
    private static final Outcome FAILED = new Outcome.Failed(
            new ScriptException(Kind.SYNTAX, "SyntaxError: Unexpected token ';'", "", 3, 16), 10);

    private static OutcomeAssert on(Outcome outcome) {
        return new OutcomeAssert("acme/dnc.js", outcome);
    }

    private static String failure(Runnable assertion) {
        return assertThrows(AssertionFailedError.class, assertion::run).getMessage();
    }

    @Test
    void passesOnMatchingOutcomes() {
        on(OK).assertOk().assertData("{\"routing\":{\"n\":1,\"cli\":\"4477\"}}").assertDataAt("/routing/cli", "4477");
        on(REJECTED).assertRejected(604, "Number on DNC List").assertRejected(604);
        on(TIMED_OUT).assertTimedOut().assertTimedOut(408, "Request Timeout");
        on(FAILED).assertFailed(Kind.SYNTAX).assertErrorAt(3, 16).assertMessageContains("Unexpected token");
        assertEquals(1, on(OK).data().at("/routing/n").asInt());
    }

    @Test
    void failureNamesTheScriptTheExpectationAndWhatHappened() {
        String message = failure(() -> on(OK).assertRejected(604, "Number on DNC List"));
        assertTrue(message.startsWith("expected acme/dnc.js to reject the call with 604 Number on DNC List, but it returned {"),
                message);
    }

    @Test
    void failureShowsTheErrorWithItsPosition() {
        String message = failure(() -> on(FAILED).assertOk());
        assertTrue(message.contains("failed with a syntax error at line 3, column 16: SyntaxError: Unexpected token ';'"),
                message);
    }

    @Test
    void wrongReasonOrKindFails() {
        assertTrue(failure(() -> on(REJECTED).assertRejected(604, "Busy")).contains("was rejected with 604 Number on DNC List"));
        assertTrue(failure(() -> on(REJECTED).assertRejected(486)).contains("reject the call with 486"));
        assertTrue(failure(() -> on(FAILED).assertFailed(Kind.RUNTIME)).contains("to fail with a runtime error"));
        assertTrue(failure(() -> on(TIMED_OUT).assertTimedOut(480, "Temporarily Unavailable"))
                .contains("timed out (the call gets 408 Request Timeout)"));
        assertTrue(failure(() -> on(FAILED).assertErrorAt(2, 1)).contains("to fail at line 2, column 1"));
    }

    @Test
    void dataMismatchShowsBothSides() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> on(OK).assertData("{\"routing\":{}}"));
        assertEquals("{\"routing\":{}}", e.getExpected().getStringRepresentation());
        assertEquals("{\"routing\":{\"cli\":\"4477\",\"n\":1}}", e.getActual().getStringRepresentation());
        assertTrue(failure(() -> on(OK).assertDataAt("/routing/none", "x")).contains("to return 'x' at /routing/none"));
    }

    @Test
    void overloadIsDescribed() {
        Outcome overloaded = new Outcome.Overloaded(SipStatus.DEFAULT_OVERLOAD, "queue full", 1);
        assertEquals("was refused as overloaded (503 Service Unavailable): queue full", OutcomeAssert.describe(overloaded));
    }
}
