package dev.forge.engine.v8;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryScriptStore;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IsolatePoolTest {

    private static Forge forge(EngineOptions options) {
        return Forge.builder().engine(new V8EngineProvider()).engineOptions(options).build();
    }

    @Test
    void overloadEndsInTheConfiguredStatus() {
        EngineOptions options = EngineOptions.builder().concurrencyPerScript(1).queuePerScript(1)
                .overloadStatus(dev.forge.SipStatus.parse("overloadStatus", "503 Try Later")).build();
        try (Forge forge = forge(options)) {
            forge.load(Script.of("t", "spin.js", ScriptKind.SCRIPT,
                    "function main(d) { const end = Date.now() + 300; while (Date.now() < end) {} return d; }"));
            List<CompletableFuture<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(forge.invokeAsync(Invocation.builder("t/spin.js").data("{}").build()));
            }
            List<Outcome> outcomes = futures.stream().map(CompletableFuture::join).toList();
            long overloaded = outcomes.stream().filter(o -> o instanceof Outcome.Overloaded).count();
            long ok = outcomes.stream().filter(Outcome::isOk).count();
            assertEquals(2, overloaded, outcomes.toString());
            assertEquals(2, ok, outcomes.toString());
            Outcome.Overloaded first = (Outcome.Overloaded) outcomes.stream()
                    .filter(o -> o instanceof Outcome.Overloaded).findFirst().orElseThrow();
            assertEquals("503 Try Later", first.status().toString());
        }
    }

    @Test
    void liveIsolatesStayUnderTheCap() {
        try (Forge forge = forge(EngineOptions.builder().maxIsolates(3).build())) {
            for (int i = 0; i < 12; i++) {
                forge.load(Script.of("t" + i, "s.js", ScriptKind.SCRIPT, "function main(d) { d.n = " + i + "; return d; }"));
                Outcome o = forge.invoke("t" + i + "/s.js", "{}");
                assertEquals("{\"n\":" + i + "}", assertInstanceOf(Outcome.Ok.class, o).dataJson());
                assertTrue(forge.stats().liveIsolates() <= 3, forge.stats().toString());
            }
            assertTrue(forge.stats().isolatesEvicted() >= 9, forge.stats().toString());
            assertTrue(forge.stats().scriptsKept() <= 3, "evicted scripts are not kept: " + forge.stats());
            assertTrue(forge.unload("t11/s.js"));
            assertTrue(forge.stats().scriptsKept() <= 2, forge.stats().toString());
        }
    }

    @Test
    void aSyntaxErrorIsNotRebuiltOnEveryCall() {
        try (Forge forge = forge(EngineOptions.DEFAULT)) {
            forge.load(Script.of("t", "bad.js", ScriptKind.SCRIPT, "function main(d) { return ; ; }}"));
            for (int i = 0; i < 3; i++) {
                Outcome o = forge.invoke("t/bad.js", "{}");
                assertEquals(ScriptException.Kind.SYNTAX, assertInstanceOf(Outcome.Failed.class, o).error().kind());
            }
            assertEquals(0, forge.stats().isolatesBuilt());
        }
    }

    @Test
    void scriptsNeverSeeEachOthersState() {
        try (Forge forge = forge(EngineOptions.DEFAULT)) {
            forge.load(Script.of("a", "s.js", ScriptKind.SCRIPT, "function main(d) { globalThis.secret = 'a-secret'; "
                    + "Object.prototype.polluted = 1; Array.prototype.push = null; JSON.stringify = () => 'x'; return d; }"));
            forge.load(Script.of("b", "s.js", ScriptKind.SCRIPT, "function main(d) { return [typeof secret, "
                    + "({}).polluted === undefined, typeof [].push, JSON.stringify(1)]; }"));
            assertTrue(forge.invoke("a/s.js", "{}").isOk());
            Outcome o = forge.invoke("b/s.js", "{}");
            assertEquals("[\"undefined\",true,\"function\",\"1\"]", assertInstanceOf(Outcome.Ok.class, o, o.toJson()).dataJson());
            // a's own tampering cannot confuse Forge: its next call still returns JSON
            Outcome again = forge.invoke("a/s.js", "{\"k\":1}");
            assertEquals("{\"k\":1}", assertInstanceOf(Outcome.Ok.class, again, again.toJson()).dataJson());
        }
    }

    @Test
    void aReplacedScriptRunsItsNewVersion() {
        try (Forge forge = forge(EngineOptions.DEFAULT)) {
            forge.load(Script.of("t", "s.js", ScriptKind.SCRIPT, "function main(d) { return 1; }"));
            assertEquals("1", ((Outcome.Ok) forge.invoke("t/s.js", "{}")).dataJson());
            forge.load(Script.of("t", "s.js", ScriptKind.SCRIPT, "function main(d) { return 2; }"));
            assertEquals("2", ((Outcome.Ok) forge.invoke("t/s.js", "{}")).dataJson());
        }
    }

    @Test
    void aScriptsOwnLowerLimitIsEnforcedBySampling() {
        try (Forge forge = Forge.builder().engine(new V8EngineProvider())
                .limits(new Limits(Duration.ofSeconds(5), 64L << 20)).build()) {
            forge.load(Script.of("t", "grow.js", ScriptKind.SCRIPT,
                    "const keep = []; function main(d) { for (;;) { keep.push('k' + Math.random()); } }")
                    .withLimits(new Limits(Duration.ofSeconds(5), 16L << 20)));
            Outcome o = forge.invoke("t/grow.js", "{}");
            ScriptException e = assertInstanceOf(Outcome.Failed.class, o, o.toJson()).error();
            assertEquals(ScriptException.Kind.MEMORY, e.kind());
            assertTrue(forge.stats().isolatesRebuilt() >= 1);
        }
    }

    @Test
    void hostMistakesThrowWithTheFieldNamed() {
        try (Forge forge = forge(EngineOptions.DEFAULT)) {
            forge.load(Script.of("t", "s.js", ScriptKind.SCRIPT, "function main(d) { return d; }"));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> forge.invoke("t/s.js", "{nope"));
            assertTrue(bad.getMessage().startsWith("data: not valid JSON"), bad.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> forge.invoke("t/none.js", "{}"));
            assertTrue(unknown.getMessage().contains("scriptId"), unknown.getMessage());
        }
    }

    @Test
    void theAssignmentsTimeoutActionIsUsed() {
        try (Forge forge = forge(EngineOptions.DEFAULT)) {
            forge.load(Script.of("t", "loop.js", ScriptKind.SCRIPT, "function main(d) { for (;;) {} }"));
            Outcome o = forge.invoke(Invocation.builder("t/loop.js").data("{}").timeout(Duration.ofMillis(50))
                    .timeoutAction("480 Temporarily Unavailable").build());
            assertEquals("480 Temporarily Unavailable", assertInstanceOf(Outcome.TimedOut.class, o).action().toString());
        }
    }

    @Test
    void manyThreadsEachGetTheirOwnAnswer() throws Exception {
        EngineOptions options = EngineOptions.builder().threads(2).concurrencyPerScript(3).maxIsolates(4).build();
        try (Forge forge = forge(options)) {
            for (int s = 0; s < 3; s++) {
                forge.load(Script.of("t" + s, "s.js", ScriptKind.SCRIPT, "function main(d) { return {v: d.i * " + (s + 2) + "}; }"));
            }
            int threads = 6;
            int each = 300;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int wrong = 0;
                    for (int i = 0; i < each; i++) {
                        int s = (thread + i) % 3;
                        Invocation inv = Invocation.builder("t" + s + "/s.js").data("{\"i\":" + i + "}").build();
                        Outcome o = i % 2 == 0 ? forge.invoke(inv) : forge.invokeAsync(inv).join();
                        if (!(o instanceof Outcome.Ok ok) || !ok.dataJson().equals("{\"v\":" + i * (s + 2) + "}")) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : results) {
                assertEquals(0, f.get());
            }
            pool.shutdown();
            assertTrue(forge.stats().liveIsolates() <= 4, forge.stats().toString());
            assertEquals(0, forge.stats().queued(), forge.stats().toString());
            // an engine thread lets its isolate go just after it answers the last call
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (forge.stats().busyIsolates() != 0 && System.nanoTime() - until < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertEquals(0, forge.stats().busyIsolates(), forge.stats().toString());
        }
    }

    @Test
    void theListenerSeesEveryOutcome() {
        List<dev.forge.InvocationListener.InvocationEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        InMemoryScriptStore store = new InMemoryScriptStore();
        try (Forge forge = Forge.builder().engine(new V8EngineProvider()).scriptStore(store).listener(events::add).build()) {
            forge.load(Script.of("t", "s.js", ScriptKind.SCRIPT, "function main(d) { if (d.no) throw '486 Busy Here'; return d; }"));
            forge.invoke(Invocation.builder("t/s.js").data("{}").callId("c1").build());
            forge.invoke(Invocation.builder("t/s.js").data("{\"no\":1}").callId("c2").build());
            // put straight into the store, a script is built by its first call
            store.put(Script.of("t", "cold.js", ScriptKind.SCRIPT, "function main(d) { return d; }"));
            forge.invoke(Invocation.builder("t/cold.js").data("{}").callId("c3").build());
        }
        assertEquals(3, events.size());
        assertFalse(events.get(0).coldStart(), "load() built the isolate, so the first call is warm");
        assertEquals("c1", events.get(0).callId());
        assertTrue(events.get(0).outcome().isOk());
        assertEquals(false, events.get(1).coldStart());
        assertEquals("rejected", events.get(1).outcome().name());
        assertTrue(events.get(2).coldStart());
    }
}
