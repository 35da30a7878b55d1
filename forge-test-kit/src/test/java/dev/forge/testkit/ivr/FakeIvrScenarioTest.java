package dev.forge.testkit.ivr;

import static dev.forge.testkit.ivr.IvrControllerTest.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.ivr.Component;
import dev.forge.ivr.ComponentResult;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrConnectionException;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrSession;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Scenario JSON: reading it, and playing many concurrent calls through one controller. */
class FakeIvrScenarioTest {

    /** Half the callers press 1234 (transferred), half 9999 (hung up on). */
    static String menuScenario(int perBranch, String extra) {
        return """
                {
                  "token": "scenario-token",
                  "autoStopMs": 5,
                  %s
                  "reactions": [
                    {"oType": 204, "match": {"file": ":GS_PUB/menu.wav"}, "afterMs": 5, "dtmf": "%s", "dtmfGapMs": 1}
                  ],
                  "calls": [
                    {"count": %d, "ivrid": "good-{n}", "key": "abc", "state": "dialog",
                     "reactions": [{"oType": 204, "match": {"file": ":GS_PUB/menu.wav"}, "afterMs": 5,
                                    "dtmf": "1234", "dtmfGapMs": 1}]},
                    {"count": %d, "ivrid": "bad-{n}", "key": "abc", "state": "early"}
                  ]
                }
                """.formatted(extra, "9999", perBranch, perBranch);
    }

    /**
     * The controller's side of the menu: play, read the digits, transfer or hang up. A step interrupted by a
     * reconnect (terminated, or never confirmed) is played again, as an agent would.
     */
    static CompletionStage<Void> menu(IvrSession s) {
        return step(s, Component.playback(":GS_PUB/menu.wav")).thenCompose(played -> step(s,
                played.dtmfBuffer().equals("1234") ? Component.transfer("100") : Component.hangup()))
                .thenApply(r -> null);
    }

    static CompletionStage<ComponentResult> step(IvrSession s, Component c) {
        return s.apply(c).handle((r, e) -> {
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            if (cause instanceof IvrConnectionException
                    || (r != null && FakeIvrPlatform.TERMINATED_KEY.equals(r.transferKey()))) {
                return step(s, c);
            }
            return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<ComponentResult>failedFuture(e);
        }).thenCompose(x -> x);
    }

    private static Map<String, Integer> outcomes(FakeIvrPlatform platform) {
        Map<String, Integer> counts = new TreeMap<>();
        platform.records().forEach(r -> counts.merge(r.outcome().text(), 1, Integer::sum));
        return counts;
    }

    private static void checkEachCall(FakeIvrPlatform platform) {
        for (CallRecord r : platform.records()) {
            boolean good = r.ivrid().startsWith("good-");
            assertEquals(good ? CallRecord.Outcome.TRANSFER : CallRecord.Outcome.HANGUP, r.outcome(), r::toString);
            if (good) {
                assertEquals("100", r.transferTo(), r::toString);
            } else {
                assertEquals(Component.Hangup.DEFAULT_EARLY_CODE, r.sipCode(), "an early hangup is a 480");
            }
        }
    }

    @Test
    void aThousandConcurrentCallsThroughOneController() throws Exception {
        FakeIvrScenario scenario = FakeIvrScenario.parse(menuScenario(500, ""));
        assertEquals(1000, scenario.callCount());
        try (FakeIvrPlatform platform = FakeIvrPlatform.start(scenario.token());
             IvrClient client = IvrClient.connect(platform.endpoint(), scenario.token(), IvrOptions.defaults());
             FakeIvrScenario.Run run = scenario.play(platform)) {
            client.control(ControlOptions.defaults(), FakeIvrScenarioTest::menu);
            assertTrue(run.awaitDone(Duration.ofSeconds(60)), () -> "not all calls ended: " + outcomes(platform));
            assertEquals(Map.of("hangup", 500, "transfer", 500), outcomes(platform));
            checkEachCall(platform);
        }
    }

