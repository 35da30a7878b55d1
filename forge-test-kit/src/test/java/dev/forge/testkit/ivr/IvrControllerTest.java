package dev.forge.testkit.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.forge.ivr.AcceptLost;
import dev.forge.ivr.ApiEvent;
import dev.forge.ivr.Component;
import dev.forge.ivr.ComponentResult;
import dev.forge.ivr.ControlHandler;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.ControlSession;
import dev.forge.ivr.DtmfEvent;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrController;
import dev.forge.ivr.IvrException;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrRequest;
import dev.forge.ivr.IvrRequestException;
import dev.forge.ivr.IvrSession;
import dev.forge.ivr.IvrSessionEndedException;
import dev.forge.ivr.IvrStateException;
import dev.forge.ivr.IvrTimeoutException;
import dev.forge.ivr.SessionListener;
import dev.forge.ivr.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control layer of IvrClient against FakeIvrPlatform, over a real WebSocket on loopback. */
class IvrControllerTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String TOKEN = "t0k3n-for-control";
    static final Component MENU = Component.playback(":GS_PUB/prompts/menu.wav");
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FakeIvrPlatform platform;
    private IvrClient client;
    private final Sessions handler = new Sessions();

    /** Collects what the controller hands over. */
    static final class Sessions implements ControlHandler {
        final BlockingQueue<IvrSession> taken = new LinkedBlockingQueue<>();
        final BlockingQueue<AcceptLost> lost = new LinkedBlockingQueue<>();

        @Override
        public void onSession(IvrSession session) {
            taken.add(session);
        }

        @Override
        public void onAcceptLost(AcceptLost l) {
            lost.add(l);
        }

        IvrSession next() throws InterruptedException {
            return IvrControllerTest.next(taken);
        }
    }

    @BeforeEach
    void start() {
        platform = FakeIvrPlatform.start(TOKEN);
        client = IvrClient.connect(platform.endpoint(), TOKEN, IvrOptions.defaults());
    }

    @AfterEach
    void stop() {
        client.close();
        platform.close();
    }

    static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(item, "nothing arrived within " + WAIT);
        return item;
    }

    static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    static Throwable failure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        return e.getCause();
    }

    IvrRequest take(String name) throws InterruptedException {
        IvrRequest r = platform.takeRequest(name, WAIT);
        assertNotNull(r, "no " + name + " within " + WAIT);
        return r;
    }

    IvrController control(ControlOptions options) throws InterruptedException {
        IvrController c = client.control(options, handler);
        take("subscribe");
        return c;
    }

    /** A call taken by the controller, with its accept already seen by the fake. */
    IvrSession taken(String ivrid, String state) throws InterruptedException {
        platform.startCall(ivrid, "abc", state);
        take("ivrapi_accept");
        IvrSession s = handler.next();
        assertEquals(ivrid, s.ivrid());
        return s;
    }

    // ---- taking control

    @Test
    void takesSessionsWhoseKeyMatchesAndHandsThemOver() throws Exception {
        control(ControlOptions.builder().key("abc").build());
        platform.startCall("other-1", "xyz", "dialog");
        ApiEvent start = platform.startCall("rDlg-1", "abc", "dialog");
        var accept = (IvrRequest.SessionCommand) take("ivrapi_accept");
        assertEquals("rDlg-1", accept.ivrid(), "only the matching key is accepted");
        assertEquals("abc", accept.key());
        IvrSession s = handler.next();
        assertEquals("abc", s.key());
        assertEquals("rDlg-1", s.ivrid());
        assertEquals(start.callid(), s.callid());
        assertEquals(start, s.start());
        assertEquals("dialog", s.sipState());
        assertEquals(ControlSession.State.CONTROLLED, s.state());
        assertEquals(1, platform.record("rDlg-1").accepts());
        assertEquals(0, platform.record("other-1").accepts());
    }

    @Test
    void aPredicateChoosesTheKeys() throws Exception {
        control(ControlOptions.builder().keys(k -> k.startsWith("sales-"), "sales-*").build());
        platform.startCall("a", "support-1", "dialog");
        platform.startCall("b", "sales-7", "dialog");
        assertEquals("b", ((IvrRequest.SessionCommand) take("ivrapi_accept")).ivrid());
        assertEquals("sales-7", handler.next().key());
    }

    @Test
    void anExistingSubscriptionIsReused() throws Exception {
        client.subscribe(ApiEvent.EVENT_CLASS);
        take("subscribe");
        client.control(ControlOptions.defaults(), handler);
        platform.startCall("rDlg-1", "abc", "dialog");
        assertEquals("ivrapi_accept", platform.takeRequest(WAIT).name(), "no second subscription");
        handler.next();
    }

    @Test
    void losingTheAcceptRaceIsReportedToTheHandler() throws Exception {
        control(ControlOptions.defaults());
        platform.startCall(CallSpec.builder("rDlg-1", "abc", "dialog").rival(CallSpec.Rival.WINS).build());
        AcceptLost lost = next(handler.lost);
        assertEquals(AcceptLost.Reason.REFUSED, lost.reason());
        assertEquals("rDlg-1", lost.start().ivrid());
        IvrRequestException refusal = assertInstanceOf(IvrRequestException.class, lost.cause());
        assertEquals("session rDlg-1 is already accepted by another connection",
                refusal.fields().get("reason").textValue());
        assertTrue(lost.describe().startsWith("session rDlg-1 (key abc) not taken: refused ("), lost.describe());
        assertEquals(CallRecord.Outcome.RIVAL, platform.awaitEnd("rDlg-1", WAIT).outcome());
        assertTrue(handler.taken.isEmpty());
    }

    @Test
    void winningTheRaceAgainstARival() throws Exception {
        control(ControlOptions.defaults());
        platform.startCall(CallSpec.builder("rDlg-1", "abc", "dialog").rival(CallSpec.Rival.LOSES).build());
        handler.next();
        assertTrue(platform.record("rDlg-1").rivalRefused());
    }

    @Test
    void anOfferThatTimesOutBeforeTheAcceptIsAnsweredIsLost() throws Exception {
        platform.ignore("ivrapi_accept");
        platform.acceptTimeout(Duration.ofMillis(50));
        control(ControlOptions.defaults());
        platform.startCall("rDlg-1", "abc", "dialog");
        AcceptLost lost = next(handler.lost);
        assertEquals(AcceptLost.Reason.ENDED, lost.reason());
        assertNull(lost.cause());
    }

    // ---- components

    @Test
    void applyCompletesWithTheComponentsStopEvent() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        var apply = (IvrRequest.ComponentApply) take("ivrapi_component_apply");
        assertEquals(204, apply.data().get("oType").intValue());
        assertEquals(":GS_PUB/prompts/menu.wav", apply.data().get("file").textValue());
        long oId = apply.data().get("oId").longValue();
        assertEquals(ControlOptions.DEFAULT_FIRST_OID, oId);
        assertEquals(ControlSession.State.COMPONENT_RUNNING, s.state());

        platform.componentStopped("rDlg-1", "transfer", JSON.objectNode().put("dtmfBuffer", "78"));
        ComponentResult r = done(played);
        assertEquals("transfer", r.transferKey());
        assertEquals("78", r.dtmfBuffer());
        assertEquals(oId, r.oId());
        assertEquals(MENU, r.component());
        assertEquals(MENU, r.sentAs());
        assertFalse(r.terminated());
        assertEquals(ControlSession.State.CONTROLLED, s.state());
    }

    @Test
    void stopEventsAreMatchedToTheirSessionsByOId() throws Exception {
        control(ControlOptions.defaults());
        IvrSession a = taken("a", "dialog");
        IvrSession b = taken("b", "dialog");
        CompletionStage<ComponentResult> playA = a.apply(MENU);
        take("ivrapi_component_apply");
        CompletionStage<ComponentResult> playB = b.apply(Component.playback("prompts/other.wav"));
        take("ivrapi_component_apply");
        platform.componentStopped("b", "b-branch", null);
        assertEquals("b-branch", done(playB).transferKey());
        assertFalse(playA.toCompletableFuture().isDone(), "a's component still runs");
        platform.componentStopped("a", "a-branch", null);
        assertEquals("a-branch", done(playA).transferKey());
    }

    @Test
    void aSecondApplyIsQueuedUntilTheFirstStops() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        CompletionStage<ComponentResult> first = s.apply(MENU);
        CompletionStage<ComponentResult> second = s.apply(Component.playback("prompts/second.wav"));
        var applied = (IvrRequest.ComponentApply) take("ivrapi_component_apply");
        assertEquals(":GS_PUB/prompts/menu.wav", applied.data().get("file").textValue());
        platform.componentStopped("rDlg-1", "transfer", null);
        done(first);
        var next = (IvrRequest.ComponentApply) take("ivrapi_component_apply");
        assertEquals("prompts/second.wav", next.data().get("file").textValue());
        platform.componentStopped("rDlg-1", "transfer", null);
        done(second);
        assertEquals(List.of(204, 204), platform.record("rDlg-1").oTypes(),
                "the fake refuses overlapping components; both ran");
    }

    @Test
    void aSecondApplyIsRefusedClearlyWhenAskedTo() throws Exception {
        control(ControlOptions.builder().overlap(ControlOptions.Overlap.REFUSE).build());
        IvrSession s = taken("rDlg-1", "dialog");
        s.apply(MENU);
        IvrStateException e = assertInstanceOf(IvrStateException.class,
                failure(s.apply(Component.playback("prompts/second.wav"))));
        assertEquals("apply(playback (204) of prompts/second.wav) refused in state COMPONENT_RUNNING: one component"
                + " at a time: playback (204) of :GS_PUB/prompts/menu.wav is still running; wait for its stage or"
                + " terminate() it (ControlOptions.overlap is REFUSE)", e.getMessage());
    }

    @Test
    void aSipRuleBreachFailsTheStageAndSendsNothing() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "ringing");
        IvrStateException e = assertInstanceOf(IvrStateException.class, failure(s.apply(MENU)));
        assertTrue(e.getMessage().contains("media components (playback 204, record 208) need SIP state early (last"
                + " response 183) or dialog, got ringing"), e.getMessage());
        s.apply(Component.sipResponse(183, "Session Progress"));
        var apply = (IvrRequest.ComponentApply) take("ivrapi_component_apply");
        assertEquals(202, apply.data().get("oType").intValue(), "the refused playback never reached the wire");
        assertEquals(183, apply.data().get("sipCode").intValue());
        assertEquals("early", s.sipState());
    }

    @Test
    void aHangupBeforeTheDialogGoesOutAsAResponseAndEndsTheCall() throws Exception {
        platform.autoStop(Duration.ZERO);
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "incoming");
        CompletionStage<ComponentResult> hangup = s.apply(Component.hangup().withEarlyResponse(486, "Busy Here"));
        var apply = (IvrRequest.ComponentApply) take("ivrapi_component_apply");
        assertEquals(202, apply.data().get("oType").intValue());
        assertEquals(486, apply.data().get("sipCode").intValue());
        assertEquals("Busy Here", apply.data().get("phrase").textValue());
        ComponentResult r = done(hangup);
        assertEquals(Component.sipResponse(486, "Busy Here"), r.sentAs());
        assertEquals(StopReason.SCRIPT, done(s.ended()));
        CallRecord call = platform.awaitEnd("rDlg-1", WAIT);
        assertEquals(CallRecord.Outcome.HANGUP, call.outcome());
        assertEquals(486, call.sipCode());
    }

    @Test
    void thePlatformsRefusalFailsTheStageWithItsReason() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        platform.refuse("ivrapi_component_apply", "component limit reached");
        IvrRequestException e = assertInstanceOf(IvrRequestException.class, failure(s.apply(MENU)));
        assertEquals("ivrapi_component_apply", e.request());
        assertEquals("component limit reached", e.fields().get("reason").textValue());
        assertEquals(ControlSession.State.CONTROLLED, s.state(), "nothing runs after a refused apply");
        platform.refuse("ivrapi_component_apply", null);
        CompletionStage<ComponentResult> again = s.apply(MENU);
        take("ivrapi_component_apply");
        take("ivrapi_component_apply");
        platform.componentStopped("rDlg-1", "transfer", null);
        done(again);
    }

    // ---- terminate, cancel, abort

    @Test
    void cancellingARunningApplyTerminatesItOnTheWire() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        assertTrue(played.toCompletableFuture().cancel(true));
        var terminate = (IvrRequest.SessionCommand) take("ivrapi_component_terminate");
        assertEquals("rDlg-1", terminate.ivrid());
        // the session is free again once the platform has stopped it
        CompletionStage<ComponentResult> next = s.apply(Component.playback("prompts/bye.wav"));
        take("ivrapi_component_apply");
        platform.componentStopped("rDlg-1", "transfer", null);
        done(next);
    }

    @Test
    void cancellingAQueuedApplySendsNothing() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        CompletionStage<ComponentResult> first = s.apply(MENU);
        CompletionStage<ComponentResult> queued = s.apply(Component.playback("prompts/never.wav"));
        CompletionStage<ComponentResult> third = s.apply(Component.playback("prompts/third.wav"));
        take("ivrapi_component_apply");
        queued.toCompletableFuture().cancel(true);
        platform.componentStopped("rDlg-1", "transfer", null);
        done(first);
        var next = (IvrRequest.ComponentApply) platform.takeRequest(WAIT);
        assertEquals("prompts/third.wav", next.data().get("file").textValue(), "the cancelled one was skipped");
        platform.componentStopped("rDlg-1", "transfer", null);
        done(third);
    }

    @Test
    void terminateCompletesOnceTheComponentHasStopped() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        assertFalse(done(s.terminate()), "nothing runs: nothing to terminate");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        assertTrue(done(s.terminate()));
        take("ivrapi_component_terminate");
        ComponentResult r = done(played);
        assertEquals(FakeIvrPlatform.TERMINATED_KEY, r.transferKey(), "the platform's stop event came first");
        assertFalse(r.terminated());
    }

    @Test
    void withoutAStopEventATerminatedComponentEndsAfterTheGrace() throws Exception {
        platform.terminateSendsStopped(false);
        control(ControlOptions.builder().terminateGrace(Duration.ofMillis(10)).build());
        IvrSession s = taken("rDlg-1", "dialog");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        s.terminate();
        ComponentResult r = done(played);
        assertTrue(r.terminated());
        assertNull(r.transferKey());
        assertEquals("", r.dtmfBuffer());
    }

    @Test
    void abortHandsTheCallBackAndEndsTheSession() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        done(s.abort());
        take("ivrapi_abort");
        IvrStateException e = assertInstanceOf(IvrStateException.class, failure(played));
        assertTrue(e.getMessage().contains("control was handed back with abort()"), e.getMessage());
        assertEquals(StopReason.ABORT, done(s.ended()));
        assertEquals(CallRecord.Outcome.ABORTED, platform.awaitEnd("rDlg-1", WAIT).outcome());
        assertInstanceOf(IvrSessionEndedException.class, failure(s.apply(MENU)));
    }

    // ---- the end

    @Test
    void apiStopEndsTheSessionAndNothingIsSentAfterIt() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        CompletionStage<DtmfEvent> digit = s.nextDtmf();
        platform.stopCall("rDlg-1", "script");

        assertEquals(StopReason.SCRIPT, done(s.ended()));
        IvrSessionEndedException running = assertInstanceOf(IvrSessionEndedException.class, failure(played));
        assertEquals("Session rDlg-1 ended (api_stop reason script) while playback (204) of"
                + " :GS_PUB/prompts/menu.wav was running; nothing more is sent for it", running.getMessage());
        assertEquals(StopReason.SCRIPT, running.reason());
        assertInstanceOf(IvrSessionEndedException.class, failure(digit));
        assertInstanceOf(IvrSessionEndedException.class, failure(s.apply(MENU)));
        assertInstanceOf(IvrSessionEndedException.class, failure(s.terminate()));
        assertInstanceOf(IvrSessionEndedException.class, failure(s.abort()));
        assertInstanceOf(IvrSessionEndedException.class, failure(s.fileLink(":TEMP/a.wav")));
        assertEquals(ControlSession.State.ENDED, s.state());
        // a marker request: had the session sent anything after api_stop, it would come before this one
        client.connectionInfo();
        assertEquals("connection_info", platform.takeRequest(WAIT).name());
    }

    // ---- digits

    @Test
    void digitsArriveInIdleAndComponentModeWithTheirTiming() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        BlockingQueue<DtmfEvent> heard = new LinkedBlockingQueue<>();
        s.addListener(new SessionListener() {
            @Override
            public void onDtmf(IvrSession session, DtmfEvent dtmf) {
                heard.add(dtmf);
            }
        });
        platform.dtmf("rDlg-1", "12", Duration.ofMillis(5));
        DtmfEvent one = done(s.nextDtmf());
        DtmfEvent two = done(s.nextDtmf());
        assertEquals("1", one.digit());
        assertEquals(DtmfEvent.Mode.IDLE, one.mode());
        assertNull(one.oId());
        assertEquals(0, one.index());
        assertEquals("2", two.digit());
        assertEquals(1, two.index());
        assertFalse(two.gap().isNegative());
        assertFalse(two.receivedAt().isBefore(one.receivedAt()));
        assertEquals(one, next(heard));

        s.apply(MENU);
        long oId = ((IvrRequest.ComponentApply) take("ivrapi_component_apply")).data().get("oId").longValue();
        platform.dtmf("rDlg-1", "#");
        DtmfEvent hash = s.awaitDtmf(WAIT).orElseThrow();
        assertEquals(DtmfEvent.Mode.COMPONENT, hash.mode());
        assertEquals(oId, hash.oId());
    }

    @Test
    void clearDtmfDropsTheBufferedDigits() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        BlockingQueue<DtmfEvent> heard = new LinkedBlockingQueue<>();
        s.addListener(new SessionListener() {
            @Override
            public void onDtmf(IvrSession session, DtmfEvent dtmf) {
                heard.add(dtmf);
            }
        });
        platform.dtmf("rDlg-1", "995");
        for (int i = 0; i < 3; i++) {
            next(heard); // the session has read (and buffered) all three
        }
        s.clearDtmf();
        platform.dtmf("rDlg-1", "7");
        assertEquals("7", done(s.nextDtmf()).digit());
    }

    // ---- blocking facade

    @Test
    void applyAndWaitGivesUpAfterItsTimeoutAndTerminates() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        IvrTimeoutException e = assertThrows(IvrTimeoutException.class,
                () -> s.applyAndWait(MENU, Duration.ofMillis(50)));
        assertEquals("No result of playback (204) of :GS_PUB/prompts/menu.wav on session rDlg-1 within PT0.05S; it"
                + " was cancelled", e.getMessage());
        take("ivrapi_component_terminate");
        assertTrue(s.awaitDtmf(Duration.ofMillis(1)).isEmpty());
        assertTrue(s.awaitEnd(Duration.ofMillis(1)).isEmpty());
    }

    @Test
    void anInterruptCancelsTheWaitAndKeepsTheFlag() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        Thread.currentThread().interrupt();
        IvrException e = assertThrows(IvrException.class, () -> s.applyAndWait(MENU, WAIT));
        assertTrue(Thread.interrupted(), "the interrupt flag is kept (and cleared here)");
        assertEquals("Interrupted while waiting for result of playback (204) of :GS_PUB/prompts/menu.wav on session"
                + " rDlg-1; it was cancelled", e.getMessage());
        // the cancelled apply was dropped from the queue, or sent and then terminated
        s.apply(Component.playback("prompts/next.wav"));
        var first = (IvrRequest.ComponentApply) take("ivrapi_component_apply");
        if (first.data().get("file").textValue().equals(":GS_PUB/prompts/menu.wav")) {
            take("ivrapi_component_terminate");
            first = (IvrRequest.ComponentApply) take("ivrapi_component_apply");
        }
        assertEquals("prompts/next.wav", first.data().get("file").textValue());
    }

    @Test
    void blockingOnASessionThreadIsRefused() throws Exception {
        assertEquals("IvrSession.applyAndWait would block an ivrapi session thread, which delivers the answer it"
                + " waits for; call it from your own thread, or use the async method",
                refusedInAHandler(session -> session.applyAndWait(MENU, WAIT)).getMessage());
    }

    @Test
    void theClientsBlockingCallsAreRefusedOnASessionThreadToo() throws Exception {
        assertEquals("A blocking IvrClient call would block an ivrapi session thread, which delivers the answer it"
                + " waits for; call it from your own thread, or use the async method",
                refusedInAHandler(session -> client.connectionInfo()).getMessage());
    }

    /** What {@code blockingCall}, made in the ControlHandler (a session thread), threw. */
    private IllegalStateException refusedInAHandler(Consumer<IvrSession> blockingCall) throws Exception {
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        client.control(ControlOptions.defaults(), session -> {
            try {
                blockingCall.accept(session);
                refused.complete(null);
            } catch (RuntimeException e) {
                refused.complete(e);
            }
        });
        platform.startCall("rDlg-1", "abc", "dialog");
        return assertInstanceOf(IllegalStateException.class, done(refused));
    }

    @Test
    void applyAndWaitReturnsTheResult() throws Exception {
        platform.react(Reaction.on(204).pressing("42", Duration.ZERO).build());
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        assertEquals("42", s.applyAndWait(MENU, WAIT).dtmfBuffer());
    }

    @Test
    void oneControllerPerClient() throws Exception {
        IvrController first = control(ControlOptions.defaults());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> client.control(ControlOptions.defaults(), handler));
        assertTrue(e.getMessage().startsWith("this IvrClient already has an IvrController"), e.getMessage());
        first.close();
        client.control(ControlOptions.defaults(), handler).close();
    }

    @Test
    void filesOfTheSession() throws Exception {
        control(ControlOptions.defaults());
        IvrSession s = taken("rDlg-1", "dialog");
        assertEquals("http://127.0.0.1/fake/a.wav", done(s.fileLink(":TEMP/ivr_records/a.wav")));
        assertEquals(":TEMP/14.mp3", done(s.uploadTemp("http://files.example/14.mp3")));
        assertEquals(":GS_PUB/x/y/14.mp3", done(s.uploadStatic("http://files.example/14.mp3", ":GS_PUB/x/y/")));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> s.uploadStatic("http://files.example/14.mp3", ":GS_PUBLIC/x/"));
        assertTrue(bad.getMessage().startsWith("destpath: unknown storage alias ':GS_PUBLIC'"), bad.getMessage());
    }
}
