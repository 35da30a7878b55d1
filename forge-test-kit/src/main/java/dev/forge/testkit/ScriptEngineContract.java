package dev.forge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Limits;
import dev.forge.ScriptException.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The behaviour every Forge script engine must show, checked through the public {@link Forge} API: the
 * routing contract, the three rejection styles, time and memory limits with recovery, error positions, the
 * sandbox, and isolation between scripts. Extend it with a factory for a Forge on the engine under test:
 *
 * <pre>{@code
 * class V8ScriptEngineTest extends ScriptEngineContract {
 *     protected Forge newForge(Limits limits, EngineOptions options) {
 *         return Forge.builder().engine(new V8EngineProvider()).limits(limits).engineOptions(options).build();
 *     }
 * }
 * }</pre>
 *
 * <p>One Forge serves the whole suite (made before the first test, closed after the last), as one serves
 * a whole host; the tests therefore also check that one misbehaving script leaves the engine fit for the
 * next.
 *
 * <p>Thread-safety: JUnit runs the suite's tests one at a time on one instance.
 *
 * @since 0.1.0
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ScriptEngineContract {

    /** The deadline the limit tests give their invocations, short so the suite stays quick. */
    protected static final String SHORT_TIMEOUT = "200ms";

    private Forge forge;
    private ScriptRunner run;

    /** A Forge on the engine under test, with these defaults. The suite closes it. */
    protected abstract Forge newForge(Limits limits, EngineOptions options);

    /** The suite's default limits; {@link Limits#DEFAULT} unless overridden. */
    protected Limits limits() {
        return Limits.DEFAULT;
    }

    /** The suite's engine options; {@link EngineOptions#DEFAULT} unless overridden. */
    protected EngineOptions options() {
        return EngineOptions.DEFAULT;
    }

    @BeforeAll
    void startForge() {
        forge = newForge(limits(), options());
        run = ScriptRunner.of(forge, "contract", ScriptEngineContract.class.getClassLoader());
    }

    @AfterAll
    void closeForge() {
        if (forge != null) {
            forge.close();
        }
    }

    /** The runner over the suite's Forge, for subclasses that add engine-specific tests. */
    protected ScriptRunner runner() {
        return run;
    }

    // ---- the routing contract -------------------------------------------------------------------------

    @Test
    void identityScriptReturnsItsData() {
        String call = "{\"routing\":{\"cli\":\"447700900123\",\"dest_number\":\"12125550143\",\"account_id\":1001}}";
        run.script("function main(data = {}) { return data; }").invoke(call).assertData(call);
    }

    @Test
    void scriptEditsRoutes() {
        JsonNode out = run.script("""
                function main(data) {
                  data.routing.egress_routing.sort((a, b) => a.rate - b.rate);
                  data.routing.cli = '447700900999';
                  for (const route of data.routing.egress_routing) {
                    route.headers = [{ key: 'X-Route', value: route.card_id }];
                  }
                  return data;
                }""").invoke("""
                {"routing":{"cli":"447700900123","egress_routing":[
                  {"card_id":"dear","rate":0.03},{"card_id":"cheap","rate":0.01},{"card_id":"mid","rate":0.02}]}}""")
                .assertDataAt("/routing/cli", "447700900999")
                .assertDataAt("/routing/egress_routing/0/card_id", "cheap")
                .assertDataAt("/routing/egress_routing/2/headers/0/value", "dear")
                .data();
        assertEquals(3, out.at("/routing/egress_routing").size(), () -> "routes kept: " + out);
    }

    @Test
    void dataWithoutRoutingWorks() {
        run.script("function main(data) { return data; }").invoke("{}").assertData("{}");
        run.script("function main(data) { data.seen = Object.keys(data).length; return data; }")
                .invoke("{\"schedule\":{\"open\":8}}")
                .assertData("{\"schedule\":{\"open\":8},\"seen\":1}");
    }

    @Test
    void asyncAppMainIsAwaited() {
        run.app("""
                async function main(data) {
                  const rate = await Promise.resolve(0.0123);
                  await null;
                  data.routing.rate = rate;
                  return data;
                }""").invoke().assertData("{\"routing\":{\"rate\":0.0123}}");
    }

    @Test
    void consoleOutputDoesNotChangeTheOutcome() {
        run.script("function main(data) { console.log('routing', data); console.error('x'); return data; }")
                .invoke().assertData("{\"routing\":{}}");
    }

    // ---- rejections -----------------------------------------------------------------------------------

    @Test
    void thrownErrorWithSipCodeRejects() {
        run.script("function main(data) { throw new Error('404 Not Found'); }").invoke().assertRejected(404, "Not Found");
    }

    @Test
    void thrownStringWithSipCodeRejects() {
        run.script("function main(data) { throw '486 Busy Here'; }").invoke().assertRejected(486, "Busy Here");
    }

    @Test
    void appRejectingWithCodeAndReasonArrayRejects() {
        run.app("function main(data) { return Promise.reject([604, 'Number on DNC List']); }")
                .invoke().assertRejected(604, "Number on DNC List");
    }

    @Test
    void asyncAppThrowingAfterAnAwaitRejects() {
        run.app("async function main(data) { await null; throw new Error('503 Service Unavailable'); }")
                .invoke().assertRejected(503, "Service Unavailable");
    }

    @Test
    void errorsWithoutASipCodeAreRuntimeFailures() {
        run.script("function main(data) { throw new Error('oops'); }").invoke()
                .assertFailed(Kind.RUNTIME).assertMessageContains("oops");
        run.script("function main(data) { throw new Error('200 OK'); }").invoke()
                .assertFailed(Kind.RUNTIME).assertMessageContains("200 OK");
        run.script("function main(data) { throw new Error('700 Out Of Range'); }").invoke()
                .assertFailed(Kind.RUNTIME);
        run.script("function main(data) { return data.routing.missing.field; }").invoke()
                .assertFailed(Kind.RUNTIME).assertMessageContains("TypeError");
    }

    @Test
    void returningSomethingThatIsNotJsonIsARuntimeFailure() {
        run.script("function main(data) { return { big: 10n }; }").invoke().assertFailed(Kind.RUNTIME);
    }

    // ---- limits ---------------------------------------------------------------------------------------

    @Test
    void endlessLoopTimesOutWithTheAssignmentsAction() {
        LoadedScript loop = run.script("function main(data) { if (data.loop) { while (true) {} } return data; }")
                .withTimeout(SHORT_TIMEOUT);
        loop.withTimeoutAction("480 Temporarily Unavailable").invoke("{\"loop\":true}")
                .assertTimedOut(480, "Temporarily Unavailable");
        loop.invoke("{\"loop\":true}").assertTimedOut(408, "Request Timeout");
        loop.invoke("{\"routing\":{}}").assertData("{\"routing\":{}}");
    }

    @Test
    void promiseThatNeverSettlesTimesOut() {
        run.app("function main(data) { return new Promise(() => {}); }").withTimeout(SHORT_TIMEOUT)
                .withTimeoutAction("503 Service Unavailable").invoke().assertTimedOut(503, "Service Unavailable");
    }

    @Test
    void heapBombFailsWithMemoryAndTheNextCallIsFine() {
        assertMemoryBombContained("hoard.push(new Array(100000).fill('x'));");
    }

    @Test
    void arrayBufferBombFailsWithMemoryAndTheNextCallIsFine() {
        assertMemoryBombContained("const b = new Uint8Array(4 * 1024 * 1024); b.fill(7); hoard.push(b);");
    }

    /** A script that runs {@code allocate} forever when asked must fail with memory, twice, and work between. */
    private void assertMemoryBombContained(String allocate) {
        LoadedScript bomb = run.script("""
                function main(data) {
                  if (data.bomb) {
                    const hoard = [];
                    for (;;) { %s }
                  }
                  return data;
                }""".formatted(allocate));
        bomb.invoke("{\"bomb\":true}").assertFailed(Kind.MEMORY);
        bomb.invoke("{\"routing\":{\"after\":1}}").assertData("{\"routing\":{\"after\":1}}");
        bomb.invoke("{\"bomb\":true}").assertFailed(Kind.MEMORY);
    }

    @Test
    void endlessRecursionFailsWithStack() {
        LoadedScript deep = run.script("""
                function dive(n) { return dive(n + 1) + 1; }
                function main(data) { if (data.dive) { return dive(0); } return data; }""");
        deep.invoke("{\"dive\":true}").assertFailed(Kind.STACK);
        deep.invoke("{}").assertData("{}");
    }

    @Test
    void otherScriptsAreUnaffectedByAScriptHittingItsLimits() {
        LoadedScript good = run.script("function main(data) { data.ok = true; return data; }");
        LoadedScript loop = run.script("function main(data) { for (;;) {} }").withTimeout(SHORT_TIMEOUT);
        for (int i = 0; i < 3; i++) {
            loop.invoke().assertTimedOut();
            good.invoke("{}").assertData("{\"ok\":true}");
        }
    }

    // ---- errors point into the source -----------------------------------------------------------------

    @Test
    void syntaxErrorReportsItsLineAndColumn() {
        run.script("function main(data) {\n  const a = 1;\n  return data +;\n}").invoke()
                .assertFailed(Kind.SYNTAX).assertErrorAt(3, 16);
    }

    @Test
    void runtimeErrorReportsItsLine() {
        int line = run.script("function main(data) {\n  const a = 1;\n  return a.b.c;\n}").invoke()
                .assertFailed(Kind.RUNTIME).error().line();
        assertEquals(3, line, "line of 'return a.b.c;'");
    }

    // ---- the sandbox ----------------------------------------------------------------------------------

    @Test
    void hostObjectsAreUnreachable() {
        run.script("""
                function main(data) {
                  return {
                    require: typeof require, process: typeof process, java: typeof java, Java: typeof Java,
                    Packages: typeof Packages, load: typeof load, quit: typeof quit, javet: typeof javet,
                    exit: typeof exit
                  };
                }""").invoke().assertData("""
                {"require":"undefined","process":"undefined","java":"undefined","Java":"undefined",
                 "Packages":"undefined","load":"undefined","quit":"undefined","javet":"undefined",
                 "exit":"undefined"}""");
    }

    @Test
    void callingHostFunctionsFailsWithReferenceError() {
        String[] reaches = {"require('fs')", "process.exit(1)", "Java.type('java.lang.System')",
                "java.lang.System.exit(1)", "Packages.java.lang.Runtime", "load('/etc/passwd')", "quit()"};
        for (String reach : reaches) {
            run.script("function main(data) { return " + reach + "; }").invoke()
                    .assertFailed(Kind.RUNTIME).assertMessageContains("ReferenceError");
        }
    }

    @Test
    void stateLeftByOneScriptIsInvisibleToAnother() {
        run.script("""
                globalThis.leaked = 'secret';
                Object.prototype.polluted = 'yes';
                Array.prototype.push = function () { return 0; };
                function main(data) { globalThis.leakedToo = 1; return data; }""").invoke().assertOk();
        run.script("""
                function main(data) {
                  const list = [];
                  list.push(1);
                  return { leaked: typeof leaked, leakedToo: typeof globalThis.leakedToo,
                           polluted: typeof ({}).polluted, pushed: list.length };
                }""").invoke()
                .assertData("{\"leaked\":\"undefined\",\"leakedToo\":\"undefined\",\"polluted\":\"undefined\",\"pushed\":1}");
    }

    @Test
    void overridingJsonDoesNotConfuseForge() {
        run.script("""
                JSON.stringify = () => '"hijacked"';
                JSON.parse = () => ({ routing: { hijacked: true } });
                function main(data) { data.routing.seen = true; return data; }""")
                .invoke("{\"routing\":{\"cli\":\"1\"}}")
                .assertData("{\"routing\":{\"cli\":\"1\",\"seen\":true}}");
    }
}