    @Test
    void callsSurviveADisconnectInTheMiddle() throws Exception {
        // slow components so that the drop comes while most calls are in the menu
        String json = menuScenario(50, "").replace("\"afterMs\": 5", "\"afterMs\": 60");
        FakeIvrScenario scenario = FakeIvrScenario.parse(json);
        IvrOptions fast = IvrOptions.builder().reconnectInitialDelay(Duration.ofMillis(5)).build();
        try (FakeIvrPlatform platform = FakeIvrPlatform.start(scenario.token());
             IvrClient client = IvrClient.connect(platform.endpoint(), scenario.token(), fast);
             FakeIvrScenario.Run run = scenario.play(platform)) {
            client.control(ControlOptions.defaults(), FakeIvrScenarioTest::menu);
            // Drop the socket once every call was accepted, not at a fixed time: an api_start sent while no
            // controller is connected is lost, as on the platform, and on a busy machine a timed drop can come
            // before the last calls were announced (such a call rightly ends with "timeout").
            for (int accepted = 0; accepted < scenario.callCount(); accepted++) {
                assertNotNull(platform.takeRequest("ivrapi_accept", Duration.ofSeconds(30)),
                        () -> "the controller stopped accepting: " + outcomes(platform));
            }
            platform.disconnectAll();
            assertTrue(run.awaitDone(Duration.ofSeconds(60)), () -> "not all calls ended: " + outcomes(platform));
            assertEquals(1, client.reconnectCount());
            checkEachCall(platform);
            assertTrue(platform.records().stream().anyMatch(r -> r.reaccepts() == 1), "sessions were reaccepted");
        }
    }

    @Test
    void templatesExpandIntoTimedCalls() {
        FakeIvrScenario s = FakeIvrScenario.parse("""
                {"startWhen": "now", "calls": [
                  {"count": 3, "ivrid": "c-{n}", "key": "k{n}", "state": "incoming", "params": {"lang": "en"},
                   "startAtMs": 100, "everyMs": 10, "rival": "loses",
                   "steps": [{"atMs": 5, "dtmf": "12", "gapMs": 3}, {"atMs": 50, "hangup": true}]}],
                 "faults": [{"atMs": 20, "disconnect": true, "refuseConnectionsMs": 30}]}
                """);
        assertEquals(FakeIvrScenario.DEFAULT_TOKEN, s.token());
        assertTrue(!s.startsWhenSubscribed());
        List<FakeIvrScenario.Planned> plan = s.plan();
        assertEquals(3, plan.size());
        assertEquals(Duration.ofMillis(120), plan.get(2).at());
        CallSpec third = plan.get(2).spec();
        assertEquals("c-3", third.ivrid());
        assertEquals("k3", third.key());
        assertEquals("incoming", third.state());
        assertEquals("{\"lang\":\"en\"}", third.params());
        assertEquals(CallSpec.Rival.LOSES, third.rival());
        assertEquals(CallSpec.Step.Kind.DTMF, third.steps().get(0).kind());
        assertEquals(Duration.ofMillis(3), third.steps().get(0).gap());
        assertEquals(CallSpec.Step.Kind.HANGUP, third.steps().get(1).kind());
        assertEquals(Duration.ofMillis(30), s.faults().get(0).refuseConnections());
    }

