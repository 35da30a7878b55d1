package dev.forge.testkit.ivr;

import static dev.forge.testkit.ivr.IvrControllerTest.MENU;
import static dev.forge.testkit.ivr.IvrControllerTest.TOKEN;
import static dev.forge.testkit.ivr.IvrControllerTest.WAIT;
import static dev.forge.testkit.ivr.IvrControllerTest.done;
import static dev.forge.testkit.ivr.IvrControllerTest.failure;
import static dev.forge.testkit.ivr.IvrControllerTest.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.forge.ivr.Component;
import dev.forge.ivr.ComponentResult;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.ControlSession;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrConnectionException;
import dev.forge.ivr.IvrConnectionListener;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrRequest;
import dev.forge.ivr.IvrSession;
import dev.forge.ivr.IvrStateException;
import dev.forge.ivr.IvrVoiceChannel;
import dev.forge.ivr.SessionListener;
import dev.forge.ivr.StopReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Socket drops in the middle of controlled sessions: reconnect, re-subscribe, reaccept, against the fake. */
class IvrReconnectTest {
    private static final IvrOptions FAST_RECONNECT = IvrOptions.builder()
            .reconnectInitialDelay(Duration.ofMillis(10)).reconnectMaxDelay(Duration.ofMillis(40)).build();

