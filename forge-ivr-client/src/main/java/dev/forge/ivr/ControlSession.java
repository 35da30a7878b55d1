package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The protocol state of one IVR dialog that IVR component 224 offers to an external controller (PROTOCOLS.md
 * 2.5): a pure, single-threaded state machine with no I/O. Each method that would send returns the
 * {@link IvrRequest} to send, or throws {@link IvrStateException} naming the state and the rule it would break;
 * the caller sends the request and feeds the platform's answers back ({@link #accepted}, {@link #applyRefused},
 * {@link #componentStopped}, {@link #reaccepted}, {@link #stopped}). {@link IvrSession} is the thread-safe,
 * socket-driven layer built on it.
 *
 * <pre>
 * OFFERED --accept()--&gt; ACCEPTING --accepted(OK)--&gt; CONTROLLED &lt;--apply()/componentStopped()--&gt; COMPONENT_RUNNING
 *                                 --accepted(LOST)--&gt; LOST (another controller won the first accept)
 * CONTROLLED | COMPONENT_RUNNING --abort()--&gt; ABORTED (control handed back to the script)
 * any state --stopped(reason)--&gt; ENDED (api_stop; nothing may be sent afterwards)
 *
 * link: linkDown() ... linkUp() --&gt; ivrapi_reaccept for a session owned or ACCEPTING; reaccepted(OK) keeps the
 *       state (a running component stays running), reaccepted(LOST) makes it LOST. Nothing is sent while down.
 * </pre>
 *
 * <p>SIP state rules while the dialog is not confirmed (SIP state other than {@code dialog}): a
 * {@link Component.Transfer} is sent as a 3xx {@link Component.SipResponse} (202) and a {@link Component.Hangup}
 * as a 4xx–6xx one; media components (playback 204, record 208) are allowed only in {@code early}; a SIP
 * response is refused once the dialog is confirmed or a final response was sent. The SIP state starts as the
 * api_start's {@code state} and follows the SIP responses this session applies (183 makes it {@code early},
 * another 1xx {@code ringing}, a 2xx {@code dialog}).
 *
 * <p>Thread-safety: none; confine a session to one thread.
 *
 * @since 0.1.0
 */
public final class ControlSession {

    public static final String DIALOG = "dialog";
    public static final String EARLY = "early";
    public static final String RINGING = "ringing";

    public enum State { OFFERED, ACCEPTING, CONTROLLED, COMPONENT_RUNNING, LOST, ABORTED, ENDED }

    /** The outcome of an {@code ivrapi_accept} or {@code ivrapi_reaccept}: taken, or refused (lost). */
    public enum AcceptResult { OK, LOST }

    private final String key;
    private final String ivrid;
    private final Supplier<Qid> qids;
    private State state = State.OFFERED;
    private String sipState;
    private String sipBeforeApply;
    private Integer finalCode;
    private Integer finalBeforeApply;
    private boolean terminating;
    private boolean linkUp = true;
    private StopReason stopReason;
    private State stoppedFrom;

    private ControlSession(String key, String ivrid, String sipState, Supplier<Qid> qids) {
        this.key = key;
        this.ivrid = ivrid;
        this.sipState = sipState;
        this.qids = qids;
    }