    @Test
    void mistakesNameTheFieldAndTheValue() {
        assertError("calls: at least one call template is required, e.g. [{\"count\": 10, \"key\": \"abc\"}]", "{}");
        assertError("calls[0].key: is required", "{\"calls\": [{}]}");
        assertError("calls[0].ivrid: \"same\" names 2 calls the same; put {n} in it (1..2), e.g. \"same-{n}\"",
                "{\"calls\": [{\"count\": 2, \"ivrid\": \"same\", \"key\": \"k\"}]}");
        assertError("calls[0].count: must be a whole number of 1 or more, got 0",
                "{\"calls\": [{\"count\": 0, \"key\": \"k\"}]}");
        assertError("calls[0].reactions[0].afterMs: must be a whole number of milliseconds, 0 or more, got \"soon\"",
                "{\"calls\": [{\"key\": \"k\", \"reactions\": [{\"afterMs\": \"soon\"}]}]}");
        assertError("calls[0].reactions[0].dtmf: 'x' in \"1x\" is not a DTMF digit; use 0-9, *, #, A-D",
                "{\"calls\": [{\"key\": \"k\", \"reactions\": [{\"dtmf\": \"1x\"}]}]}");
        assertError("calls[0].reactons: unknown field; known here: acceptTimeoutMs, count, everyMs, ivrid, key,"
                + " params, reactions, rival, startAtMs, state, steps",
                "{\"calls\": [{\"key\": \"k\", \"reactons\": []}]}");
        assertError("calls[0].state: must be dialog, early, ringing or incoming, got \"up\"",
                "{\"calls\": [{\"key\": \"k\", \"state\": \"up\"}]}");
        assertError("calls[0].steps[0]: a step does one thing: \"dtmf\", \"hangup\": true or \"stopComponent\":"
                + " {...}; got {\"atMs\":1}", "{\"calls\": [{\"key\": \"k\", \"steps\": [{\"atMs\": 1}]}]}");
        assertError("faults[0]: a fault needs \"disconnect\": true, \"malformed\": true, \"raw\": \"...\" or"
                + " \"refuseConnectionsMs\": N; got {\"atMs\":1}",
                "{\"calls\": [{\"key\": \"k\"}], \"faults\": [{\"atMs\": 1}]}");
        assertError("startWhen: must be \"subscribed\" (wait for a controller) or \"now\", got \"later\"",
                "{\"startWhen\": \"later\", \"calls\": [{\"key\": \"k\"}]}");
        assertError("whileDisconnected: must be \"keep\" (send a call's events after the reaccept) or \"drop\","
                + " got \"lose\"", "{\"whileDisconnected\": \"lose\", \"calls\": [{\"key\": \"k\"}]}");
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                () -> FakeIvrScenario.parse("{\"calls\": ["));
        assertTrue(notJson.getMessage().startsWith("not JSON: "), notJson.getMessage());
    }

    @Test
    void eventsWhileDisconnectedAreKeptUnlessTheScenarioDropsThem() {
        assertFalse(FakeIvrScenario.parse("{\"calls\": [{\"key\": \"k\"}]}").dropsEventsWhileDisconnected());
        assertFalse(FakeIvrScenario.parse("{\"whileDisconnected\": \"keep\", \"calls\": [{\"key\": \"k\"}]}")
                .dropsEventsWhileDisconnected());
        assertTrue(FakeIvrScenario.parse("{\"whileDisconnected\": \"drop\", \"calls\": [{\"key\": \"k\"}]}")
                .dropsEventsWhileDisconnected());
    }

    private static void assertError(String message, String json) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> FakeIvrScenario.parse(json))
                .getMessage());
    }

    @Test
    void aScriptedCallerPressesDigitsAndHangsUp() throws Exception {
        FakeIvrScenario s = FakeIvrScenario.parse("""
                {"startWhen": "now", "autoStopMs": null, "calls": [
                  {"ivrid": "c-1", "key": "abc", "steps": [{"atMs": 0, "dtmf": "42", "gapMs": 1},
                                                          {"atMs": 30, "hangup": true}]}]}
                """);
        try (FakeIvrPlatform platform = FakeIvrPlatform.start("t");
             IvrClient client = IvrClient.connect(platform.endpoint(), "t", IvrOptions.defaults())) {
            IvrControllerTest.Sessions handler = new IvrControllerTest.Sessions();
            client.control(ControlOptions.defaults(), handler);
            try (FakeIvrScenario.Run run = s.play(platform)) {
                IvrSession session = handler.next();
                assertEquals("4", IvrControllerTest.done(session.nextDtmf()).digit());
                assertEquals("2", IvrControllerTest.done(session.nextDtmf()).digit());
                assertEquals(dev.forge.ivr.StopReason.SCRIPT, IvrControllerTest.done(session.ended()));
                assertTrue(run.awaitDone(WAIT));
                assertEquals(CallRecord.Outcome.CALLER_HANGUP, platform.record("c-1").outcome());
            }
        }
    }
}
