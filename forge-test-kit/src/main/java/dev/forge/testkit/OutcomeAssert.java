package dev.forge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Outcome;
import dev.forge.ScriptException;
import dev.forge.SipStatus;
import dev.forge.testkit.internal.TestJson;
import org.junit.jupiter.api.AssertionFailureBuilder;

import java.util.Objects;

/**
 * Fluent assertions on one {@link Outcome}. Every failure message names the script, what was expected and
 * what actually happened (the data, the SIP status, or the error with its line and column).
 *
 * <pre>{@code
 * runner.load("dnc.js").invoke("@calls/listed.json").assertRejected(604, "Number on DNC List");
 * JsonNode out = runner.load("lcr.js").invoke("@calls/three-routes.json").assertOk().data();
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class OutcomeAssert {

    private static final int MAX_DATA_CHARS = 400;

    private final String scriptId;
    private final Outcome outcome;

    OutcomeAssert(String scriptId, Outcome outcome) {
        this.scriptId = Objects.requireNonNull(scriptId, "scriptId");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /** Assertions on an outcome obtained elsewhere, e.g. from {@code forge.invoke(...)}. */
    public static OutcomeAssert assertThat(Outcome outcome) {
        return new OutcomeAssert("the script", outcome);
    }

    /** The outcome under test. */
    public Outcome outcome() {
        return outcome;
    }

    public OutcomeAssert assertOk() {
        if (!(outcome instanceof Outcome.Ok)) {
            fail("to return data", "ok", describe(outcome));
        }
        return this;
    }

    /** The returned data as a tree; fails unless the outcome is ok. */
    public JsonNode data() {
        assertOk();
        return ((Outcome.Ok) outcome).data();
    }

    /** Asserts ok and that the returned data equals {@code expectedJson} as JSON (key order ignored). */
    public OutcomeAssert assertData(String expectedJson) {
        JsonNode expected = TestJson.parse("expectedJson", expectedJson);
        JsonNode actual = data();
        if (!expected.equals(actual)) {
            fail("to return " + TestJson.write(expected), TestJson.write(expected), TestJson.write(actual));
        }
        return this;
    }

    /** Asserts ok and that the value at the JSON pointer (e.g. {@code /routing/cli}) is the text {@code expected}. */
    public OutcomeAssert assertDataAt(String pointer, String expected) {
        JsonNode at = data().at(pointer);
        if (at.isMissingNode() || !at.isValueNode() || !at.asText().equals(expected)) {
            fail("to return '" + expected + "' at " + pointer, expected,
                    at.isMissingNode() ? "nothing at " + pointer : TestJson.write(at));
        }
        return this;
    }

    public OutcomeAssert assertRejected(int code, String reason) {
        return assertSip(Outcome.Rejected.class, "to reject the call with", new SipStatus(code, reason));
    }

    /** Asserts a rejection with this code, whatever the reason phrase. */
    public OutcomeAssert assertRejected(int code) {
        if (!(outcome instanceof Outcome.Rejected r) || r.status().code() != code) {
            fail("to reject the call with " + code, "rejected " + code, describe(outcome));
        }
        return this;
    }

    /** Asserts the deadline passed, whatever the timeout action. */
    public OutcomeAssert assertTimedOut() {
        if (!(outcome instanceof Outcome.TimedOut)) {
            fail("to time out", "timeout", describe(outcome));
        }
        return this;
    }

    /** Asserts the deadline passed and the call got this timeout action. */
    public OutcomeAssert assertTimedOut(int code, String reason) {
        return assertSip(Outcome.TimedOut.class, "to time out with", new SipStatus(code, reason));
    }

    public OutcomeAssert assertFailed(ScriptException.Kind kind) {
        Objects.requireNonNull(kind, "kind");
        if (!(outcome instanceof Outcome.Failed f) || f.error().kind() != kind) {
            fail("to fail with a " + kind.id() + " error", "error " + kind.id(), describe(outcome));
        }
        return this;
    }

    /** The script's error; fails unless the outcome is a failure. */
    public ScriptException error() {
        if (!(outcome instanceof Outcome.Failed f)) {
            fail("to fail", "error", describe(outcome));
            throw new AssertionError("unreachable");
        }
        return f.error();
    }

    /** Asserts a failure whose message contains {@code text}. */
    public OutcomeAssert assertMessageContains(String text) {
        String message = error().getMessage();
        if (!message.contains(text)) {
            fail("to fail with a message containing '" + text + "'", text, describe(outcome));
        }
        return this;
    }

    /** Asserts a failure reported at this 1-based line and column of the script. */
    public OutcomeAssert assertErrorAt(int line, int column) {
        ScriptException e = error();
        if (e.line() != line || e.column() != column) {
            fail("to fail at line " + line + ", column " + column, line + ":" + column,
                    e.line() + ":" + e.column() + " (" + describe(outcome) + ")");
        }
        return this;
    }

    private OutcomeAssert assertSip(Class<? extends Outcome> type, String what, SipStatus expected) {
        if (!type.isInstance(outcome) || !expected.equals(outcome.sip())) {
            fail(what + " " + expected, expected.toString(), describe(outcome));
        }
        return this;
    }

    private void fail(String expectation, Object expected, Object actual) {
        AssertionFailureBuilder.assertionFailure()
                .message("expected " + scriptId + " " + expectation + ", but it " + describe(outcome))
                .expected(expected)
                .actual(actual)
                .buildAndThrow();
    }

    /** A person's description of an outcome, e.g. {@code was rejected with 486 Busy Here}. */
    public static String describe(Outcome outcome) {
        if (outcome instanceof Outcome.Ok ok) {
            String data = ok.dataJson();
            if (data.length() > MAX_DATA_CHARS) {
                data = data.substring(0, MAX_DATA_CHARS) + "...";
            }
            return "returned " + data;
        }
        if (outcome instanceof Outcome.Rejected r) {
            return "was rejected with " + r.status();
        }
        if (outcome instanceof Outcome.TimedOut t) {
            return "timed out (the call gets " + t.action() + ")";
        }
        if (outcome instanceof Outcome.Failed f) {
            ScriptException e = f.error();
            String where = e.line() > 0 ? " at line " + e.line() + ", column " + e.column() : "";
            return "failed with a " + e.kind().id() + " error" + where + ": " + e.getMessage();
        }
        Outcome.Overloaded o = (Outcome.Overloaded) outcome;
        return "was refused as overloaded (" + o.status() + "): " + o.why();
    }
}
