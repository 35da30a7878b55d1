package dev.forge.engine.v8;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.engine.v8.logs.CapturedLogs;
import dev.forge.spi.EngineStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Operators see every containment: a timeout, a memory kill, an overrun and a process crash with its
 * quarantine are each logged once at WARN on {@code forge.v8} with tenant, script and call id (and never the
 * script's source or data), and counted in {@code Forge.stats()}.
 */
class EngineEventsTest {

    private static final String SECRET = "s3cr3t-data-4242";
    private static Forge forge;

    @BeforeAll
    static void start() {
        forge = Forge.builder().engine(new V8EngineProvider())
                .limits(new Limits(Duration.ofMillis(300), Limits.DEFAULT_HEAP_BYTES))
                .engineOptions(EngineOptions.builder().processes(1).build()).build();
    }

    @AfterAll
    static void stop() {
        forge.close();
    }

    @BeforeEach
    void clear() {
        CapturedLogs.clear();
    }

    /** Runs with the Forge's 300 ms deadline: for the cases meant to time out. */
    private static Outcome run(String tenant, String body, String callId) {
        return run(tenant, body, callId, Duration.ofMillis(300));
    }

    private static Outcome run(String tenant, String body, String callId, Duration timeout) {
        Script s = forge.load(Script.of(tenant, "events.js", ScriptKind.SCRIPT,
                "/* " + SECRET + " */ function main(d) { " + body + " }"));
        return forge.invoke(Invocation.builder(s.id()).data("{\"secret\":\"" + SECRET + "\"}").callId(callId)
                .timeout(timeout).build());
    }

    private static List<CapturedLogs.Event> warnings(String prefix) {
        return CapturedLogs.from("forge.v8").stream()
                .filter(e -> e.level() == Level.WARN && e.message().startsWith(prefix)).toList();
    }

    private static void once(String prefix, String tenant, String callId) {
        List<CapturedLogs.Event> found = warnings(prefix);
        assertEquals(1, found.size(), () -> prefix + " " + CapturedLogs.events());
        String line = found.get(0).message();
        assertTrue(line.contains("tenant=" + tenant), line);
        assertTrue(callId == null || line.contains("call=" + callId), line);
        assertFalse(line.contains(SECRET), "no source or data in the log: " + line);
    }

    @Test
    void aTimeoutIsLoggedOnceAndCounted() {
        long before = forge.stats().timeouts();
        assertInstanceOf(Outcome.TimedOut.class, run("t-loop", "for (;;) {}", "call-loop"));
        once("timeout:", "t-loop", "call-loop");
        assertTrue(warnings("timeout:").get(0).message().contains("script=t-loop/events.js"));
        assertEquals(before + 1, forge.stats().timeouts());
    }

    @Test
    void aMemoryKillIsLoggedOnceAndCounted() {
        long before = forge.stats().memoryKills();
        Outcome o = run("t-heap", "const a = []; for (;;) a.push(new Array(1e5).fill(1));", "call-heap", Duration.ofSeconds(10));
        assertEquals("memory", ((Outcome.Failed) o).error().kind().id(), o.toJson());
        once("memory:", "t-heap", "call-heap");
        assertEquals(before + 1, forge.stats().memoryKills());
    }

    @Test
    void anOverrunIsLoggedWithTheKillOfItsProcess() {
        // indexOf on a sparse array of length 2^32 - 1 almost always ignores V8's interrupt; now and then V8
        // takes it anyway, so up to five tenants try until one overruns
        for (int attempt = 0; attempt < 5; attempt++) {
            CapturedLogs.clear();
            EngineStats before = forge.stats();
            String tenant = "t-stuck-" + attempt;
            String callId = "call-stuck-" + attempt;
            assertInstanceOf(Outcome.TimedOut.class,
                    run(tenant, "const a = []; a[2 ** 32 - 2] = 1; return a.indexOf(5);", callId));
            EngineStats after = forge.stats();
            if (after.overruns() == before.overruns()) {
                continue;
            }
            once("overrun:", tenant, callId);
            assertTrue(warnings("overrun:").get(0).message().contains("its isolate process was killed"));
            once("quarantine:", tenant, null);
            assertEquals(before.overruns() + 1, after.overruns());
            assertEquals(before.processCrashes() + 1, after.processCrashes());
            assertEquals(before.quarantines() + 1, after.quarantines());
            assertEquals(1, warnings("process:").size(), CapturedLogs.events()::toString);
            return;
        }
        fail("five calls of a built-in that ignores termination never overran: " + forge.stats());
    }

    @Test
    void aCrashIsLoggedWithItsQuarantine() {
        EngineStats before = forge.stats();
        Outcome o = run("t-split", "'a'.repeat(2 ** 28).split(''); return d;", "call-split", Duration.ofSeconds(10));
        assertEquals("memory", ((Outcome.Failed) o).error().kind().id(), o.toJson());
        List<CapturedLogs.Event> process = warnings("process:");
        assertEquals(1, process.size(), CapturedLogs.events()::toString);
        assertTrue(process.get(0).message().contains("tenants [t-split]"), process.get(0).message());
        once("quarantine:", "t-split", null);
        EngineStats after = forge.stats();
        assertEquals(before.processCrashes() + 1, after.processCrashes());
        assertEquals(before.quarantines() + 1, after.quarantines());
    }
}
