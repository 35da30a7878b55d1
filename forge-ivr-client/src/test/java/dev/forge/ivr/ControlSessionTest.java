package dev.forge.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.forge.ivr.ControlSession.AcceptResult;
import dev.forge.ivr.ControlSession.State;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ControlSessionTest {
    static final Component OTHER = Component.raw(999, null);
    static final Component PLAY = Component.playback(":GS_PUB/x/y/14.mp3");
    static final Component RECORD = Component.record(Duration.ofSeconds(10));

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
        s.apply(OTHER, 1);
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
        refused(State.LOST, () -> s.apply(OTHER, 1), "owns");
        refused(State.LOST, s::reaccept, "owns");
        refused(State.LOST, s::abort, "owns");
    }

    @Test
    void applyRunsAComponentUntilItStops() {
        ControlSession s = controlled("dialog");
        IvrRequest.ComponentApply apply = s.apply(PLAY, 77);
        assertEquals("ivrapi_component_apply", apply.name());
        assertEquals(204, apply.data().get("oType").intValue());
        assertEquals(0, apply.data().get("mode").intValue());
        assertEquals(":GS_PUB/x/y/14.mp3", apply.data().get("file").textValue());
        assertEquals(77, apply.data().get("oId").longValue());
        assertEquals(State.COMPONENT_RUNNING, s.state());
        assertEquals(State.CONTROLLED, s.componentStopped());
        s.apply(OTHER, 78);
        assertEquals(State.COMPONENT_RUNNING, s.state());
    }

    @Test
    void aRefusedApplyFreesTheSessionAndRestoresTheSipState() {
        ControlSession s = controlled("incoming");
        s.apply(Component.sipResponse(183, "Session Progress"), 1);
        assertEquals("early", s.sipState());
        assertEquals(State.CONTROLLED, s.applyRefused());
        assertEquals("incoming", s.sipState());
        s.apply(Component.sipResponse(486, "Busy Here"), 2);
        s.applyRefused();
        s.apply(Component.sipResponse(200, "OK"), 3);
        assertEquals("dialog", s.sipState(), "a refused final response does not count as sent");
    }

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
        refused(State.ABORTED, () -> s.apply(OTHER, 2), "owns");
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
        refused(State.ENDED, () -> s.apply(OTHER, 2), "apply(component oType 999)", rule);
        refused(State.ENDED, s::terminate, "terminate", rule);
        refused(State.ENDED, s::abort, "abort", rule);
        assertEquals(State.ENDED, s.componentStopped());
        assertTrue(s.linkUp().isEmpty(), "no reaccept for an ended session");
    }

    @Test
    void aLocalEndSaysSo() {
        ControlSession s = controlled("dialog");
        s.stopped(StopReason.CLOSED);
        refused(State.ENDED, s::abort, "the session ended here (closed); nothing more may be sent for it");
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
        assertTrue(StopReason.LOST.local() && StopReason.CLOSED.local() && !StopReason.SCRIPT.local());
    }

    // ---- the link

    @Test
    void nothingIsSentWhileTheLinkIsDown() {
        ControlSession s = running("dialog");
        s.linkDown();
        String rule = "the socket is down; nothing is sent until the client has reconnected and reaccepted";
        refused(State.COMPONENT_RUNNING, s::terminate, rule);
        refused(State.COMPONENT_RUNNING, s::abort, rule);
        refused(State.COMPONENT_RUNNING, s::reaccept, rule);
        assertEquals(State.CONTROLLED, s.componentStopped(), "events still arrive in order before the drop");
        refused(State.CONTROLLED, () -> s.apply(OTHER, 3), rule);
    }

    @Test
    void linkUpReacceptsAnOwnedSessionAndKeepsItsComponent() {
        ControlSession s = running("dialog");
        s.terminate();
        s.linkDown();
        IvrRequest.SessionCommand reaccept = s.linkUp().orElseThrow();
        assertEquals("ivrapi_reaccept", reaccept.name());
        assertEquals(State.COMPONENT_RUNNING, s.reaccepted(AcceptResult.OK));
        assertEquals("ivrapi_component_terminate", s.terminate().name(), "the lost terminate may be sent again");
        assertEquals(State.CONTROLLED, s.componentStopped());
    }

    @Test
    void linkUpReacceptsASessionWhoseAcceptWasInFlight() {
        ControlSession s = offered("dialog");
        s.accept();
        s.linkDown();
        s.linkUp().orElseThrow();
        assertEquals(State.CONTROLLED, s.reaccepted(AcceptResult.OK));
    }

    @Test
    void aRefusedReacceptLosesTheSession() {
        ControlSession s = running("dialog");
        s.linkDown();
        s.linkUp();
        assertEquals(State.LOST, s.reaccepted(AcceptResult.LOST));
        refused(State.LOST, () -> s.apply(OTHER, 3), "owns");
    }

    @Test
    void linkUpSendsNothingForSessionsNotOwned() {
        ControlSession offered = offered("dialog");
        offered.linkDown();
        assertTrue(offered.linkUp().isEmpty());
        ControlSession aborted = controlled("dialog");
        aborted.abort();
        aborted.linkDown();
        assertTrue(aborted.linkUp().isEmpty());
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
        refused(State.COMPONENT_RUNNING, () -> running("dialog").apply(OTHER, 2),
                "apply(component oType 999)", "one component at a time");
    }

    @Test
    void applyRefusedUnlessControlled() {
        refused(State.OFFERED, () -> offered("dialog").apply(OTHER, 1),
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
        IvrRequest.ComponentApply a = controlled(sip).apply(Component.transfer("13"), 1);
        assertEquals(202, a.data().get("oType").intValue());
        assertEquals(302, a.data().get("sipCode").intValue());
        assertEquals("13", a.data().get("redirectTo").textValue());
        IvrRequest.ComponentApply b = controlled(sip).apply(Component.transfer("14").withRedirectCode(301), 1);
        assertEquals(301, b.data().get("sipCode").intValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"early", "ringing", "incoming"})
    void hangupBeforeDialogBecomesA4xxTo6xxResponse(String sip) {
        IvrRequest.ComponentApply plain = controlled(sip).apply(Component.hangup(), 1);
        assertEquals(202, plain.data().get("oType").intValue());
        assertEquals(Component.Hangup.DEFAULT_EARLY_CODE, plain.data().get("sipCode").intValue());
        for (int code : new int[] {400, 486, 603, 699}) {
            IvrRequest.ComponentApply a = controlled(sip).apply(Component.hangup().withEarlyResponse(code, "No"), 1);
            assertEquals(202, a.data().get("oType").intValue());
            assertEquals(code, a.data().get("sipCode").intValue());
            assertEquals("No", a.data().get("phrase").textValue());
        }
    }

    @Test
    void rawTransferAndHangupBeforeDialogAreRefusedWithAHint() {
        refused(State.CONTROLLED, () -> controlled("ringing").apply(Component.raw(203, null), 1),
                "before the dialog is confirmed (SIP state ringing, not dialog) a transfer (203) must be sent as a"
                        + " 3xx SIP response (202); apply Component.transfer(number)");
        refused(State.CONTROLLED, () -> controlled(null).apply(Component.raw(201, null), 1),
                "(SIP state null, not dialog) a hangup (201) must be sent as a 4xx-6xx SIP response (202)");
    }

    @Test
    void transferAndHangupInDialogAreSentAsThemselves() {
        IvrRequest.ComponentApply t = controlled("dialog").apply(Component.transfer("13").withReinviteMode(2), 1);
        assertEquals(203, t.data().get("oType").intValue());
        assertEquals("13", t.data().get("number").textValue());
        assertEquals(2, t.data().get("reinviteMode").intValue());
        assertEquals(201, controlled("dialog").apply(Component.hangup(), 1).data().get("oType").intValue());
        assertEquals(203, controlled("dialog").apply(Component.raw(203, null), 1).data().get("oType").intValue());
    }

    @ParameterizedTest
    @ValueSource(ints = {Component.PLAYBACK, Component.RECORD})
    void mediaOnlyInEarlyOrDialog(int oType) {
        Component media = oType == Component.PLAYBACK ? PLAY : RECORD;
        controlled("early").apply(media, 1);
        controlled("dialog").apply(media, 1);
        controlled("dialog").apply(Component.raw(oType, null), 1);
        for (String sip : new String[] {"ringing", "incoming"}) {
            refused(State.CONTROLLED, () -> controlled(sip).apply(media, 1), "media components (playback 204,"
                    + " record 208) need SIP state early (last response 183) or dialog, got " + sip);
            refused(State.CONTROLLED, () -> controlled(sip).apply(Component.raw(oType, null), 1), "got " + sip);
        }
    }

    @Test
    void sipResponsesMoveTheSipState() {
        ControlSession s = controlled("incoming");
        s.apply(Component.sipResponse(183, "Session Progress"), 1);
        assertEquals("early", s.sipState());
        s.componentStopped();
        s.apply(PLAY, 2);
        s.componentStopped();
        s.apply(Component.sipResponse(180, "Ringing"), 3);
        assertEquals("ringing", s.sipState());
        s.componentStopped();
        refused(State.CONTROLLED, () -> s.apply(RECORD, 4), "got ringing");
        s.apply(Component.sipResponse(200, "OK"), 5);
        assertEquals("dialog", s.sipState());
        s.componentStopped();
        s.apply(RECORD, 6);
    }

    @Test
    void sipResponseRules() {
        refused(State.CONTROLLED, () -> controlled("dialog").apply(Component.sipResponse(200, "OK"), 1),
                "the INVITE already has its final response");
        refused(State.CONTROLLED, () -> controlled("early").apply(Component.raw(202, null), 1),
                "a SIP response (202) needs an integer \"sipCode\" from 100 to 699, got null");
        refused(State.CONTROLLED, () -> controlled("early").apply(Component.raw(202,
                JsonNodeFactory.instance.objectNode().put("sipCode", 99)), 1), "got 99");
        ControlSession s = controlled("ringing");
        s.apply(Component.sipResponse(486, "Busy Here"), 1);
        s.componentStopped();
        refused(State.CONTROLLED, () -> s.apply(Component.sipResponse(180, "Ringing"), 2),
                "the INVITE already has its final response (486); a SIP response (202) 180 cannot follow it");
    }

    @Test
    void refusedApplyChangesNothing() {
        ControlSession s = controlled("ringing");
        assertThrows(IvrStateException.class, () -> s.apply(PLAY, 1));
        assertEquals(State.CONTROLLED, s.state());
        assertEquals("ringing", s.sipState());
    }
}