    private FakeIvrPlatform platform;
    private IvrClient client;
    private final IvrControllerTest.Sessions handler = new IvrControllerTest.Sessions();
    private final BlockingQueue<String> link = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> reconnected = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        platform = FakeIvrPlatform.start(TOKEN);
        client = IvrClient.connect(platform.endpoint(), TOKEN, FAST_RECONNECT);
        client.addConnectionListener(new IvrConnectionListener() {
            @Override
            public void onReconnected(int attempts) {
                reconnected.add(attempts);
            }
        });
    }

    @AfterEach
    void stop() {
        client.close();
        platform.close();
    }

    private IvrRequest take(String name) throws InterruptedException {
        IvrRequest r = platform.takeRequest(name, WAIT);
        assertNotNull(r, "no " + name + " within " + WAIT);
        return r;
    }

    /** A controlled session whose link events go to {@link #link}. */
    private IvrSession controlled(String ivrid) throws InterruptedException {
        return controlled(ivrid, "dialog");
    }

    /** As {@link #controlled(String)}, for a call in SIP state {@code state}. */
    private IvrSession controlled(String ivrid, String state) throws InterruptedException {
        return controlled(ivrid, state, ControlOptions.defaults());
    }

    /** As {@link #controlled(String, String)}, with the controller's {@code options}. */
    private IvrSession controlled(String ivrid, String state, ControlOptions options) throws InterruptedException {
        client.control(options, handler);
        platform.startCall(ivrid, "abc", state);
        IvrSession s = handler.next();
        s.addListener(new SessionListener() {
            @Override
            public void onLinkDown(IvrSession session) {
                link.add("down");
            }

            @Override
            public void onReaccepted(IvrSession session) {
                link.add("reaccepted");
            }
        });
        return s;
    }

    @Test
    void aDisconnectInTheMiddleOfASessionKeepsItsComponent() throws Exception {
        IvrSession s = controlled("rDlg-1");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        platform.dtmf("rDlg-1", "5");
        done(s.nextDtmf()); // the digit came after the apply's answer: the client has seen the answer

        platform.disconnectAll();
        assertEquals("down", next(link));
        var subscribe = (IvrRequest.Subscribe) take("subscribe");
        assertEquals("ivrevents", subscribe.eventClass());
        var reaccept = (IvrRequest.SessionCommand) take("ivrapi_reaccept");
        assertEquals("rDlg-1", reaccept.ivrid());
        assertEquals("abc", reaccept.key());
        assertEquals("reaccepted", next(link));
        assertEquals(1, next(reconnected));
        assertFalse(played.toCompletableFuture().isDone(), "the component's stage survives the reconnect");
        assertEquals(ControlSession.State.COMPONENT_RUNNING, s.state());

        platform.componentStopped("rDlg-1", "transfer", JsonNodeFactory.instance.objectNode().put("dtmfBuffer", "5"));
        ComponentResult r = done(played);
        assertEquals("5", r.dtmfBuffer());
        assertEquals(1, s.reacceptCount());
        assertEquals(1, client.reconnectCount());
        assertEquals(1, platform.record("rDlg-1").reaccepts());

        CompletionStage<ComponentResult> bye = s.apply(Component.hangup());
        take("ivrapi_component_apply");
        platform.componentStopped("rDlg-1", "transfer", null);
        done(bye);
        assertEquals(StopReason.SCRIPT, done(s.ended()));
        assertEquals(CallRecord.Outcome.HANGUP, platform.awaitEnd("rDlg-1", WAIT).outcome());
    }

    @Test
    void anApplyWhoseAnswerWasLostIsTerminatedAfterTheReaccept() throws Exception {
        IvrSession s = controlled("rDlg-1");
        platform.delay("ivrapi_component_apply", Duration.ofSeconds(30)); // the answer never makes it
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        platform.disconnectAll();
        take("ivrapi_reaccept");
        take("ivrapi_component_terminate");
        ComponentResult r = done(played);
        assertEquals(FakeIvrPlatform.TERMINATED_KEY, r.transferKey(), "it did run; the platform stopped it");
    }

    /**
     * Runs {@code apply}, whose component is lost on its way to the platform, then drops the socket; returns once
     * the client has reaccepted the session.
     */
    private <T> CompletionStage<T> lostInADisconnect(Supplier<CompletionStage<T>> apply) throws InterruptedException {
        platform.ignore("ivrapi_component_apply", true);
        CompletionStage<T> stage = apply.get();
        take("ivrapi_component_apply");
        platform.ignore("ivrapi_component_apply", false);
        platform.disconnectAll();
        take("ivrapi_reaccept");
        return stage;
    }

    @Test
    void anAnswerThatNeverReachedThePlatformLeavesTheSipStateAsItWas() throws Exception {
        platform.autoStop(Duration.ofMillis(1)); // components end by themselves
        IvrSession s = controlled("rDlg-1", "early");
        CompletionStage<ComponentResult> answered = lostInADisconnect(() -> s.apply(Component.sipResponse(200, "OK")));
        take("ivrapi_component_terminate");
        assertInstanceOf(IvrConnectionException.class, failure(answered));
        assertEquals(ControlSession.EARLY, s.sipState(), "the platform never ran the 200");
        assertTrue(platform.record("rDlg-1").applied().isEmpty());

        done(s.apply(Component.sipResponse(200, "OK"))); // so it can be sent again
        assertEquals(ControlSession.DIALOG, s.sipState());
        assertEquals(200, platform.record("rDlg-1").sipCode());
    }

    @Test
    void aVoiceCallsAnswerLostOnItsWayIsSentAgainAfterTheReaccept() throws Exception {
        platform.autoStop(Duration.ofMillis(1)); // components end by themselves
        IvrSession s = controlled("rDlg-1", "early");
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            IvrVoiceChannel channel = new IvrVoiceChannel(s, timers, null);
            done(lostInADisconnect(channel::answer));
            assertEquals(200, platform.record("rDlg-1").sipCode(), "the 200 was applied again");
            done(channel.play("ivr/welcome.wav"));
            assertEquals(2, platform.record("rDlg-1").applied().size());
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void anAnswerThePlatformRanCountsThoughItsReplyWasLost() throws Exception {
        IvrSession s = controlled("rDlg-1", "early");
        platform.delay("ivrapi_component_apply", Duration.ofSeconds(30)); // applied, but the answer never makes it
        CompletionStage<ComponentResult> answered = s.apply(Component.sipResponse(200, "OK"));
        take("ivrapi_component_apply");
        platform.disconnectAll();
        take("ivrapi_reaccept");
        done(answered);
        assertEquals(ControlSession.DIALOG, s.sipState());
        assertEquals(200, platform.record("rDlg-1").sipCode());
    }

    @Test
    void anAcceptWhoseAnswerWasLostIsReacceptedAndHandedOver() throws Exception {
        platform.delay("ivrapi_accept", Duration.ofSeconds(30));
        client.control(ControlOptions.defaults(), handler);
        platform.startCall("rDlg-1", "abc", "dialog");
        take("ivrapi_accept");
        assertTrue(handler.taken.isEmpty());
        platform.disconnectAll();
        take("ivrapi_reaccept");
        IvrSession s = handler.next();
        assertEquals("rDlg-1", s.ivrid());
        assertEquals(ControlSession.State.CONTROLLED, s.state());
        assertEquals(0, s.reacceptCount(), "handed over once, after the reaccept that took it");
    }

    @Test
    void aSessionThatEndedWhileTheSocketWasDownIsLostAfterTheReconnect() throws Exception {
        IvrSession s = controlled("rDlg-1");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        platform.refuseConnections(true);
        platform.disconnectAll();
        assertEquals("down", next(link));
        platform.stopCall("rDlg-1", "script"); // nobody is connected to hear the api_stop
        platform.refuseConnections(false);
        take("ivrapi_reaccept");
        assertEquals(StopReason.LOST, done(s.ended()));
        IvrStateException e = assertInstanceOf(IvrStateException.class, failure(played));
        assertTrue(e.getMessage().contains("after the reconnect the platform refused ivrapi_reaccept (ivrapi_reaccept"
                + " (qid "), e.getMessage());
        assertTrue(e.getMessage().contains("no controllable session rDlg-1 with that key"), e.getMessage());
    }

    @Test
    void theClientKeepsTryingWithBackoffUntilThePlatformIsBack() throws Exception {
        IvrSession s = controlled("rDlg-1");
        platform.refuseConnections(true);
        platform.disconnectAll();
        assertEquals("down", next(link));
        assertTrue(platform.awaitRefusedConnections(3, WAIT), "the client retries while refused");
        platform.refuseConnections(false);
        int attempts = next(reconnected);
        assertTrue(attempts >= 4, "three refused attempts and the one that worked, got " + attempts);
        assertEquals("reaccepted", next(link));
        assertEquals(ControlSession.State.CONTROLLED, s.state());
    }

    @Test
    void withoutReconnectADropEndsTheSessions() throws Exception {
        client.close();
        client = IvrClient.connect(platform.endpoint(), TOKEN, IvrOptions.builder().reconnect(false).build());
        IvrSession s = controlled("rDlg-1");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        platform.disconnectAll();
        assertEquals(StopReason.CLOSED, done(s.ended()));
        assertInstanceOf(dev.forge.ivr.IvrSessionEndedException.class, failure(played));
        assertFalse(client.isOpen());
    }

    @Test
    void eventsOfTheOutageArriveAfterTheReaccept() throws Exception {
        IvrSession s = controlled("rDlg-1");
        CompletionStage<ComponentResult> played = s.apply(MENU);
        take("ivrapi_component_apply");
        platform.refuseConnections(true);
        platform.disconnectAll();
        assertEquals("down", next(link));
        platform.dtmf("rDlg-1", "7"); // pressed while the controller is away
        platform.componentStopped("rDlg-1", "transfer", JsonNodeFactory.instance.objectNode().put("dtmfBuffer", "7"));
        platform.refuseConnections(false);
        assertEquals("7", done(played).dtmfBuffer());
        assertEquals("7", done(s.nextDtmf()).digit());
    }

    // ---- a component in flight across a disconnect: settled after the reaccept

    /** Settles fast, so that the tests do not wait the default's two seconds. */
    private static final ControlOptions SETTLE_FAST = ControlOptions.builder()
            .settleAfterReaccept(Duration.ofMillis(50)).terminateGrace(Duration.ofMillis(100)).build();

    /** {@code playback} applied on {@code s}, confirmed by the platform (the client has seen it), still running. */
    private CompletionStage<ComponentResult> playing(IvrSession s, Component playback) throws Exception {
        CompletionStage<ComponentResult> played = s.apply(playback);
        confirmed(s);
        return played;
    }

    /** Returns once the platform has the apply sent on {@code s} and the client has seen its answer. */
    private void confirmed(IvrSession s) throws Exception {
        take("ivrapi_component_apply");
        platform.dtmf(s.ivrid(), "1");
        done(s.nextDtmf()); // the digit came after the apply's answer: the client has seen the answer
    }

    /** Cuts the socket and keeps the client away while {@code meanwhile} happens on the platform. */
    private void whileAway(Runnable meanwhile) throws InterruptedException {
        platform.refuseConnections(true);
        platform.disconnectAll();
        assertEquals("down", next(link));
        meanwhile.run();
        platform.refuseConnections(false);
    }

    @Test
    void aStopKeptForTheReacceptCompletesTheComponentWithoutAProbe() throws Exception {
        IvrSession s = controlled("rDlg-1");
        CompletionStage<ComponentResult> played = playing(s, MENU);
        whileAway(() -> platform.componentStopped("rDlg-1", "transfer",
                JsonNodeFactory.instance.objectNode().put("dtmfBuffer", "7")));
        take("ivrapi_reaccept");
        ComponentResult r = done(played);
        assertEquals(ComponentResult.Ending.STOPPED, r.ending());
        assertEquals("transfer", r.transferKey());
        assertEquals("7", r.dtmfBuffer());

        CompletionStage<ComponentResult> bye = s.apply(Component.hangup());
        IvrRequest after = platform.takeRequest(WAIT);
        assertNotNull(after, "nothing sent after the reaccept");
        assertEquals("ivrapi_component_apply", after.name(), "a kept stop needs no probe");
        platform.componentStopped("rDlg-1", "transfer", null);
        done(bye);
    }

    @Test
    void aStopThePlatformDroppedIsSettledByTheProbeAsLost() throws Exception {
        platform.dropEventsWhileDisconnected(true);
        IvrSession s = controlled("rDlg-1", "dialog", SETTLE_FAST);
        CompletionStage<ComponentResult> played = playing(s, MENU);
        whileAway(() -> platform.componentStopped("rDlg-1", "transfer", null)); // nobody hears it, nobody keeps it
        take("ivrapi_reaccept");
        assertEquals("reaccepted", next(link));
        var probe = (IvrRequest.SessionCommand) take("ivrapi_component_terminate");
        assertEquals("rDlg-1", probe.ivrid());
        ComponentResult r = done(played);
        assertEquals(ComponentResult.Ending.LOST, r.ending(), "the platform had nothing to terminate");
        assertTrue(r.lost());
        assertEquals(null, r.transferKey());
        assertTrue(r.results().isEmpty());
        assertEquals(ControlSession.State.CONTROLLED, s.state());

        CompletionStage<ComponentResult> bye = s.apply(Component.hangup()); // the session goes on
        take("ivrapi_component_apply");
        platform.componentStopped("rDlg-1", "transfer", null);
        assertEquals(ComponentResult.Ending.STOPPED, done(bye).ending());
        assertEquals(CallRecord.Outcome.HANGUP, platform.awaitEnd("rDlg-1", WAIT).outcome());
        assertEquals(2, platform.record("rDlg-1").applied().size());
    }

    @Test
    void withTheDefaultOptionsALostStopIsProbedToo() throws Exception {
        platform.dropEventsWhileDisconnected(true);
        IvrSession s = controlled("rDlg-1");
        CompletionStage<ComponentResult> played = playing(s, MENU);
        whileAway(() -> platform.componentStopped("rDlg-1", "transfer", null));
        take("ivrapi_reaccept");
        take("ivrapi_component_terminate"); // after DEFAULT_SETTLE_AFTER_REACCEPT, well within WAIT
        assertEquals(ComponentResult.Ending.LOST, done(played).ending());
    }

    @ParameterizedTest(name = "terminate sends a stop event: {0}")
    @ValueSource(booleans = {true, false})
    void aComponentStillRunningAfterTheReconnectIsStoppedByTheProbe(boolean stopEvent) throws Exception {
        platform.dropEventsWhileDisconnected(true);
        platform.terminateSendsStopped(stopEvent);
        IvrSession s = controlled("rDlg-1", "dialog", SETTLE_FAST);
        CompletionStage<ComponentResult> played = playing(s, MENU);
        whileAway(() -> { }); // the prompt plays on
        take("ivrapi_reaccept");
        take("ivrapi_component_terminate");
        ComponentResult r = done(played);
        assertEquals(ComponentResult.Ending.INTERRUPTED, r.ending(), "the probe's answer said it still ran");
        assertTrue(r.interrupted());
        assertEquals(stopEvent ? FakeIvrPlatform.TERMINATED_KEY : null, r.transferKey(),
                "the stop event's branch, when the platform sends one");

        CompletionStage<ComponentResult> again = s.apply(MENU); // nothing runs any more: the platform takes it
        take("ivrapi_component_apply");
        platform.componentStopped("rDlg-1", "transfer", null);
        assertEquals(ComponentResult.Ending.STOPPED, done(again).ending());
    }

    @Test
    void anUnansweredProbeStillSettlesTheComponent() throws Exception {
        client.close();
        client = IvrClient.connect(platform.endpoint(), TOKEN, FAST_RECONNECT.toBuilder()
                .requestTimeout(Duration.ofMillis(300)).build());
        platform.dropEventsWhileDisconnected(true);
        IvrSession s = controlled("rDlg-1", "dialog", SETTLE_FAST);
        CompletionStage<ComponentResult> played = playing(s, MENU);
        platform.ignore("ivrapi_component_terminate");
        whileAway(() -> platform.componentStopped("rDlg-1", "transfer", null));
        take("ivrapi_reaccept");
        take("ivrapi_component_terminate");
        assertEquals(ComponentResult.Ending.LOST, done(played).ending(), "no answer within requestTimeout");
    }

    @Test
    void aPromptInterruptedByTheProbeIsPlayedAgainAndOneThatEndedGoesOn() throws Exception {
        platform.dropEventsWhileDisconnected(true);
        IvrSession s = controlled("rDlg-1", "dialog", SETTLE_FAST);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            IvrVoiceChannel channel = new IvrVoiceChannel(s, timers, null);
            // still playing after the reconnect: the probe stops it, and the channel plays it again from the start
            CompletionStage<Void> news = channel.play("ivr/news.wav");
            confirmed(s);
            whileAway(() -> { });
            assertEquals("reaccepted", next(link));
            take("ivrapi_component_terminate");
            var again = (IvrRequest.ComponentApply) take("ivrapi_component_apply");
            assertEquals("ivr/news.wav", again.data().path("file").asText());
            assertFalse(news.toCompletableFuture().isDone(), "the script waits for the prompt played again");
            platform.componentStopped("rDlg-1", "transfer", null);
            done(news);

            // ended while the socket was down and its stop dropped: the probe finds nothing, the script goes on
            CompletionStage<Void> bye = channel.play("ivr/bye.wav");
            confirmed(s);
            whileAway(() -> platform.componentStopped("rDlg-1", "transfer", null));
            take("ivrapi_component_terminate");
            done(bye);
            assertEquals(List.of("ivr/news.wav", "ivr/news.wav", "ivr/bye.wav"), platform.record("rDlg-1").applied()
                    .stream().map(d -> d.path("file").asText()).toList());
        } finally {
            timers.shutdownNow();
        }
    }
}
