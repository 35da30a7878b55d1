package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.forge.ivr.ControlSession.AcceptResult;
import dev.forge.ivr.ControlSession.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every sequence of up to {@value #MAX} operations from a small alphabet, on a fresh session, against the
 * invariants: never two components at once, nothing sent after api_stop, reaccept only when owned, and a
 * refused operation changes nothing. (jqwik would do this by sampling; the alphabet is small enough to be
 * exhaustive.)
 */
class ControlSessionSequencesTest {
    private static final int MAX = 6;

    enum Op { ACCEPT, ACCEPTED_OK, ACCEPTED_LOST, REACCEPT, APPLY_MEDIA, APPLY_HANGUP, COMPONENT_STOPPED, TERMINATE,
        ABORT, STOPPED }

    /** The observable result of one operation: null when refused, else the request sent (or a non-send marker). */
    private static Object run(ControlSession s, Op op) {
        try {
            return switch (op) {
                case ACCEPT -> s.accept();
                case ACCEPTED_OK -> s.accepted(AcceptResult.OK);
                case ACCEPTED_LOST -> s.accepted(AcceptResult.LOST);
                case REACCEPT -> s.reaccept();
                case APPLY_MEDIA -> s.apply(MEDIA, 1);
                case APPLY_HANGUP -> s.apply(HANGUP, 2);
                case COMPONENT_STOPPED -> s.componentStopped();
                case TERMINATE -> s.terminate();
                case ABORT -> s.abort();
                case STOPPED -> s.stopped(StopReason.SCRIPT);
            };
        } catch (IvrStateException e) {
            assertTrue(e.getMessage().contains(" refused in state " + e.state() + ": " + e.rule()), e.getMessage());
            assertEquals(s.state(), e.state(), e.getMessage());
            return null;
        }
    }

    private static final Component MEDIA = Component.playback("prompts/a.wav");
    private static final Component HANGUP = Component.hangup().withEarlyResponse(486, "Busy Here");

    /** The model of one sequence so far, checked against the session after each operation. */
    private record Model(int running, boolean stopped, boolean owns, List<Op> done) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"dialog", "early", "ringing"})
    void invariantsHoldForAllSequences(String sipState) {
        long checked = walk(ControlSessionTest.offered(sipState), new Model(0, false, false, List.of()));
        long expected = 0;
        for (int len = 0, p = 1; len <= MAX; len++, p *= Op.values().length) {
            expected += p;
        }
        assertEquals(expected, checked, "sequences checked");
    }

    /** Depth first over all continuations of the sequence that led to {@code s}; returns the sequences seen. */
    private static long walk(ControlSession s, Model m) {
        long n = 1;
        if (m.done().size() == MAX) {
            return n;
        }
        for (Op op : Op.values()) {
            ControlSession next = s.copy();
            n += walk(next, step(next, op, m));
        }
        return n;
    }

    private static Model step(ControlSession s, Op op, Model m) {
        List<Op> done = new ArrayList<>(m.done());
        done.add(op);
        int running = m.running();
        boolean stopped = m.stopped();
        boolean owns = m.owns();
        State before = s.state();
        String sipBefore = s.sipState();
        Object result = run(s, op);
        boolean sent = result instanceof IvrRequest;
        if (op == Op.REACCEPT) {
            assertEquals(owns && !stopped, sent, () -> "reaccept must succeed exactly when owned: " + done);
        }
        if (result == null) {
            if (before != s.state() || !Objects.equals(sipBefore, s.sipState())) {
                fail("a refused " + op + " changed the session: " + done + " -> " + s);
            }
            return new Model(running, stopped, owns, done);
        }
        if (sent && stopped) {
            fail("sent " + result + " after api_stop: " + done);
        }
        if (op == Op.APPLY_MEDIA || op == Op.APPLY_HANGUP) {
            running++;
            if (running > 1) {
                fail("two components at once: " + done);
            }
            if (op == Op.APPLY_MEDIA) {
                assertTrue("dialog".equals(sipBefore) || "early".equals(sipBefore), done::toString);
            }
            if (op == Op.APPLY_HANGUP && !"dialog".equals(sipBefore)) {
                assertEquals(Component.SIP_RESPONSE,
                        ((IvrRequest.ComponentApply) result).data().get("oType").intValue(), done::toString);
            }
        }
        if (op == Op.COMPONENT_STOPPED || op == Op.ABORT) {
            running = 0;
        }
        if (op == Op.ACCEPTED_OK) {
            owns = true;
        }
        if (op == Op.ABORT || op == Op.STOPPED) {
            owns = false;
        }
        if (op == Op.STOPPED) {
            stopped = true;
            running = 0;
        }
        boolean ownsNow = owns;
        int runningNow = running;
        assertEquals(ownsNow, s.owned(), () -> "ownership differs from the model after " + done);
        assertEquals(s.state() == State.COMPONENT_RUNNING, runningNow == 1, () -> "state " + s.state()
                + " but the model says " + runningNow + " running after " + done);
        if (stopped) {
            assertEquals(State.ENDED, s.state(), done::toString);
        }
        return new Model(running, stopped, owns, done);
    }
}
