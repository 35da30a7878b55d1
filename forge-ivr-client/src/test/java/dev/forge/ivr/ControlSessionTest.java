package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.ivr.ControlSession.AcceptResult;
import dev.forge.ivr.ControlSession.Component;
import dev.forge.ivr.ControlSession.State;
import dev.forge.ivr.ControlSession.StopReason;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ControlSessionTest {

    static ApiEvent start(String sipState) {
        return new ApiEvent(ApiEvent.Type.START, "rDlg-1", "k1", "call-1", null, null, 14, "api", "{}", sipState,
                1L, null);
    }

    static ControlSession offered(String sipState) {
        AtomicLong n = new AtomicLong(1);
        return ControlSession.offered(start(sipState), () -> Qid.of(n.getAndIncrement()));
    }

    static ControlSession controlled(String sipState) {
        ControlSession s = offered(sipState);
        s.accept();
        s.accepted(AcceptResult.OK);
        return s;
    }

    static ControlSession running(String sipState) {
        ControlSession s = controlled(sipState);
        s.apply(Component.of(999));
        return s;
    }

    static IvrStateException refused(State state, Executable op, String... fragments) {
        IvrStateException e = assertThrows(IvrStateException.class, op);
        assertEquals(state, e.state());
        assertTrue(e.getMessage().contains("refused in state " + state), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "missing '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    // ---- transitions

    @Test
    void acceptThenOkControls() {
        ControlSession s = offered("dialog");
        assertEquals(State.OFFERED, s.state());
        IvrRequest.SessionCommand accept = s.accept();
        assertEquals("ivrapi_accept", accept.name());
        assertEquals("k1", accept.key());
        assertEquals("rDlg-1", accept.ivrid());
        assertEquals(Qid.of(1), accept.qid());
        assertEquals(State.ACCEPTING, s.state());
        assertFalse(s.owned());
        assertEquals(State.CONTROLLED, s.accepted(AcceptResult.OK));
        assertTrue(s.owned());
    }

    @Test
    void losingTheFirstAcceptRaceIsLost() {
        ControlSession s = offered("dialog");
        s.accept();
        assertEquals(State.LOST, s.accepted(AcceptResult.LOST));
        assertFalse(s.owned());
        refused(State.LOST, () -> s.apply(Component.of(999)), "owns");
        refused(State.LOST, s::reaccept, "owns");
        refused(State.LOST, s::abort, "owns");
    }

    @Test
    void applyRunsAComponentUntilItStops() {
        ControlSession s = controlled("dialog");
        IvrRequest.ComponentApply apply = s.apply(Component.withCode(PLAYBACK_OTYPE, 7));
        assertEquals("ivrapi_component_apply", apply.name());
        assertEquals(204, apply.data().get("oType").intValue());
        assertEquals(7, apply.data().get("code").intValue());
        assertEquals(State.COMPONENT_RUNNING, s.state());
        assertEquals(State.CONTROLLED, s.componentStopped());
        s.apply(Component.of(999));
        assertEquals(State.COMPONENT_RUNNING, s.state());
    }

    private static final int PLAYBACK_OTYPE = ControlSession.PLAYBACK;

    @Test
    void terminateKeepsRunningUntilStopped() {
        ControlSession s = running("dialog");
        assertEquals("ivrapi_component_terminate", s.terminate().name());
        assertEquals(State.COMPONENT_RUNNING, s.state());
        refused(State.COMPONENT_RUNNING, s::terminate, "already sent");
        s.componentStopped();
        assertEquals(State.CONTROLLED, s.state());
    }

    @Test
    void reacceptKeepsState() {
        ControlSession c = controlled("dialog");
        assertEquals("ivrapi_reaccept", c.reaccept().name());
        assertEquals(State.CONTROLLED, c.state());
        ControlSession r = running("dialog");
        r.reaccept();
        assertEquals(State.COMPONENT_RUNNING, r.state());
    }

    @Test
    void abortHandsControlBack() {
        ControlSession s = running("dialog");
        assertEquals("ivrapi_abort", s.abort().name());
        assertEquals(State.ABORTED, s.state());
        assertEquals(State.ABORTED, s.componentStopped(), "a late component stop is ignored");
        refused(State.ABORTED, () -> s.apply(Component.of(999)), "owns");
        assertEquals(State.ENDED, s.stopped(StopReason.ABORT));
        assertEquals(State.ABORTED, s.stoppedFrom());
    }

    @ParameterizedTest
    @EnumSource(StopReason.class)
    void stoppedEndsFromEveryStateAndKeepsTheReason(StopReason reason) {
        for (ControlSession s : new ControlSession[] {offered("dialog"), controlled("dialog"), running("dialog")}) {
            State before = s.state();
            assertEquals(State.ENDED, s.stopped(reason));
            assertEquals(reason, s.stopReason());
            assertEquals(before, s.stoppedFrom());
            s.stopped(StopReason.SCRIPT);
            assertEquals(reason, s.stopReason(), "a repeated api_stop is ignored");
        }
    }

    @Test
    void nothingIsSentAfterStopped() {
        ControlSession s = running("dialog");
        s.stopped(StopReason.TIMEOUT);
        String rule = "api_stop (reason timeout) ended the session; nothing more may be sent";
        refused(State.ENDED, s::accept, "accept", rule);
        refused(State.ENDED, s::reaccept, "reaccept", rule);
        refused(State.ENDED, () -> s.apply(Component.of(999)), "apply(oType 999)", rule);
        refused(State.ENDED, s::terminate, "terminate", rule);
        refused(State.ENDED, s::abort, "abort", rule);
        assertEquals(State.ENDED, s.componentStopped());
    }

    @Test
    void stoppedFromApiEvent() {
        ControlSession s = controlled("dialog");
        ApiEvent stop = new ApiEvent(ApiEvent.Type.STOP, "rDlg-1", "k1", null, null, null, null, null, null, null,
                null, "script");
        assertEquals(State.ENDED, s.stopped(stop));
        assertEquals(StopReason.SCRIPT, s.stopReason());
        ApiEvent other = new ApiEvent(ApiEvent.Type.STOP, "rDlg-2", "k1", null, null, null, null, null, null, null,
                null, "script");
        assertThrows(IllegalArgumentException.class, () -> controlled("dialog").stopped(other));
        assertThrows(IllegalArgumentException.class, () -> ControlSession.offered(stop, () -> Qid.of(1)));
    }

    @Test
    void stopReasonFromWire() {
        assertEquals(StopReason.SCRIPT, StopReason.fromWire("script"));
        assertEquals(StopReason.TIMEOUT, StopReason.fromWire("timeout"));
        assertEquals(StopReason.ABORT, StopReason.fromWire("abort"));
        assertEquals(StopReason.UNKNOWN, StopReason.fromWire("other"));
        assertEquals(StopReason.UNKNOWN, StopReason.fromWire(null));
        assertNull(offered("dialog").stopReason());
    }

    // ---- refusals by state

    @Test
    void acceptRefusedUnlessOffered() {
        ControlSession s = offered("dialog");
        s.accept();
        refused(State.ACCEPTING, s::accept, "ivrapi_accept is sent once", "use reaccept()");
        refused(State.CONTROLLED, controlled("dialog")::accept, "ivrapi_accept is sent once");
    }

    @Test
    void acceptedRefusedUnlessAccepting() {
        refused(State.OFFERED, () -> offered("dialog").accepted(AcceptResult.OK), "accepted(OK)",
                "only while ACCEPTING");
        refused(State.CONTROLLED, () -> controlled("dialog").accepted(AcceptResult.LOST), "accepted(LOST)");
    }

    @Test
    void reacceptRefusedUnlessOwned() {
        refused(State.OFFERED, offered("dialog")::reaccept, "ivrapi_reaccept takes back a session this controller"
                + " owns (CONTROLLED or COMPONENT_RUNNING)");
        ControlSession s = offered("dialog");
        s.accept();
        refused(State.ACCEPTING, s::reaccept, "owns");
    }

    @Test
    void applyRefusedWhileAComponentRuns() {
        refused(State.COMPONENT_RUNNING, () -> running("dialog").apply(Component.of(999)),
                "apply(oType 999)", "one component at a time");
    }

    @Test
    void applyRefusedUnlessControlled() {
        refused(State.OFFERED, () -> offered("dialog").apply(Component.of(999)),
                "components are applied only to a session this controller owns (CONTROLLED)");
    }

    @Test
    void componentStoppedRefusedWhenNoneRuns() {
        refused(State.CONTROLLED, controlled("dialog")::componentStopped, "no component is running");
        refused(State.OFFERED, offered("dialog")::componentStopped, "no component is running");
    }

    @Test
    void terminateRefusedWithoutARunningComponent() {
        refused(State.CONTROLLED, controlled("dialog")::terminate, "needs a running component");
    }

    @Test
    void abortRefusedUnlessOwned() {
        refused(State.OFFERED, offered("dialog")::abort, "ivrapi_abort hands back a session this controller owns");
    }

    // ---- SIP state rules

    @ParameterizedTest
    @ValueSource(strings = {"early", "ringing", "incoming"})
    void transferBeforeDialogBecomesA3xxResponse(String sip) {
        IvrRequest.ComponentApply a = controlled(sip).apply(Component.withCode(ControlSession.TRANSFER, 302));
        assertEquals(202, a.data().get("oType").intValue());
        assertEquals(302, a.data().get("code").intValue());
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 404, 299, 700})
    void transferBeforeDialogNeeds3xx(int code) {
        refused(State.CONTROLLED, () -> controlled("ringing").apply(Component.withCode(ControlSession.TRANSFER,
                code)), "apply(oType 203)", "before the dialog is confirmed (SIP state ringing, not dialog) a"
                + " transfer (203) is sent as a 3xx SIP response (202)", "from 300 to 399, got " + code);
    }

    @Test
    void transferBeforeDialogNeedsACode() {
        refused(State.CONTROLLED, () -> controlled("early").apply(Component.of(ControlSession.TRANSFER)),
                "a transfer (203) is sent as a 3xx SIP response", "got null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"early", "ringing", "incoming"})
    void hangupBeforeDialogBecomesA4xxTo6xxResponse(String sip) {
        for (int code : new int[] {400, 486, 603, 699}) {
            IvrRequest.ComponentApply a = controlled(sip).apply(Component.withCode(ControlSession.HANGUP, code));
            assertEquals(202, a.data().get("oType").intValue());
            assertEquals(code, a.data().get("code").intValue());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {302, 399, 200, 700})
    void hangupBeforeDialogNeeds4xxTo6xx(int code) {
        refused(State.CONTROLLED, () -> controlled("incoming").apply(Component.withCode(ControlSession.HANGUP,
                code)), "apply(oType 201)", "before the dialog is confirmed (SIP state incoming, not dialog) a"
                + " hangup (201) is sent as a 4xx-6xx SIP response (202)", "from 400 to 699, got " + code);
    }

    @Test
    void nullSipStateCountsAsNotConfirmed() {
        refused(State.CONTROLLED, () -> controlled(null).apply(Component.of(ControlSession.HANGUP)),
                "SIP state null, not dialog");
    }

    @Test
    void transferAndHangupInDialogAreSentAsThemselves() {
        assertEquals(203, controlled("dialog").apply(Component.of(ControlSession.TRANSFER)).data().get("oType")
                .intValue());
        assertEquals(201, controlled("dialog").apply(Component.of(ControlSession.HANGUP)).data().get("oType")
                .intValue());
    }

    @ParameterizedTest
    @ValueSource(ints = {ControlSession.PLAYBACK, ControlSession.RECORD})
    void mediaOnlyInEarlyOrDialog(int oType) {
        controlled("early").apply(Component.of(oType));
        controlled("dialog").apply(Component.of(oType));
        for (String sip : new String[] {"ringing", "incoming"}) {
            refused(State.CONTROLLED, () -> controlled(sip).apply(Component.of(oType)), "apply(oType " + oType
                    + ")", "media components (playback 204, record 208) need SIP state early (last response 183)"
                    + " or dialog, got " + sip);
        }
    }

    @Test
    void sipResponsesMoveTheSipState() {
        ControlSession s = controlled("incoming");
        s.apply(Component.withCode(ControlSession.SIP_RESPONSE, 183));
        assertEquals("early", s.sipState());
        s.componentStopped();
        s.apply(Component.of(ControlSession.PLAYBACK));
        s.componentStopped();
        s.apply(Component.withCode(ControlSession.SIP_RESPONSE, 180));
        assertEquals("ringing", s.sipState());
        s.componentStopped();
        refused(State.CONTROLLED, () -> s.apply(Component.of(ControlSession.RECORD)), "got ringing");
        s.apply(Component.withCode(ControlSession.SIP_RESPONSE, 200));
        assertEquals("dialog", s.sipState());
        s.componentStopped();
        s.apply(Component.of(ControlSession.RECORD));
    }

    @Test
    void sipResponseRules() {
        refused(State.CONTROLLED, () -> controlled("dialog").apply(Component.withCode(ControlSession.SIP_RESPONSE,
                200)), "the INVITE already has its final response");
        refused(State.CONTROLLED, () -> controlled("early").apply(Component.of(ControlSession.SIP_RESPONSE)),
                "a SIP response (202) needs an integer \"code\" from 100 to 699, got null");
        refused(State.CONTROLLED, () -> controlled("early").apply(Component.withCode(ControlSession.SIP_RESPONSE,
                99)), "got 99");
    }

    @Test
    void refusedApplyChangesNothing() {
        ControlSession s = controlled("ringing");
        assertThrows(IvrStateException.class, () -> s.apply(Component.of(ControlSession.PLAYBACK)));
        assertEquals(State.CONTROLLED, s.state());
        assertEquals("ringing", s.sipState());
    }

    @Test
    void componentParamsMustNotRepeatOType() {
        com.fasterxml.jackson.databind.node.ObjectNode p =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("oType", 1);
        assertThrows(IllegalArgumentException.class, () -> new Component(204, p));
    }
}
