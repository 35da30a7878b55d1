package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.ivr.IvrRequest;
import dev.forge.testkit.ivr.CallRecord;
import dev.forge.testkit.ivr.FakeIvrPlatform;
import dev.forge.testkit.ivr.FakeIvrScenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code forge ivr-agent} in-process against {@link FakeIvrPlatform}: the PIN voice script of
 * {@code samples/voice} end to end (with the socket dropped in the middle of the calls), a playback whose stop
 * happens while the socket is down (on a platform that keeps it for the reaccept, and on one that drops it), and a
 * thousand concurrent calls through one agent.
 */
class IvrAgentCommandTest {

    private static final Path SCRIPT = Path.of("..", "samples", "voice", "pin.js");
    private static final Path SCENARIO = Path.of("..", "samples", "voice", "pin-scenario.json");

    /**
     * The agent running in the background, with its stdout lines and stderr. Closing it interrupts an agent that
     * is still running (a failed test whose sessions never all ended), so that it does not outlive its test.
     */
    private record Agent(CompletableFuture<Integer> exit, OutputLines out, ByteArrayOutputStream err, Thread thread)
            implements AutoCloseable {
        static Agent start(FakeIvrPlatform platform, int sessions) {
            return start(platform, SCRIPT, "pin", sessions);
        }

        static Agent start(FakeIvrPlatform platform, Path script, String key, int sessions) {
            OutputLines out = new OutputLines(120);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = {"ivr-agent", "--url", platform.tokenUrl().toString(), "--script", script.toString(),
                "--key", key, "--sessions", String.valueOf(sessions)};
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    exit.complete(ForgeCli.run(args, out.printStream(), new PrintStream(err, true, StandardCharsets.UTF_8)));
                } catch (Throwable t) {
                    exit.completeExceptionally(t);
                }
            }, "forge-ivr-agent-under-test");
            thread.setDaemon(true);
            thread.start();
            return new Agent(exit, out, err, thread);
        }

        @Override
        public void close() throws InterruptedException {
            if (!exit.isDone()) {
                thread.interrupt();
                try {
                    exit.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // the test has failed already; this only keeps the agent from outliving it
                }
            }
        }

        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePinScriptRunsEndToEndThroughADisconnect() throws Exception {
        FakeIvrScenario scenario = FakeIvrScenario.read(SCENARIO);
        try (FakeIvrPlatform platform = FakeIvrPlatform.start(scenario.token());
             FakeIvrScenario.Run run = scenario.play(platform);
             Agent agent = Agent.start(platform, 5)) {
            // Drop the socket once every call of the agent's key was accepted (an api_start sent while no controller
            // is connected is lost, as on the platform) and a caller hears the PIN prompt: the agent must reconnect,
            // reaccept its calls and carry on where each one was.
            int accepted = 0;
            boolean prompted = false;
            while (accepted < 5 || !prompted) {
                IvrRequest request = platform.takeRequest(Duration.ofSeconds(60));
                assertNotNull(request, () -> "the agent stopped sending; it said: " + agent.stderr());
                accepted += request.name().equals("ivrapi_accept") ? 1 : 0;
                prompted |= request instanceof IvrRequest.ComponentApply apply
                        && apply.data().path("file").asText().equals("ivr/enter-pin.wav");
            }
            platform.disconnectAll();

            Map<String, JsonNode> lines = new HashMap<>();
            for (int i = 0; i < 5; i++) {
                JsonNode line = agent.out().next(() -> diagnosis(platform, lines, agent));
                lines.put(line.get("ivrid").textValue(), line);
            }
            assertEquals(0, agent.exit().get(60, TimeUnit.SECONDS), agent::stderr);
            assertTrue(run.awaitDone(Duration.ofSeconds(60)),
                    () -> "every call ended; " + diagnosis(platform, lines, agent));

            for (int n = 1; n <= 3; n++) {
                JsonNode line = lines.get("good-" + n);
                assertEquals("ok", line.get("outcome").textValue(), line::toString);
                assertEquals("sales", line.at("/data/branch").textValue(), line::toString);
                assertEquals("1234", line.at("/data/pin/value").textValue(), line::toString);
                assertEquals("[202,204,204,203]", line.get("components").toString(), line::toString);
                assertEquals("transfer", platform.record("good-" + n).outcome().text());
            }
            for (int n = 1; n <= 2; n++) {
                JsonNode line = lines.get("bad-" + n);
                assertEquals("goodbye", line.at("/data/branch").textValue(), line::toString);
                assertEquals("[204,204,201]", line.get("components").toString(), line::toString);
                assertEquals("hangup", platform.record("bad-" + n).outcome().text());
            }
            assertEquals("timeout", platform.record("not-ours-1").outcome().text(), "a key the agent does not take");
            int reaccepts = platform.records().stream().mapToInt(CallRecord::reaccepts).sum();
            assertTrue(reaccepts > 0, "calls in progress at the disconnect were reaccepted: " + platform.records());
        }
    }

    /**
     * The lost-stop reconnect. The socket is cut while the news plays; the news ends while the agent is away; the
     * agent comes back and reaccepts. A platform that keeps the session's events sends the news's stop after the
     * reaccept and the script goes on at once. One that drops them never sends it: the agent waits
     * {@code ControlOptions.settleAfterReaccept} (2 s by default), probes with {@code ivrapi_component_terminate},
     * which the platform refuses (nothing runs), counts the news as ended, and the script goes on all the same.
     */
    @ParameterizedTest(name = "whileDisconnected: {0}")
    @ValueSource(strings = {"keep", "drop"})
    void aPlaybackThatEndsWhileTheSocketIsDownIsSettledAndTheScriptGoesOn(String whileDisconnected) throws Exception {
        Path script = Files.createTempFile("news", ".js");
        Files.writeString(script, """
                async function main(data, ctx) {
                  await ctx.play('ivr/news.wav');
                  await ctx.play('ivr/goodbye.wav');
                  await ctx.hangup();
                  return {heard: ['news', 'goodbye']};
                }
                """);
        // The news runs until the test stops it; every other component stops after 5 ms.
        FakeIvrScenario scenario = FakeIvrScenario.parse("""
                {"token": "settle", "autoStopMs": 5, "whileDisconnected": "%s",
                 "calls": [{"ivrid": "news-1", "key": "news", "state": "dialog",
                            "reactions": [{"oType": 204, "match": {"file": "ivr/news.wav"}, "stop": false}]}]}
                """.formatted(whileDisconnected));
        assertEquals(whileDisconnected.equals("drop"), scenario.dropsEventsWhileDisconnected());
        try (FakeIvrPlatform platform = FakeIvrPlatform.start(scenario.token());
             FakeIvrScenario.Run run = scenario.play(platform);
             Agent agent = Agent.start(platform, script, "news", 1)) {
            // The fake writes an apply's answer before it records the apply, and the close frame of the cut follows
            // that answer on the same socket: the agent has seen the news confirmed before it sees the cut.
            IvrRequest news;
            do {
                news = platform.takeRequest(Duration.ofSeconds(60));
                assertNotNull(news, () -> "the agent sent no news playback; it said: " + agent.stderr());
            } while (!(news instanceof IvrRequest.ComponentApply playback
                    && playback.data().path("file").asText().equals("ivr/news.wav")));
            platform.refuseConnections(true);
            platform.disconnectAll();
            platform.componentStopped("news-1", "transfer", null); // the news ends while the agent is away
            platform.refuseConnections(false);

            List<String> after = new ArrayList<>(); // what the agent sends from the cut to the goodbye
            IvrRequest r;
            do {
                r = platform.takeRequest(Duration.ofSeconds(60));
                assertNotNull(r, () -> "the agent stopped after the cut, having sent " + after + "; it said: "
                        + agent.stderr());
                after.add(r instanceof IvrRequest.ComponentApply apply ? apply.data().path("file").asText("apply")
                        : r.name());
            } while (!after.get(after.size() - 1).equals("ivr/goodbye.wav"));
            List<String> session = after.stream().filter(n -> !n.equals("subscribe")).toList();
            assertEquals(whileDisconnected.equals("drop")
                    ? List.of("ivrapi_reaccept", "ivrapi_component_terminate", "ivr/goodbye.wav")
                    : List.of("ivrapi_reaccept", "ivr/goodbye.wav"), session,
                    "kept: the stop comes after the reaccept; dropped: the probe finds nothing running");

            Map<String, JsonNode> lines = new HashMap<>();
            JsonNode line = agent.out().next(() -> diagnosis(platform, lines, agent));
            assertEquals("news-1", line.get("ivrid").textValue(), line::toString);
            assertEquals("ok", line.get("outcome").textValue(), line::toString);
            assertEquals("[\"news\",\"goodbye\"]", line.at("/data/heard").toString(), line::toString);
            assertEquals("[204,204,201]", line.get("components").toString(), line::toString);
            assertEquals(0, agent.exit().get(60, TimeUnit.SECONDS), agent::stderr);
            assertTrue(run.awaitDone(Duration.ofSeconds(60)), () -> "the call ended; " + platform.records());
            CallRecord call = platform.record("news-1");
            assertEquals("hangup", call.outcome().text());
            assertEquals(1, call.reaccepts());
            assertEquals(List.of("ivr/news.wav", "ivr/goodbye.wav"), call.applied().stream()
                    .filter(d -> d.has("file")).map(d -> d.path("file").asText()).toList(), "the news was not played again");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** What each side saw, for a failure message: the platform's calls, and the agent's lines and stderr. */
    private static String diagnosis(FakeIvrPlatform platform, Map<String, JsonNode> lines, Agent agent) {
        return "the platform saw " + platform.records() + "; the agent said " + lines + "; stderr: " + agent.stderr();
    }

    @Test
    void aThousandConcurrentCallsThroughOneAgent() throws Exception {
        Path scenarioFile = Files.createTempFile("thousand", ".json");
        Files.writeString(scenarioFile, """
                {"token": "load", "autoStopMs": 1, "calls": [
                  {"count": 500, "ivrid": "good-{n}", "key": "pin", "state": "early",
                   "reactions": [{"oType": 204, "match": {"file": "ivr/enter-pin.wav"}, "afterMs": 5,
                                  "dtmf": "1234", "dtmfGapMs": 1}]},
                  {"count": 500, "ivrid": "bad-{n}", "key": "pin", "state": "dialog",
                   "reactions": [{"oType": 204, "match": {"file": "ivr/enter-pin.wav"}, "afterMs": 5,
                                  "dtmf": "0000", "dtmfGapMs": 1}]}]}
                """);
        FakeIvrScenario scenario = FakeIvrScenario.read(scenarioFile);
        Files.delete(scenarioFile);
        try (FakeIvrPlatform platform = FakeIvrPlatform.start(scenario.token());
             FakeIvrScenario.Run run = scenario.play(platform);
             Agent agent = Agent.start(platform, 1000)) {
            Map<String, Integer> outcomes = new HashMap<>();
            for (int i = 0; i < 1000; i++) {
                JsonNode line = agent.out().next();
                String ivrid = line.get("ivrid").textValue();
                String expected = ivrid.startsWith("good-") ? "sales" : "goodbye";
                assertEquals(expected, line.at("/data/branch").textValue(), line::toString);
                outcomes.merge(expected, 1, Integer::sum);
            }
            assertEquals(Map.of("sales", 500, "goodbye", 500), outcomes);
            assertEquals(0, agent.exit().get(60, TimeUnit.SECONDS), agent::stderr);
            assertTrue(run.awaitDone(Duration.ofSeconds(60)), "every call ended");
            Map<String, Integer> platformSide = new HashMap<>();
            for (CallRecord record : platform.records()) {
                platformSide.merge(record.outcome().text(), 1, Integer::sum);
            }
            assertEquals(Map.of("transfer", 500, "hangup", 500), platformSide);
        }
    }

    @Test
    void usageErrorsNameTheFlagAndTheValue() throws Exception {
        ForgeCliUsageTest.usageError("forge ivr-agent: --url: missing; give the token URL", "ivr-agent");
        ForgeCliUsageTest.usageError("--url: 'http://x/y' is not a token URL; expected ws://HOST:PORT/ws/token/v1/TOKEN",
                "ivr-agent", "--url", "http://x/y", "--script", SCRIPT.toString());
        ForgeCliUsageTest.usageError("--script: missing", "ivr-agent", "--url", "ws://127.0.0.1:1/ws/token/v1/t");
        ForgeCliUsageTest.usageError("--sessions: must be a whole number above 0, got 'many'", "ivr-agent",
                "--url", "ws://127.0.0.1:1/ws/token/v1/t", "--script", SCRIPT.toString(), "--sessions", "many");
        assertTrue(CliRun.of("ivr-agent", "--help").out().startsWith("forge ivr-agent --url ws://HOST:PORT/ws/token/v1/TOKEN"));
        assertTrue(CliRun.of("help").out().contains("forge ivr-agent --url"));
        assertTrue(CliRun.of("nope").err().contains("ivr-agent"));
    }
}
