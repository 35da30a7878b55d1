package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The state of one IVR dialog that IVR component 224 offers to an external controller (PROTOCOLS.md 2.5):
 * a pure, single-threaded state machine with no I/O. Each method that would send returns the {@link IvrRequest}
 * to send, or throws {@link IvrStateException} naming the state and the rule it would break; the caller sends
 * the request and feeds the platform's answers back ({@link #accepted}, {@link #componentStopped},
 * {@link #stopped}).
 *
 * <pre>
 * OFFERED --accept()--> ACCEPTING --accepted(OK)--> CONTROLLED <--apply()/componentStopped()--> COMPONENT_RUNNING
 *                                 --accepted(LOST)--> LOST (another controller won the first accept)
 * CONTROLLED | COMPONENT_RUNNING --abort()--> ABORTED (control handed back to the script)
 * any state --stopped(reason)--> ENDED (api_stop; nothing may be sent afterwards)
 * </pre>
 *
 * <p>SIP state rules while the dialog is not confirmed (SIP state other than {@code dialog}): a transfer (203)
 * is sent as a SIP response (202) with a 3xx code and a hangup (201) as a SIP response with a 4xx–6xx code;
 * media components (playback 204, record 208) are allowed only in {@code early}. The SIP state starts as the
 * api_start's {@code state} and follows the SIP responses this session applies (183 makes it {@code early},
 * another 1xx {@code ringing}, a 2xx {@code dialog}).
 *
 * <p>Thread-safety: none; confine a session to one thread.
 */
public final class ControlSession {

    /** oType of the hangup (BYE) component. */
    public static final int HANGUP = 201;
    /** oType of the SIP response component. */
    public static final int SIP_RESPONSE = 202;
    /** oType of the transfer (REFER) component. */
    public static final int TRANSFER = 203;
    /** oType of the playback component (from the seed document, not re-verified). */
    public static final int PLAYBACK = 204;
    /** oType of the record component (from the seed document, not re-verified). */
    public static final int RECORD = 208;
    /**
     * The property of a SIP response component that holds its response code. PROTOCOLS.md 2.5 names the property
     * ("response code") but not its JSON field; {@code code} is Forge's assumption.
     */
    public static final String CODE = "code";

    public static final String DIALOG = "dialog";
    public static final String EARLY = "early";
    public static final String RINGING = "ringing";

    public enum State { OFFERED, ACCEPTING, CONTROLLED, COMPONENT_RUNNING, LOST, ABORTED, ENDED }

    /** The outcome of an {@code ivrapi_accept}: the first accept wins, any later one has lost the race. */
    public enum AcceptResult { OK, LOST }

    /** The {@code reason} of api_stop. */
    public enum StopReason {
        SCRIPT("script"), TIMEOUT("timeout"), ABORT("abort"), UNKNOWN(null);

        private final String wireName;

