package dev.forge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.ivr.Component;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code forge ivr-sim}, in-process: its output lines, a controller playing its calls, usage errors. */
class IvrSimCommandTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void playsTheScenarioAgainstAController() throws Exception {
        Path scenario = Files.writeString(dir.resolve("menu.json"), """
                {"token": "sim-t0k3n", "autoStopMs": 1, "calls": [
                  {"count": 2, "ivrid": "good-{n}", "key": "abc",
                   "reactions": [{"oType": 204, "dtmf": "1234", "dtmfGapMs": 1}]},
                  {"ivrid": "bad-1", "key": "abc", "reactions": [{"oType": 204, "dtmf": "9"}]}]}
                """);
        OutputLines out = new OutputLines(WAIT_SECONDS);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> ForgeCli.run(new String[] {
                "ivr-sim", "--scenario", scenario.toString(), "--port", "0"},
                out.printStream(), new PrintStream(err, true, StandardCharsets.UTF_8)));

        JsonNode listening = out.next();
        assertEquals("listening", listening.get("event").textValue());
        assertEquals(3, listening.get("calls").intValue());
        assertEquals("subscribed", listening.get("startWhen").textValue());
        String endpoint = listening.get("endpoint").textValue();
        assertTrue(endpoint.matches("ws://127\\.0\\.0\\.1:\\d+/ws/token/v1"), endpoint);
        assertEquals(endpoint + "/sim-t0k3n", listening.get("tokenUrl").textValue());

        IvrOptions tokenInPath = IvrOptions.builder().bearerAuth(false).build();
        try (IvrClient client = IvrClient.connect(URI.create(endpoint), "sim-t0k3n", tokenInPath)) {
            client.control(ControlOptions.builder().key("abc").build(), s -> s.apply(
                    Component.playback(":GS_PUB/menu.wav")).thenCompose(r -> s.apply(
                            r.dtmfBuffer().equals("1234") ? Component.transfer("100") : Component.hangup())));
            List<JsonNode> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(out.next());
            }
            JsonNode done = out.next();
            assertEquals(0, exit.get(WAIT_SECONDS, TimeUnit.SECONDS), err::toString);
            for (JsonNode call : calls) {
                assertEquals("call", call.get("event").textValue());
                boolean good = call.get("ivrid").textValue().startsWith("good-");
                assertEquals(good ? "transfer" : "hangup", call.get("outcome").textValue(), call::toString);
                assertEquals(good ? "[204,203]" : "[204,201]", call.get("components").toString());
                assertEquals("script", call.get("stopReason").textValue());
            }
            assertEquals("done", done.get("event").textValue());
            assertEquals("{\"hangup\":1,\"transfer\":2}", done.get("outcomes").toString());
        }
        String human = err.toString(StandardCharsets.UTF_8);
        assertTrue(human.contains("forge ivr-sim: listening on " + endpoint), human);
        assertTrue(human.contains("3 call(s) start when a controller subscribes to ivrevents"), human);
    }

    @Test
    void usageErrorsNameTheFlagAndTheValue() throws Exception {
        ForgeCliUsageTest.usageError("forge ivr-sim: --scenario: missing; give a scenario JSON file", "ivr-sim");
        ForgeCliUsageTest.usageError("--scenario: no such file: nope.json", "ivr-sim", "--scenario", "nope.json");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"calls\": [{\"count\": 2, \"key\": \"k\", \"ivrid\": \"x\"}]}");
        ForgeCliUsageTest.usageError("--scenario: " + bad + ": calls[0].ivrid: \"x\" names 2 calls the same",
                "ivr-sim", "--scenario", bad.toString());
        ForgeCliUsageTest.usageError("--port: must be 0 (a free port) to 65535, got '70000'", "ivr-sim",
                "--scenario", bad.toString(), "--port", "70000");
        assertTrue(CliRun.of("ivr-sim", "--help").out().startsWith("forge ivr-sim --scenario FILE.json"));
        assertTrue(CliRun.of("help").out().contains("forge ivr-sim --scenario FILE.json [--port N]"));
    }
}
