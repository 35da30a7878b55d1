package dev.forge.testkit;

import dev.forge.ScriptKind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps site/testing.md honest: its {@code @ForgeTest} example runs here as a nested test class, the failure
 * message it quotes is the one the kit gives, and its other examples are the kit's own tests
 * ({@link InMemoryDatastoreTest}, {@link V8ScriptEngineTest}, {@link RedisDocTest}), which run in this build.
 */
class TestingDocTest {

    private static final DocExamples DOC = DocExamples.page("testing.md");

    @Nested
    @ForgeTest(timeout = "1s")
    class DncTest {
        @Test
        void rejectsListedNumbers(ScriptRunner runner) {
            runner.load("scripts/dnc.js", ScriptKind.APP)        // a class path resource
                  .invoke("@calls/listed.json")                   // fixture data: JSON text or @resource
                  .assertRejected(604, "Number on DNC List");
        }

        @Test
        void stopsRunawayLoops(ScriptRunner runner) {
            runner.script("function main(d) { while (true) {} }")
                  .withTimeout("100ms").withTimeoutAction("480 Temporarily Unavailable")
                  .invoke().assertTimedOut(480, "Temporarily Unavailable");
        }
    }

    @Nested
    @ForgeTest
    class FailureMessages {
        @Test
        void nameTheScriptWhatWasExpectedAndWhatHappened(ScriptRunner runner) {
            LoadedScript dnc = runner.load("scripts/dnc.js", ScriptKind.APP);
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> dnc.invoke("@calls/clean.json").assertRejected(604, "Number on DNC List"));
            String quoted = "expected test/scripts/dnc.js to reject the call with 604 Number on DNC List, but it "
                    + "returned {\"routing\":{";
            assertTrue(e.getMessage().startsWith(quoted), e.getMessage());
            DOC.assertMentions(quoted);
        }
    }

    @Test
    void everyJavaExampleRuns() {
        assertEquals(4, DOC.blocks("java").size(), "testing.md's Java examples");
        DOC.assertEveryJavaExampleIsIn(List.of(TestingDocTest.class.getName(), InMemoryDatastoreTest.class.getName(),
                V8ScriptEngineTest.class.getName(), "forge-redis-spi:dev.forge.redis.RedisDocTest"));
    }
}
