package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.forge.ivr.ControlSession.AcceptResult;
import dev.forge.ivr.ControlSession.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The control state machine against an independent model, over random sequences that include socket drops and
 * reconnects: never two components at once, nothing sent while the link is down or after api_stop, a refused
 * operation changes nothing, and after a reconnect exactly the sessions owned (or being accepted) are reaccepted,
 * keeping a running component running.
 */
class ControlSessionLinkPropertiesTest {

    enum Op { ACCEPT, ACCEPTED_OK, ACCEPTED_LOST, APPLY, APPLY_REFUSED, COMPONENT_STOPPED, TERMINATE, ABORT, STOPPED,
        LINK_DOWN, LINK_UP, REACCEPTED_OK, REACCEPTED_LOST }

    enum Phase { OFFERED, ACCEPTING, OWNED, LOST, ABORTED, ENDED }

    /** What the session should be after each operation, computed without looking at it. */
    private static final class Model {
        Phase phase = Phase.OFFERED;
        boolean running;
        boolean terminating;
        boolean link = true;

        boolean ended() {
            return phase == Phase.ENDED;
        }

        State expectedState() {
            return switch (phase) {
                case OFFERED -> State.OFFERED;
                case ACCEPTING -> State.ACCEPTING;
                case OWNED -> running ? State.COMPONENT_RUNNING : State.CONTROLLED;
                case LOST -> State.LOST;
                case ABORTED -> State.ABORTED;
                case ENDED -> State.ENDED;
            };
        }
    }

    @Provide
    Arbitrary<List<Op>> sequences() {
        return Arbitraries.of(Op.class).list().ofMaxSize(40);
    }

    @Property(tries = 2000)
    void theMachineFollowsTheModel(@ForAll("sequences") List<Op> ops) {
        ControlSession s = ControlSessionTest.offered("dialog");
        Model m = new Model();
        List<Op> done = new ArrayList<>();
        long oId = 1;
        for (Op op : ops) {
            done.add(op);
            State before = s.state();
            boolean linkBefore = s.isLinkUp();
            boolean mayEverSend = m.link && !m.ended();
            Object result;
            try {
                result = run(s, op, oId++);
            } catch (IvrStateException e) {
                assertEquals(before, s.state(), () -> "a refused " + op + " changed the state: " + done);
                assertEquals(linkBefore, s.isLinkUp(), () -> "a refused " + op + " changed the link: " + done);
                assertTrue(!allowed(m, op), () -> op + " was refused but the model allows it: " + done + " ("
                        + e.getMessage() + ")");
                continue;
            }
            assertTrue(allowed(m, op), () -> op + " was accepted but the model refuses it: " + done);
            if (result instanceof IvrRequest request) {
                if (!mayEverSend) {
                    fail("sent " + request.name() + (m.ended() ? " after api_stop: " : " while the link was down: ")
                            + done);
                }
            }
            step(m, op, result, done);
            assertEquals(m.expectedState(), s.state(), () -> "state after " + done);
            assertEquals(m.link, s.isLinkUp(), () -> "link after " + done);
        }
    }

    /**
     * Reaccept after reconnect: whatever happened before, a drop and a reconnect reaccept the session exactly when
     * it is owned or being accepted, and an accepted reaccept leaves it as it was (a running component stays).
     */
    @Property(tries = 2000)
    void aReconnectReacceptsOwnedSessionsAndKeepsTheirComponent(@ForAll("sequences") List<Op> prefix) {
        ControlSession s = ControlSessionTest.offered("dialog");
        long oId = 1;
        for (Op op : prefix) {
            if (op == Op.LINK_DOWN) {
                continue; // the prefix runs on a live link
            }
            try {
                run(s, op, oId++);
            } catch (IvrStateException e) {
                // a refused step is part of the random history
            }
        }
        State before = s.state();
        s.linkDown();
        Optional<IvrRequest.SessionCommand> reaccept = s.linkUp();
        boolean shouldReaccept = before == State.CONTROLLED || before == State.COMPONENT_RUNNING
                || before == State.ACCEPTING;
        assertEquals(shouldReaccept, reaccept.isPresent(), () -> "reaccept after a reconnect in " + before);
        if (reaccept.isEmpty()) {
            assertEquals(before, s.state());
            return;
        }
        assertEquals(IvrRequest.Command.REACCEPT, reaccept.get().command());
        State after = s.reaccepted(AcceptResult.OK);
        assertEquals(before == State.ACCEPTING ? State.CONTROLLED : before, after);
        if (after == State.COMPONENT_RUNNING) {
            assertEquals(State.CONTROLLED, s.componentStopped(), "the surviving component stops normally");
        }
    }

