package dev.forge.testkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.ivr.IvrRequest;
import dev.forge.testkit.ivr.CallRecord;
import dev.forge.testkit.ivr.FakeIvrPlatform;
import dev.forge.testkit.ivr.FakeIvrScenario;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code forge ivr-agent} in-process against {@link FakeIvrPlatform}: the PIN voice script of
 * {@code samples/voice} end to end (with the socket dropped in the middle of the calls), and a thousand
 * concurrent calls through one agent.
 */
class IvrAgentCommandTest {

    private static final Path SCRIPT = Path.of("..", "samples", "voice", "pin.js");
    private static final Path SCENARIO = Path.of("..", "samples", "voice", "pin-scenario.json");

    /** The agent running in the background, with its stdout lines and stderr. */
    private record Agent(CompletableFuture<Integer> exit, OutputLines out, ByteArrayOutputStream err) {
        static Agent start(FakeIvrPlatform platform, int sessions) {
            OutputLines out = new OutputLines(120);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            String[] args = {"ivr-agent", "--url", platform.tokenUrl().toString(), "--script", SCRIPT.toString(),
                "--key", "pin", "--sessions", String.valueOf(sessions)};
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ForgeCli.run(args,
                    out.printStream(), new PrintStream(err, true, StandardCharsets.UTF_8)));
            return new Agent(exit, out, err);
        }

        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePinScriptRunsEndToEndThroughADisconnect() throws Exception {
        FakeIvrScenario scenario = FakeIvrScenario.read(SCENARIO);
        try (FakeIvrPlatform platform = FakeIvrPlatform.start(scenario.token());
             FakeIvrScenario.Run run = scenario.play(platform)) {
            Agent agent = Agent.start(platform, 5);
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
             FakeIvrScenario.Run run = scenario.play(platform)) {
            Agent agent = Agent.start(platform, 1000);
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
