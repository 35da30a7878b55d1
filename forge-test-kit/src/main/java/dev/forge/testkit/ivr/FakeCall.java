package dev.forge.testkit.ivr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** One call of a {@link FakeIvrPlatform}: its protocol state and what happened, guarded by the object's monitor. */
final class FakeCall {
    /** The owner of a call that a competing controller took. */
    static final Object RIVAL = "a competing controller";

    final CallSpec spec;
    final String cid = UUID.randomUUID().toString();
    final String smId = UUID.randomUUID().toString();
    final long startedAt = System.currentTimeMillis();
    final CompletableFuture<CallRecord> done = new CompletableFuture<>();

    String sipState;
    Object owner;
    Long component;
    ObjectNode componentData;
    int applies;
    Integer finalCode;
    boolean ended;
    boolean controlledOnce;
    final List<ScheduledFuture<?>> timers = new ArrayList<>();
    /** Events kept while the controlling connection is closed, for the next reaccept. */
    final List<dev.forge.ivr.IvrFrame> backlog = new ArrayList<>();

    final List<ObjectNode> applied = new ArrayList<>();
    final StringBuilder dtmfSent = new StringBuilder();
    String transferTo;
    Integer sipCode;
    int accepts;
    int reaccepts;
    boolean rivalRefused;
    CallRecord.Outcome outcome = CallRecord.Outcome.RUNNING;
    String stopReason;

    FakeCall(CallSpec spec) {
        this.spec = spec;
        this.sipState = spec.state();
    }

    String ivrid() {
        return spec.ivrid();
    }

    String key() {
        return spec.key();
    }

    /** The controlling connection, or null (nobody, or the rival). */
    synchronized Session ownerSession() {
        return owner instanceof Session s ? s : null;
    }

    synchronized CallRecord record() {
        return new CallRecord(spec.ivrid(), spec.key(), outcome, stopReason, applied, dtmfSent.toString(),
                transferTo, sipCode, accepts, reaccepts, rivalRefused);
    }

    /** The SIP state rule {@code data} would break if applied now, in words, or null. Hold the monitor. */
    String sipBreach(ObjectNode data) {
        int oType = data.path("oType").asInt();
        boolean dialog = "dialog".equals(sipState);
        switch (oType) {
            case 204, 208:
                return dialog || "early".equals(sipState) ? null : "media component " + oType
                        + " needs SIP state early or dialog, the call is " + sipState;
            case 201, 203:
                return dialog ? null : "component " + oType + " needs a confirmed dialog, the call is "
                        + sipState + "; send a SIP response (202) instead";
            case 202:
                if (dialog || finalCode != null) {
                    return "the INVITE already has its final response";
                }
                int code = data.path("sipCode").asInt(-1);
                return code >= 100 && code <= 699 ? null : "sipCode must be 100-699, got " + data.get("sipCode");
            default:
                return null;
        }
    }

    /** An applied SIP response moves the SIP state: 183 early, other 1xx ringing, 2xx dialog. Hold the monitor. */
    void followSipResponse(ObjectNode data) {
        if (data.path("oType").asInt() != 202) {
            return;
        }
        int code = data.path("sipCode").asInt();
        if (code == 183) {
            sipState = "early";
        } else if (code >= 100 && code < 200) {
            sipState = "ringing";
        } else if (code >= 200) {
            finalCode = code;
            sipCode = code;
            if (code < 300) {
                sipState = "dialog";
            }
        }
    }
}