        StopReason(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The reason for a wire value; {@link #UNKNOWN} for null or a value this version does not know. */
        public static StopReason fromWire(String wire) {
            for (StopReason r : values()) {
                if (r.wireName != null && r.wireName.equals(wire)) {
                    return r;
                }
            }
            return UNKNOWN;
        }
    }

    /**
     * An IVR component to apply: its {@code oType} and the other properties of the script component.
     *
     * @param params the properties besides {@code oType}; copied
     */
    public record Component(int oType, ObjectNode params) {
        public Component {
            params = params == null ? JsonNodeFactory.instance.objectNode() : Extra.canonical(params);
            if (params.has("oType")) {
                throw new IllegalArgumentException("params must not contain oType, it is the oType argument");
            }
        }

        public static Component of(int oType) {
            return new Component(oType, null);
        }

        /** A component whose params hold {@code code}: a SIP response, or a transfer/hangup before the dialog. */
        public static Component withCode(int oType, int code) {
            ObjectNode p = JsonNodeFactory.instance.objectNode();
            p.put(CODE, code);
            return new Component(oType, p);
        }

        @Override
        public ObjectNode params() {
            return params.deepCopy();
        }

        /** The {@code data} of {@code ivrapi_component_apply}: {@code {"oType": n, ...params}}. */
        public ObjectNode data() {
            ObjectNode d = JsonNodeFactory.instance.objectNode();
            d.put("oType", oType);
            d.setAll(params.deepCopy());
            return d;
        }
    }

    private final String key;
    private final String ivrid;
    private final Supplier<Qid> qids;
    private State state = State.OFFERED;
    private String sipState;
    private boolean terminating;
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

    /** The api_stop reason once ENDED, else null. */
    public StopReason stopReason() {
        return stopReason;
    }

    /** The state the session was in when api_stop arrived, else null. */
    public State stoppedFrom() {
        return stoppedFrom;
    }

    /** True while this controller owns the session (CONTROLLED or COMPONENT_RUNNING). */
    public boolean owned() {
        return state == State.CONTROLLED || state == State.COMPONENT_RUNNING;
    }

    /** {@code ivrapi_accept}: take control of an OFFERED session. */
    public IvrRequest.SessionCommand accept() {
        requireNotEnded("accept");
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

    /** {@code ivrapi_reaccept}: take control back after a reconnect; only a session this controller owns. */
    public IvrRequest.SessionCommand reaccept() {
        requireNotEnded("reaccept");
        if (!owned()) {
            throw new IvrStateException("reaccept", state, "ivrapi_reaccept takes back a session this controller"
                    + " owns (CONTROLLED or COMPONENT_RUNNING), e.g. after a socket reconnect");
        }
        return command(IvrRequest.Command.REACCEPT);
    }

    /**
     * {@code ivrapi_component_apply}: run one component. Before the dialog is confirmed a transfer or hangup is
     * sent as a SIP response (202) carrying the component's {@code code}, which must be 3xx resp. 4xx–6xx.
     */
    public IvrRequest.ComponentApply apply(Component component) {
        Objects.requireNonNull(component, "component");
        String op = "apply(oType " + component.oType() + ")";
        requireNotEnded(op);
        if (state == State.COMPONENT_RUNNING) {
            throw new IvrStateException(op, state, "one component at a time; wait for componentStopped() or"
                    + " terminate() the running one");
        }
        if (state != State.CONTROLLED) {
            throw new IvrStateException(op, state, "components are applied only to a session this controller"
                    + " owns (CONTROLLED)");
        }
        Component toSend = sipRules(op, component);
        if (toSend.oType() == SIP_RESPONSE) {
            int code = toSend.params.path(CODE).asInt();
            if (code == 183) {
                sipState = EARLY;
            } else if (code >= 100 && code < 200) {
                sipState = RINGING;
            } else if (code >= 200 && code < 300) {
                sipState = DIALOG;
            }
        }
        state = State.COMPONENT_RUNNING;
        terminating = false;
        return new IvrRequest.ComponentApply(qids.get(), key, ivrid, toSend.data(), Map.of());
    }

    private Component sipRules(String op, Component c) {
        boolean confirmed = DIALOG.equals(sipState);
        switch (c.oType()) {
            case TRANSFER:
                if (confirmed) {
                    return c;
                }
                return asResponse(op, c, 300, 399, "before the dialog is confirmed (SIP state " + sipState
                        + ", not dialog) a transfer (203) is sent as a 3xx SIP response (202)");
            case HANGUP:
                if (confirmed) {
                    return c;
                }
                return asResponse(op, c, 400, 699, "before the dialog is confirmed (SIP state " + sipState
                        + ", not dialog) a hangup (201) is sent as a 4xx-6xx SIP response (202)");
            case SIP_RESPONSE:
                if (confirmed) {
                    throw new IvrStateException(op, state, "the dialog is confirmed (SIP state dialog): the INVITE"
                            + " already has its final response, a SIP response (202) cannot be sent");
                }
                JsonNode code = c.params.get(CODE);
                if (code == null || !code.isIntegralNumber() || !code.canConvertToInt()
                        || code.intValue() < 100 || code.intValue() > 699) {
                    throw new IvrStateException(op, state, "a SIP response (202) needs an integer \"" + CODE
                            + "\" from 100 to 699, got " + code);
                }
                return c;
            case PLAYBACK:
            case RECORD:
                if (confirmed || EARLY.equals(sipState)) {
                    return c;
                }
                throw new IvrStateException(op, state, "media components (playback 204, record 208) need SIP"
                        + " state early (last response 183) or dialog, got " + sipState);
            default:
                return c;
        }
    }

    private Component asResponse(String op, Component c, int min, int max, String rule) {
        JsonNode code = c.params.get(CODE);
        if (code == null || !code.isIntegralNumber() || !code.canConvertToInt()
                || code.intValue() < min || code.intValue() > max) {
            throw new IvrStateException(op, state, rule + "; it needs an integer \"" + CODE + "\" from " + min
                    + " to " + max + ", got " + code);
        }
        return new Component(SIP_RESPONSE, c.params);
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

    /** {@code ivrapi_component_terminate}: stop the running component; once per component. */
    public IvrRequest.SessionCommand terminate() {
        requireNotEnded("terminate");
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
        requireNotEnded("abort");
        if (!owned()) {
            throw new IvrStateException("abort", state, "ivrapi_abort hands back a session this controller owns"
                    + " (CONTROLLED or COMPONENT_RUNNING)");
        }
        state = State.ABORTED;
        return command(IvrRequest.Command.ABORT);
    }

    /** api_stop arrived: the session is ENDED and nothing more may be sent. A repeated api_stop is ignored. */
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
        c.terminating = terminating;
        c.stopReason = stopReason;
        c.stoppedFrom = stoppedFrom;
        return c;
    }

    private void requireNotEnded(String op) {
        if (state == State.ENDED) {
            throw new IvrStateException(op, state, "api_stop (reason " + stopReason.name().toLowerCase()
                    + ") ended the session; nothing more may be sent for it");
        }
    }

    private IvrRequest.SessionCommand command(IvrRequest.Command c) {
        return new IvrRequest.SessionCommand(c, qids.get(), key, ivrid, Map.of());
    }

    @Override
    public String toString() {
        return "ControlSession[ivrid=" + ivrid + ", state=" + state + ", sip=" + sipState + "]";
    }
}