    /**
     * A session in state OFFERED for an api_start event.
     *
     * @param qids the qid of each request this session builds
     */
    public static ControlSession offered(ApiEvent start, Supplier<Qid> qids) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(qids, "qids");
        if (start.type() != ApiEvent.Type.START) {
            throw new IllegalArgumentException("a session starts from an api_start event, got " + start.type());
        }
        return new ControlSession(start.key(), start.ivrid(), start.state(), qids);
    }

    public State state() {
        return state;
    }

    public String key() {
        return key;
    }

    public String ivrid() {
        return ivrid;
    }

    /** The SIP state of the dialog as far as this session knows: dialog, early, ringing, incoming or null. */
    public String sipState() {
        return sipState;
    }

    /** The api_stop (or local) reason once ENDED, else null. */
    public StopReason stopReason() {
        return stopReason;
    }

    /** The state the session was in when it ended, else null. */
    public State stoppedFrom() {
        return stoppedFrom;
    }

    /** True while this controller owns the session (CONTROLLED or COMPONENT_RUNNING). */
    public boolean owned() {
        return state == State.CONTROLLED || state == State.COMPONENT_RUNNING;
    }

    /** False between {@link #linkDown()} and {@link #linkUp()}. */
    public boolean isLinkUp() {
        return linkUp;
    }

    /** {@code ivrapi_accept}: take control of an OFFERED session. */
    public IvrRequest.SessionCommand accept() {
        requireSendable("accept");
        if (state != State.OFFERED) {
            throw new IvrStateException("accept", state, "ivrapi_accept is sent once, to a session that is OFFERED"
                    + " (after api_start); use reaccept() to take back a session already controlled");
        }
        state = State.ACCEPTING;
        return command(IvrRequest.Command.ACCEPT);
    }

    /** The result of the accept: OK makes the session CONTROLLED, LOST (another accept came first) LOST. */
    public State accepted(AcceptResult result) {
        Objects.requireNonNull(result, "result");
        if (state != State.ACCEPTING) {
            throw new IvrStateException("accepted(" + result + ")", state,
                    "an accept result is expected only while ACCEPTING, after accept()");
        }
        state = result == AcceptResult.OK ? State.CONTROLLED : State.LOST;
        return state;
    }

    /** {@code ivrapi_reaccept}: take control back; only a session this controller owns. */
    public IvrRequest.SessionCommand reaccept() {
        requireSendable("reaccept");
        if (!owned()) {
            throw new IvrStateException("reaccept", state, "ivrapi_reaccept takes back a session this controller"
                    + " owns (CONTROLLED or COMPONENT_RUNNING), e.g. after a socket reconnect");
        }
        return command(IvrRequest.Command.REACCEPT);
    }

    /**
     * The result of a reaccept. OK keeps an owned session as it was (a running component stays running) and
     * makes an ACCEPTING one (whose accept was lost with the socket) CONTROLLED; LOST makes the session LOST.
     * Ignored once LOST, ABORTED or ENDED.
     */
    public State reaccepted(AcceptResult result) {
        Objects.requireNonNull(result, "result");
        if (state == State.LOST || state == State.ABORTED || state == State.ENDED) {
            return state;
        }
        if (!owned() && state != State.ACCEPTING) {
            throw new IvrStateException("reaccepted(" + result + ")", state, "a reaccept result is expected only"
                    + " for a session owned or ACCEPTING");
        }
        if (result == AcceptResult.LOST) {
            state = State.LOST;
        } else if (state == State.ACCEPTING) {
            state = State.CONTROLLED;
        }
        return state;
    }

    /** The socket dropped: nothing may be sent until {@link #linkUp()}. */
    public void linkDown() {
        linkUp = false;
        // a terminate in flight may be lost with the socket; allow another one after the reconnect
        terminating = false;
    }

    /**
     * The socket is back. Returns the {@code ivrapi_reaccept} to send when this controller owns the session or
     * was accepting it (the accept's answer was lost with the socket), else empty.
     */
    public Optional<IvrRequest.SessionCommand> linkUp() {
        linkUp = true;
        if (owned() || state == State.ACCEPTING) {
            return Optional.of(command(IvrRequest.Command.REACCEPT));
        }
        return Optional.empty();
    }

    /**
     * {@code ivrapi_component_apply}: run one component, with {@code oId} (which the platform reports in
     * {@code ivrapi_component_stopped}). Before the dialog is confirmed a transfer or hangup is sent as a SIP
     * response; see the class comment for the rules.
     */
    public IvrRequest.ComponentApply apply(Component component, long oId) {
        Objects.requireNonNull(component, "component");
        String op = "apply(" + component.describe() + ")";
        requireSendable(op);
        if (state == State.COMPONENT_RUNNING) {
            throw new IvrStateException(op, state, "one component at a time; wait for componentStopped() or"
                    + " terminate() the running one");
        }
        if (state != State.CONTROLLED) {
            throw new IvrStateException(op, state, "components are applied only to a session this controller"
                    + " owns (CONTROLLED)");
        }
        Component toSend = sipRules(op, component);
        sipBeforeApply = sipState;
        finalBeforeApply = finalCode;
        if (toSend.oType() == Component.SIP_RESPONSE) {
            int code = toSend.data().path("sipCode").asInt();
            if (code == 183) {
                sipState = EARLY;
            } else if (code >= 100 && code < 200) {
                sipState = RINGING;
            } else if (code >= 200 && code < 300) {
                sipState = DIALOG;
                finalCode = code;
            } else {
                finalCode = code;
            }
        }
        state = State.COMPONENT_RUNNING;
        terminating = false;
        ObjectNode data = toSend.data();
        data.put("oId", oId);
        return new IvrRequest.ComponentApply(qids.get(), key, ivrid, data, Map.of());
    }

    /** The component that {@link #apply} would send for {@code component} now (after the SIP rules), or throws. */
    public Component toSend(Component component) {
        return sipRules("apply(" + component.describe() + ")", component);
    }

    private Component sipRules(String op, Component c) {
        boolean confirmed = DIALOG.equals(sipState);
        String notConfirmed = "before the dialog is confirmed (SIP state " + sipState + ", not dialog) ";
        if (c instanceof Component.Transfer t) {
            return confirmed ? t : checkResponse(op, t.asSipResponse().sipCode(), t.asSipResponse());
        }
        if (c instanceof Component.Hangup h) {
            return confirmed ? h : checkResponse(op, h.asSipResponse().sipCode(), h.asSipResponse());
        }
        switch (c.oType()) {
            case Component.SIP_RESPONSE:
                JsonNode code = c.data().get("sipCode");
                if (code == null || !code.isIntegralNumber() || !code.canConvertToInt()
                        || code.intValue() < 100 || code.intValue() > 699) {
                    throw new IvrStateException(op, state, "a SIP response (202) needs an integer \"sipCode\" from"
                            + " 100 to 699, got " + code);
                }
                return checkResponse(op, code.intValue(), c);
            case Component.PLAYBACK:
            case Component.RECORD:
                if (confirmed || EARLY.equals(sipState)) {
                    return c;
                }
                throw new IvrStateException(op, state, "media components (playback 204, record 208) need SIP"
                        + " state early (last response 183) or dialog, got " + sipState
                        + "; send Component.sipResponse(183, ...) first to play early media");
            case Component.TRANSFER:
                if (confirmed) {
                    return c;
                }
                throw new IvrStateException(op, state, notConfirmed + "a transfer (203) must be sent as a 3xx SIP"
                        + " response (202); apply Component.transfer(number), which does that, or a redirect");
            case Component.HANGUP:
                if (confirmed) {
                    return c;
                }
                throw new IvrStateException(op, state, notConfirmed + "a hangup (201) must be sent as a 4xx-6xx"
                        + " SIP response (202); apply Component.hangup(), which does that, or a SIP response");
            default:
                return c;
        }
    }

    private Component checkResponse(String op, int code, Component response) {
        if (DIALOG.equals(sipState)) {
            throw new IvrStateException(op, state, "the dialog is confirmed (SIP state dialog): the INVITE already"
                    + " has its final response, a SIP response (202) " + code + " cannot be sent");
        }
        if (finalCode != null) {
            throw new IvrStateException(op, state, "the INVITE already has its final response (" + finalCode
                    + "); a SIP response (202) " + code + " cannot follow it");
        }
        return response;
    }

    /**
     * The platform refused the apply ({@code ivrapi_component_apply_result} not ok), or the apply was lost with the
     * socket and the platform showed after the reaccept that it never ran it: no component runs and the SIP state is
     * as before. Ignored unless COMPONENT_RUNNING.
     */
    public State applyRefused() {
        if (state == State.COMPONENT_RUNNING) {
            state = State.CONTROLLED;
            sipState = sipBeforeApply;
            finalCode = finalBeforeApply;
            terminating = false;
        }
        return state;
    }

    /**
     * The running component stopped (the platform reported it). Ignored once the session is LOST, ABORTED or
     * ENDED, where a late report is harmless.
     */
    public State componentStopped() {
        if (state == State.ENDED || state == State.ABORTED || state == State.LOST) {
            return state;
        }
        if (state != State.COMPONENT_RUNNING) {
            throw new IvrStateException("componentStopped", state, "no component is running");
        }
        state = State.CONTROLLED;
        terminating = false;
        return state;
    }

    /** {@code ivrapi_component_terminate}: stop the running component; once per component (and per link). */
    public IvrRequest.SessionCommand terminate() {
        requireSendable("terminate");
        if (state != State.COMPONENT_RUNNING) {
            throw new IvrStateException("terminate", state, "ivrapi_component_terminate needs a running component"
                    + " (COMPONENT_RUNNING)");
        }
        if (terminating) {
            throw new IvrStateException("terminate", state, "ivrapi_component_terminate was already sent for the"
                    + " running component; wait for componentStopped()");
        }
        terminating = true;
        return command(IvrRequest.Command.COMPONENT_TERMINATE);
    }

    /** {@code ivrapi_abort}: hand control back; the script continues with the next component. */
    public IvrRequest.SessionCommand abort() {
        requireSendable("abort");
        if (!owned()) {
            throw new IvrStateException("abort", state, "ivrapi_abort hands back a session this controller owns"
                    + " (CONTROLLED or COMPONENT_RUNNING)");
        }
        state = State.ABORTED;
        return command(IvrRequest.Command.ABORT);
    }

    /** The session ended (api_stop, or a local reason): ENDED, nothing more may be sent. Repeats are ignored. */
    public State stopped(StopReason reason) {
        Objects.requireNonNull(reason, "reason");
        if (state != State.ENDED) {
            stoppedFrom = state;
            stopReason = reason;
            state = State.ENDED;
        }
        return state;
    }

    /** api_stop arrived as an event, which must name this session. */
    public State stopped(ApiEvent stop) {
        Objects.requireNonNull(stop, "stop");
        if (stop.type() != ApiEvent.Type.STOP || !ivrid.equals(stop.ivrid()) || !key.equals(stop.key())) {
            throw new IllegalArgumentException("expected api_stop for ivrid " + ivrid + " key " + key + ", got "
                    + stop.type().wireName() + " for ivrid " + stop.ivrid() + " key " + stop.key());
        }
        return stopped(StopReason.fromWire(stop.reason()));
    }

    /** An independent copy in the same state sharing the qid supplier (for exhaustive tests). */
    ControlSession copy() {
        ControlSession c = new ControlSession(key, ivrid, sipState, qids);
        c.state = state;
        c.sipBeforeApply = sipBeforeApply;
        c.finalCode = finalCode;
        c.finalBeforeApply = finalBeforeApply;
        c.terminating = terminating;
        c.linkUp = linkUp;
        c.stopReason = stopReason;
        c.stoppedFrom = stoppedFrom;
        return c;
    }

    private void requireSendable(String op) {
        if (state == State.ENDED) {
            String why = stopReason.local() ? "the session ended here (" + stopReason.name().toLowerCase() + ")"
                    : "api_stop (reason " + stopReason.name().toLowerCase() + ") ended the session";
            throw new IvrStateException(op, state, why + "; nothing more may be sent for it");
        }
        if (!linkUp) {
            throw new IvrStateException(op, state, "the socket is down; nothing is sent until the client has"
                    + " reconnected and reaccepted the session");
        }
    }

    private IvrRequest.SessionCommand command(IvrRequest.Command c) {
        return new IvrRequest.SessionCommand(c, qids.get(), key, ivrid, Map.of());
    }

    @Override
    public String toString() {
        return "ControlSession[ivrid=" + ivrid + ", state=" + state + ", sip=" + sipState
                + (linkUp ? "" : ", link down") + "]";
    }
}