    private static Object run(ControlSession s, Op op, long oId) {
        return switch (op) {
            case ACCEPT -> s.accept();
            case ACCEPTED_OK -> s.accepted(AcceptResult.OK);
            case ACCEPTED_LOST -> s.accepted(AcceptResult.LOST);
            case APPLY -> s.apply(ControlSessionTest.PLAY, oId);
            case APPLY_REFUSED -> s.applyRefused();
            case COMPONENT_STOPPED -> s.componentStopped();
            case TERMINATE -> s.terminate();
            case ABORT -> s.abort();
            case STOPPED -> s.stopped(StopReason.SCRIPT);
            case LINK_DOWN -> {
                s.linkDown();
                yield "down";
            }
            case LINK_UP -> s.linkUp();
            case REACCEPTED_OK -> s.reaccepted(AcceptResult.OK);
            case REACCEPTED_LOST -> s.reaccepted(AcceptResult.LOST);
        };
    }

    private static boolean allowed(Model m, Op op) {
        boolean sendable = m.link && !m.ended();
        return switch (op) {
            case ACCEPT -> sendable && m.phase == Phase.OFFERED;
            case ACCEPTED_OK, ACCEPTED_LOST -> m.phase == Phase.ACCEPTING;
            case APPLY -> sendable && m.phase == Phase.OWNED && !m.running;
            case APPLY_REFUSED, STOPPED, LINK_DOWN, LINK_UP -> true;
            case COMPONENT_STOPPED -> m.phase == Phase.ENDED || m.phase == Phase.ABORTED || m.phase == Phase.LOST
                    || m.running;
            case TERMINATE -> sendable && m.running && !m.terminating;
            case ABORT -> sendable && m.phase == Phase.OWNED;
            case REACCEPTED_OK, REACCEPTED_LOST -> m.phase != Phase.OFFERED;
        };
    }

    private static void step(Model m, Op op, Object result, List<Op> done) {
        switch (op) {
            case ACCEPT -> m.phase = Phase.ACCEPTING;
            case ACCEPTED_OK -> m.phase = Phase.OWNED;
            case ACCEPTED_LOST -> m.phase = Phase.LOST;
            case APPLY -> {
                if (m.running) {
                    fail("two components at once: " + done);
                }
                m.running = true;
                m.terminating = false;
            }
            case APPLY_REFUSED, COMPONENT_STOPPED -> {
                if (m.phase == Phase.OWNED) {
                    m.running = false;
                    m.terminating = false;
                }
            }
            case TERMINATE -> m.terminating = true;
            case ABORT -> {
                m.phase = Phase.ABORTED;
                m.running = false;
            }
            case STOPPED -> {
                m.phase = Phase.ENDED;
                m.running = false;
            }
            case LINK_DOWN -> {
                m.link = false;
                m.terminating = false;
            }
            case LINK_UP -> {
                m.link = true;
                Optional<?> reaccept = (Optional<?>) result;
                boolean expected = m.phase == Phase.OWNED || m.phase == Phase.ACCEPTING;
                assertEquals(expected, reaccept.isPresent(), () -> "reaccept on link up after " + done);
                reaccept.ifPresent(r -> assertEquals(IvrRequest.Command.REACCEPT,
                        assertInstanceOf(IvrRequest.SessionCommand.class, r).command()));
            }
            case REACCEPTED_OK -> {
                if (m.phase == Phase.ACCEPTING) {
                    m.phase = Phase.OWNED;
                }
            }
            case REACCEPTED_LOST -> {
                if (m.phase == Phase.OWNED || m.phase == Phase.ACCEPTING) {
                    m.phase = Phase.LOST;
                    m.running = false;
                }
            }
        }
    }
}
