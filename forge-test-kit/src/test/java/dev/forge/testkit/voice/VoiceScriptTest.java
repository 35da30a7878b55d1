package dev.forge.testkit.voice;

import dev.forge.Forge;
import dev.forge.Limits;
import dev.forge.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Class 5 voice scripts: ctx's verbs on a scripted caller, and the mistakes Forge catches. */
class VoiceScriptTest {

    /** The example at the top of site/voice.md, run as it is written there. */
    static final String PIN = firstJsBlock(Path.of("..", "site", "voice.md"));

    private static Forge forge;

    @BeforeAll
    static void start() {
        forge = Forge.builder().build();
        forge.load(Forge.voiceScript("t1", "pin", PIN));
    }

    @AfterAll
    static void stop() {
        forge.close();
    }

    static String firstJsBlock(Path markdown) {
        try {
            String text = Files.readString(markdown);
            int start = text.indexOf("```js\n");
            return text.substring(start + 6, text.indexOf("```", start + 6));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Outcome run(String id, FakeVoiceChannel channel) throws Exception {
        return forge.invokeVoice(id, channel, "{}").get(30, TimeUnit.SECONDS);
    }

    private static String error(Outcome outcome) {
        return assertInstanceOf(Outcome.Failed.class, outcome).error().getMessage();
    }

    /** site/voice.md's two Java examples, as written there, on a Forge of their own. */
    @Test
    void theJavaExamplesRun() throws Exception {
        String source = PIN;
        FakeVoiceChannel channel = FakeVoiceChannel.builder().press("0000").build();
        String dataJson = "{}";
        Forge forge = Forge.builder().build();                 // the "voice" bindings are always there
        forge.load(Forge.voiceScript("tenant-1", "pin", source));
        CompletableFuture<Outcome> done = forge.invokeVoice("tenant-1/pin", channel, dataJson);
        try (forge) {
            assertEquals("goodbye", ((Outcome.Ok) done.get(30, TimeUnit.SECONDS)).data().get("branch").asText());

            FakeVoiceChannel caller = FakeVoiceChannel.builder().press("1234").build();
            Outcome outcome = forge.invokeVoice("tenant-1/pin", caller, "{}").get();
            assertEquals(List.of("answer", "play ivr/welcome.wav", "gather ivr/enter-pin.wav",
                    "bridge sip:sales@pbx.example false"), caller.verbs());
            assertTrue(outcome.isOk(), outcome::toJson);
        }
        String doc = Files.readString(Path.of("..", "site", "voice.md"));
        Matcher blocks = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        String test = normalise(Files.readString(Path.of("src", "test", "java", "dev", "forge", "testkit", "voice",
                "VoiceScriptTest.java")));
        int examples = 0;
        while (blocks.find()) {
            String example = normalise(blocks.group(1));
            assertTrue(test.contains(example), () -> "site/voice.md's example differs from VoiceScriptTest:\n" + example);
            examples++;
        }
        assertEquals(2, examples, "site/voice.md's Java examples");
    }

    /** Lines without their indentation, blank lines dropped. */
    private static String normalise(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }

    @Test
    void theRightPinIsTransferred() throws Exception {
        FakeVoiceChannel caller = FakeVoiceChannel.builder().press("1234").build();
        Outcome outcome = run("t1/pin", caller);
        assertEquals("{\"branch\":\"sales\",\"pin\":{\"status\":\"success\",\"value\":\"1234\"}}",
                assertInstanceOf(Outcome.Ok.class, outcome).dataJson());
        assertEquals(List.of("answer", "play ivr/welcome.wav", "gather ivr/enter-pin.wav",
                "bridge sip:sales@pbx.example false"), caller.verbs());
    }

    @Test
    void aWrongPinIsRetriedThenHungUp() throws Exception {
        FakeVoiceChannel caller = FakeVoiceChannel.builder().press("99#5678").build();
        Outcome outcome = run("t1/pin", caller);
        assertEquals("{\"branch\":\"goodbye\",\"pin\":{\"status\":\"success\",\"value\":\"5678\"}}",
                assertInstanceOf(Outcome.Ok.class, outcome).dataJson());
        assertEquals(List.of("answer", "play ivr/welcome.wav", "gather ivr/enter-pin.wav", "play ivr/invalid.wav",
                "gather ivr/enter-pin.wav", "hangup"), caller.verbs());
    }

    @Test
    void aSilentCallerTimesOut() throws Exception {
        FakeVoiceChannel caller = FakeVoiceChannel.builder().build();
        Outcome outcome = run("t1/pin", caller);
        assertEquals("{\"branch\":\"goodbye\",\"pin\":{\"status\":\"timeout\",\"value\":\"\"}}",
                assertInstanceOf(Outcome.Ok.class, outcome).dataJson());
    }

    @Test
    void manyCallsInterleaveOnOneIsolate() throws Exception {
        List<FakeVoiceChannel> callers = new ArrayList<>();
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            FakeVoiceChannel caller = FakeVoiceChannel.builder().callId("call-" + i).press(i % 2 == 0 ? "1234" : "0000")
                    .build();
            callers.add(caller);
            outcomes.add(forge.invokeVoice("t1/pin", caller, "{}"));
        }
        for (int i = 0; i < callers.size(); i++) {
            String json = assertInstanceOf(Outcome.Ok.class, outcomes.get(i).get(60, TimeUnit.SECONDS)).dataJson();
            assertTrue(json.contains(i % 2 == 0 ? "sales" : "goodbye"), i + ": " + json);
            assertEquals(i % 2 == 0 ? "bridge sip:sales@pbx.example false" : "hangup",
                    callers.get(i).verbs().get(callers.get(i).verbs().size() - 1));
        }
    }

    @Test
    void aCtxCallThatIsNotAwaitedIsReported() throws Exception {
        forge.load(Forge.voiceScript("t1", "unawaited", """
                async function main(data, ctx) {
                  ctx.answer();
                  await ctx.play('ivr/welcome.wav');
                }
                """));
        String message = error(run("t1/unawaited", FakeVoiceChannel.builder().build()));
        assertTrue(message.contains("ctx.play() was called while ctx.answer() was still running: await every ctx call"),
                message);
    }

    @Test
    void aLastCtxCallThatIsNotAwaitedIsReported() throws Exception {
        forge.load(Forge.voiceScript("t1", "unawaited-last", """
                async function main(data, ctx) {
                  await ctx.answer();
                  ctx.hangup();
                }
                """));
        String message = error(run("t1/unawaited-last", FakeVoiceChannel.builder().build()));
        assertTrue(message.contains("ctx.hangup() was not awaited"), message);
    }

    @Test
    void aVerbAfterHangupFailsClearly() throws Exception {
        forge.load(Forge.voiceScript("t1", "after-hangup", """
                async function main(data, ctx) {
                  await ctx.hangup();
                  await ctx.play('ivr/too-late.wav');
                }
                """));
        String message = error(run("t1/after-hangup", FakeVoiceChannel.builder().build()));
        assertTrue(message.contains("ctx.play(): the call has been hung up"), message);
    }

    @Test
    void aVerbAfterTheCallerHungUpFailsClearly() throws Exception {
        forge.load(Forge.voiceScript("t1", "caller-gone", """
                async function main(data, ctx) {
                  await ctx.answer();
                  await ctx.play('ivr/welcome.wav');
                }
                """));
        FakeVoiceChannel caller = FakeVoiceChannel.builder().hangUpAfter(1).build();
        String message = error(run("t1/caller-gone", caller));
        assertTrue(message.contains("ctx.play(): the call has ended"), message);
    }

    @Test
    void aRunawayStretchTimesOutOnlyItsOwnCall() throws Exception {
        forge.load(Forge.voiceScript("t1", "spin", """
                async function main(data, ctx) {
                  await ctx.answer();
                  if (ctx.get('spin') === 'yes') { for (;;) {} }
                  await ctx.hangup();
                  return 'ok';
                }
                """).withLimits(new Limits(Duration.ofMillis(100), Limits.DEFAULT_HEAP_BYTES)));
        CompletableFuture<Outcome> spinning = forge.invokeVoice("t1/spin",
                FakeVoiceChannel.builder().variables(Map.of("spin", "yes")).build(), "{}");
        FakeVoiceChannel calm = FakeVoiceChannel.builder().build();
        CompletableFuture<Outcome> fine = forge.invokeVoice("t1/spin", calm, "{}");
        assertInstanceOf(Outcome.TimedOut.class, spinning.get(30, TimeUnit.SECONDS));
        assertEquals("\"ok\"", assertInstanceOf(Outcome.Ok.class, fine.get(30, TimeUnit.SECONDS)).dataJson());
        assertEquals(List.of("answer", "hangup"), calm.verbs());
    }

    @Test
    void variablesHeadersAndWaitFor() throws Exception {
        forge.load(Forge.voiceScript("t1", "vars", """
                async function main(data, ctx) {
                  await ctx.answer();
                  await ctx.blockDtmf('5');
                  const typed = await ctx.waitFor('#', '*', 10);
                  await ctx.set('last_digits', typed);
                  return {from: ctx.get('sip_from_user'), customer: ctx.header('X-Customer-ID'),
                          typed: typed, kept: ctx.get('last_digits'), missing: ctx.get('nope')};
                }
                """));
        FakeVoiceChannel caller = FakeVoiceChannel.builder().variables(Map.of("sip_from_user", "alice"))
                .headers(Map.of("X-Customer-ID", "C-7")).press("15#2").build();
        Outcome outcome = run("t1/vars", caller);
        assertEquals("{\"from\":\"alice\",\"customer\":\"C-7\",\"typed\":\"1#\",\"kept\":\"1#\",\"missing\":null}",
                assertInstanceOf(Outcome.Ok.class, outcome).dataJson());
        assertEquals("set last_digits=1#", caller.verbs().get(caller.verbs().size() - 1));
    }

    @Test
    void waitForRejectsOnQuitAndOnSilence() throws Exception {
        forge.load(Forge.voiceScript("t1", "quit", """
                async function main(data, ctx) {
                  try { await ctx.waitFor(/\\d{3}/, '*', 5); } catch (e) { return e.message; }
                }
                """));
        assertTrue(assertInstanceOf(Outcome.Ok.class, run("t1/quit", FakeVoiceChannel.builder().press("1*").build()))
                .dataJson().contains("the caller typed the quit sequence"));
        assertTrue(assertInstanceOf(Outcome.Ok.class, run("t1/quit", FakeVoiceChannel.builder().press("1").build()))
                .dataJson().contains("ctx.waitFor(): "));
    }

    @Test
    void onlyVoiceScriptsRunAsVoiceCalls() {
        forge.load(dev.forge.Script.of("t1", "plain", dev.forge.ScriptKind.APP, "function main() {}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forge.invokeVoice("t1/plain", FakeVoiceChannel.builder().build(), "{}"));
        assertTrue(e.getMessage().contains("is not a voice script"), e.getMessage());
    }
}
