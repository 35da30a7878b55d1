package dev.forge.engine.v8;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.engine.v8.logs.CapturedLogs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleTest {

    private static Forge forge;

    @BeforeAll
    static void start() {
        forge = Forge.builder().engine(new V8EngineProvider())
                .engineOptions(EngineOptions.builder().consoleLines(5).consoleLineChars(40).build()).build();
    }

    @AfterAll
    static void stop() {
        forge.close();
    }

    @BeforeEach
    void clear() {
        CapturedLogs.clear();
    }

    private static Outcome run(String tenant, String source) {
        Script s = forge.load(Script.of(tenant, "console.js", ScriptKind.SCRIPT, source));
        return forge.invoke(Invocation.builder(s.id()).data("{}").callId("call-1").build());
    }

    @Test
    void linesGoToSlf4jWithTheCallsMdc() {
        run("acme", "function main(d) { console.log('routing', {to: 42}); console.warn('careful'); "
                + "console.error(new Error('bad').message); return d; }");
        List<CapturedLogs.Event> events = CapturedLogs.from("forge.script.acme");
        assertEquals(3, events.size(), events.toString());
        assertEquals("routing {\"to\":42}", events.get(0).message());
        assertEquals(Level.INFO, events.get(0).level());
        assertEquals(Level.WARN, events.get(1).level());
        assertEquals(Level.ERROR, events.get(2).level());
        assertEquals("acme", events.get(0).mdc().get("tenant"));
        assertEquals("acme/console.js", events.get(0).mdc().get("script"));
        assertEquals("call-1", events.get(0).mdc().get("callid"));
    }

    @Test
    void outputIsCappedPerInvocation() {
        String source = "function main(d) { for (let i = 0; i < 50; i++) console.log('line ' + i); "
                + "console.log('x'.repeat(1000)); return d; }";
        run("capped", source);
        List<CapturedLogs.Event> events = CapturedLogs.from("forge.script.capped");
        assertEquals(6, events.size(), events.toString());
        assertTrue(events.get(5).message().contains("capped at 5 lines"), events.get(5).message());
        CapturedLogs.clear();
        run("long", "function main(d) { console.log('y'.repeat(1000)); return d; }");
        String line = CapturedLogs.from("forge.script.long").get(0).message();
        assertEquals("y".repeat(40) + "... (truncated)", line);
    }

    @Test
    void consoleIsFrozen() {
        Outcome o = run("frozen", "function main(d) { try { console.log = null; } catch (e) {} "
                + "try { globalThis.console = {}; } catch (e) {} "
                + "return [Object.isFrozen(console), typeof console.log, Object.isFrozen(console.log)]; }");
        assertEquals("[true,\"function\",true]", assertInstanceOf(Outcome.Ok.class, o, o.toJson()).dataJson());
    }
}
