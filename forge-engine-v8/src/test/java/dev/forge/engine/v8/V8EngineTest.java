package dev.forge.engine.v8;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class V8EngineTest {

    private static Forge forge;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Duration SHORT = Duration.ofMillis(300);

    @BeforeAll
    static void start() {
        forge = Forge.builder().engine(new V8EngineProvider())
                .limits(new Limits(Duration.ofSeconds(3), 64L << 20)).build();
    }

    @AfterAll
    static void stop() {
        forge.close();
    }

    private static Outcome run(ScriptKind kind, String source, String data) {
        Script s = forge.load(Script.of("t" + IDS.incrementAndGet(), "s.js", kind, source));
        return forge.invoke(Invocation.builder(s.id()).data(data).timeout(SHORT).build());
    }

    private static Outcome runLong(String source) {
        Script s = forge.load(Script.of("t" + IDS.incrementAndGet(), "s.js", ScriptKind.SCRIPT, source));
        return forge.invoke(s.id(), "{}");
    }

    private static Outcome run(String source) {
        return run(ScriptKind.SCRIPT, source, "{\"routing\":{}}");
    }

    private static ScriptException failed(Outcome o) {
        return assertInstanceOf(Outcome.Failed.class, o, o.toJson()).error();
    }

    @Test
    void identity() {
        Outcome o = run("function main(data) { return data; }");
        assertEquals("{\"routing\":{}}", assertInstanceOf(Outcome.Ok.class, o).dataJson());
    }

    @Test
    void rejections() {
        assertEquals("404 Not Found", run("function main(d) { throw new Error('404 Not Found'); }").sip().toString());
        assertEquals("486 Busy Here", run("function main(d) { throw '486 Busy Here'; }").sip().toString());
        Outcome o = run(ScriptKind.APP, "function main(d) { return Promise.reject([604, 'Number on DNC List']); }", "{}");
        assertEquals("604 Number on DNC List", assertInstanceOf(Outcome.Rejected.class, o, o.toJson()).status().toString());
        assertEquals(ScriptException.Kind.RUNTIME, failed(run("function main(d) { throw new Error('200 OK'); }")).kind());
    }

    @Test
    void endlessLoopTimesOut() {
        Outcome o = run("function main(d) { while (true) {} }");
        assertEquals(408, assertInstanceOf(Outcome.TimedOut.class, o, o.toJson()).action().code());
        Outcome again = run("let n = 0; function main(d) { if (n++ === 0) { while (true) {} } return {n}; }");
        assertInstanceOf(Outcome.TimedOut.class, again);
    }

    @Test
    void aScriptIsRebuiltAfterATimeout() {
        Script s = forge.load(Script.of("reuse", "s.js", ScriptKind.SCRIPT,
                "let n = 0; function main(d) { n++; if (d.spin) { while (true) {} } return {n}; }"));
        assertInstanceOf(Outcome.TimedOut.class, forge.invoke(Invocation.builder(s.id()).data("{\"spin\":true}").timeout(SHORT).build()));
        Outcome o = forge.invoke(s.id(), "{}");
        assertEquals("{\"n\":1}", assertInstanceOf(Outcome.Ok.class, o, o.toJson()).dataJson(),
                "a fresh isolate, from the code cache: globals start over");
    }

    @Test
    void heapBomb() {
        Outcome o = runLong("function main(d) { const a = []; while (true) { a.push(new Array(100000).fill('x' + Math.random())); } }");
        assertEquals(ScriptException.Kind.MEMORY, failed(o).kind(), o.toJson());
    }

    @Test
    void arrayBufferBomb() {
        Outcome o = runLong("function main(d) { const a = []; while (true) { a.push(new ArrayBuffer(8 * 1024 * 1024)); } }");
        assertEquals(ScriptException.Kind.MEMORY, failed(o).kind(), o.toJson());
        Outcome big = runLong("function main(d) { return new Uint8Array(2 ** 33).length; }");
        assertEquals(ScriptException.Kind.MEMORY, failed(big).kind(), big.toJson());
    }

    @Test
    void stack() {
        Outcome o = run("function r(n) { return r(n + 1) + 1; } function main(d) { return r(0); }");
        ScriptException e = failed(o);
        assertEquals(ScriptException.Kind.STACK, e.kind(), o.toJson());
    }

    @Test
    void syntax() {
        Outcome o = run("function main(d) {\n  let x = ;\n}");
        ScriptException e = failed(o);
        assertEquals(ScriptException.Kind.SYNTAX, e.kind());
        assertEquals(2, e.line());
        assertEquals(11, e.column());
    }

    @Test
    void runtimeErrorPosition() {
        ScriptException e = failed(run("function main(d) {\n  return d.nope.x;\n}"));
        assertEquals(ScriptException.Kind.RUNTIME, e.kind());
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("TypeError"), e.getMessage());
        assertTrue(e.scriptStack().contains("at main (s.js:2:"), e.scriptStack());
        assertTrue(!e.scriptStack().contains("forge:prelude"), "Forge's frames are not the tenant's: " + e.scriptStack());
    }

    @Test
    void sandbox() {
        Outcome o = run("function main(d) { return [typeof require, typeof process, typeof java, typeof Java, "
                + "typeof Packages, typeof load, typeof quit, typeof WebAssembly, typeof SharedArrayBuffer]; }");
        assertEquals("[\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\",\"undefined\","
                + "\"undefined\",\"undefined\",\"undefined\"]", assertInstanceOf(Outcome.Ok.class, o, o.toJson()).dataJson());
    }

    @Test
    void asyncApp() {
        Outcome o = run(ScriptKind.APP, "async function main(d) { await null; d.x = 1; return d; }", "{}");
        assertEquals("{\"x\":1}", assertInstanceOf(Outcome.Ok.class, o, o.toJson()).dataJson());
        Outcome never = run(ScriptKind.APP, "function main(d) { return new Promise(() => {}); }", "{}");
        assertInstanceOf(Outcome.TimedOut.class, never, never.toJson());
    }

    @Test
    void catastrophicRegexIsInterrupted() {
        Outcome o = run("function main(d) { return /^(a+)+$/.test('a'.repeat(40) + 'b'); }");
        assertInstanceOf(Outcome.TimedOut.class, o, o.toJson());
    }

    @Test
    void aScriptMayNotReturnAPromise() {
        ScriptException e = failed(run("function main(d) { return Promise.resolve(d); }"));
        assertEquals(ScriptException.Kind.RUNTIME, e.kind());
        assertTrue(e.getMessage().contains("make it an App"), e.getMessage());
    }

    @Test
    void returnValuesThatAreNotJsonFailClearly() {
        ScriptException e = failed(run("function main(d) { const a = {}; a.self = a; return a; }"));
        assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
        Outcome nothing = run("function main(d) { }");
        assertEquals("null", assertInstanceOf(Outcome.Ok.class, nothing).dataJson());
    }

    @Test
    void thrownValuesOfEveryShape() {
        assertEquals(ScriptException.Kind.RUNTIME, failed(run("function main(d) { throw 42; }")).kind());
        assertEquals(ScriptException.Kind.RUNTIME, failed(run("function main(d) { throw null; }")).kind());
        assertEquals(ScriptException.Kind.RUNTIME, failed(run("function main(d) { throw [200, 'OK']; }")).kind());
        assertEquals("603 Decline", run("function main(d) { throw [603, 'Decline']; }").sip().toString());
        assertEquals("480 Disallowed by Date/Time Restriction",
                run("function main(d) { throw new Error('480 Disallowed by Date/Time Restriction'); }").sip().toString());
        Outcome hostile = run("function main(d) { throw { get message() { for (;;) {} } }; }");
        assertInstanceOf(Outcome.TimedOut.class, hostile, hostile.toJson());
    }

    @Test
    void topLevelCodeIsUnderTheDeadline() {
        Outcome o = run("for (;;) {} function main(d) { return d; }");
        assertInstanceOf(Outcome.TimedOut.class, o, o.toJson());
        ScriptException noMain = failed(run("function notMain(d) { return d; }"));
        assertTrue(noMain.getMessage().contains("no main function"), noMain.getMessage());
    }
}
