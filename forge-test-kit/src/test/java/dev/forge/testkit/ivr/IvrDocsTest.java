package dev.forge.testkit.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.ivr.Component;
import dev.forge.ivr.ComponentResult;
import dev.forge.ivr.ControlHandler;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.DtmfEvent;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrController;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrSession;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps site/ivr.md honest: each of its Java examples is in this file, compiled and run; each of its JSON
 * blocks is a scenario that parses.
 */
class IvrDocsTest {

    /** The menu of the testing example: 1 transfers, anything else hangs up. */
    static CompletionStage<ComponentResult> menu(IvrSession session) {
        return session.apply(Component.playback(":GS_PUB/prompts/menu.wav"))
                .thenCompose(menu -> session.apply(menu.dtmfBuffer().equals("1")
                        ? Component.transfer("100")
                        : Component.hangup()));
    }

    @Test
    void gettingStarted() throws Exception {
        try (FakeIvrPlatform platform = FakeIvrPlatform.start("t0k3n")) {
            platform.react(Reaction.on(Component.PLAYBACK).pressing("1", Duration.ZERO).build());
            platform.autoStop(Duration.ZERO);
            CountDownLatch shutdown = new CountDownLatch(1);
            platform.onCallEnded(record -> shutdown.countDown());
            URI endpoint = platform.endpoint();
            String token = platform.token();
            platform.subscribed().thenRun(() -> platform.startCall("rDlg-1", "abc", "dialog"));

            try (IvrClient ivr = IvrClient.connect(endpoint, token, IvrOptions.defaults());
                 IvrController controller = ivr.control(ControlOptions.builder().key("abc").build(), session ->
                         session.apply(Component.playback(":GS_PUB/prompts/menu.wav"))
                                 .thenCompose(menu -> session.apply(menu.dtmfBuffer().equals("1")
                                         ? Component.transfer("100")
                                         : Component.hangup())))) {
                shutdown.await(); // serve calls until the application stops
            }

            assertEquals(CallRecord.Outcome.TRANSFER, platform.record("rDlg-1").outcome());
        }
    }

    @Test
    void blocking() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try (FakeIvrPlatform platform = FakeIvrPlatform.start("t0k3n");
             IvrClient client = IvrClient.connect(platform.endpoint(), platform.token(), IvrOptions.defaults())) {
            platform.autoStop(Duration.ZERO);

            ControlHandler blocking = session -> workers.submit(() -> {
                ComponentResult menu = session.applyAndWait(Component.playback(":GS_PUB/prompts/menu.wav"),
                        Duration.ofSeconds(30));
                Optional<DtmfEvent> more = session.awaitDtmf(Duration.ofSeconds(5));
                session.applyAndWait(more.isPresent() || menu.dtmfBuffer().equals("1")
                        ? Component.transfer("100") : Component.hangup(), Duration.ofSeconds(30));
                return session.awaitEnd(Duration.ofSeconds(30));
            });

            client.control(ControlOptions.defaults(), blocking);
            platform.startCall(CallSpec.builder("rDlg-1", "abc", "dialog")
                    .step(CallSpec.Step.dtmf(Duration.ZERO, "7", Duration.ZERO)).build()); // the caller presses 7
            CallRecord call = platform.awaitEnd("rDlg-1", IvrControllerTest.WAIT);
            assertEquals(CallRecord.Outcome.TRANSFER, call.outcome(), call::toString);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void testingWithTheFake() throws Exception {
        try (FakeIvrPlatform platform = FakeIvrPlatform.start("t0k3n");
             IvrClient client = IvrClient.connect(platform.endpoint(), platform.token(), IvrOptions.defaults())) {
            platform.react(Reaction.on(Component.PLAYBACK).after(Duration.ofMillis(100))
                    .pressing("1", Duration.ofMillis(50)).build());  // the caller answers the menu with 1
            platform.autoStop(Duration.ofMillis(10));                // every other component stops after 10 ms
            client.control(ControlOptions.defaults(), IvrDocsTest::menu);
            platform.startCall("rDlg-1", "abc", "dialog");           // api_start to the subscribers
            CallRecord call = platform.awaitEnd("rDlg-1", Duration.ofSeconds(5));
            assertEquals(CallRecord.Outcome.TRANSFER, call.outcome());
            assertEquals("100", call.transferTo());
        }
    }

    @Test
    void everyJavaExampleIsInThisFile() throws IOException {
        String source = normalise(Files.readString(Path.of("src", "test", "java", "dev", "forge", "testkit", "ivr",
                "IvrDocsTest.java")));
        List<String> snippets = blocks("java");
        assertEquals(3, snippets.size(), "site/ivr.md's Java examples");
        for (String snippet : snippets) {
            String s = normalise(snippet);
            assertTrue(source.contains(s), () -> "site/ivr.md's example differs from IvrDocsTest:\n" + s);
        }
    }

    @Test
    void everyJsonExampleIsAScenario() throws IOException {
        List<String> scenarios = blocks("json");
        assertEquals(1, scenarios.size());
        FakeIvrScenario s = FakeIvrScenario.parse(scenarios.get(0));
        assertEquals(1002, s.callCount());
        assertEquals("sim-token", s.token());
    }

    private static List<String> blocks(String language) throws IOException {
        String doc = Files.readString(Path.of("..", "site", "ivr.md"));
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        return m.results().map(r -> r.group(1)).collect(Collectors.toList());
    }

    /** Lines without their indentation, blank lines dropped: indentation differs between the two files. */
    private static String normalise(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
