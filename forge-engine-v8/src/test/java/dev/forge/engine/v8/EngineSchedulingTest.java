package dev.forge.engine.v8;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryDatastore;
import dev.forge.Invocation;
import dev.forge.Isolation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deadlines hold wherever a call is, and one tenant's stuck calls leave threads to the others: calls that
 * wait for a thread time out there; a tenant holds at most its share of threads; in-process, a thread left in
 * V8 by a built-in that ignores termination is abandoned and replaced.
 */
class EngineSchedulingTest {

    private static final String SPIN_MS = "function main(d) { const until = Date.now() + d.ms; while (Date.now() < until) {} return d; }";

    private static Forge forge(Isolation isolation, int threads, int share) {
        return Forge.builder().engine(new V8EngineProvider())
                .limits(new Limits(Duration.ofSeconds(5), Limits.DEFAULT_HEAP_BYTES))
                .engineOptions(EngineOptions.builder().isolation(isolation).threads(threads).tenantShare(share)
                        .callerRuns(false).processes(1).build()).build();
    }

    @Test
    void aCallWaitingForAThreadTimesOutAtItsDeadline() throws Exception {
        try (Forge forge = forge(Isolation.PROCESS, 1, 1)) {
            Script busy = forge.load(Script.of("a", "busy.js", ScriptKind.SCRIPT, SPIN_MS));
            Script quick = forge.load(Script.of("b", "quick.js", ScriptKind.SCRIPT, "function main(d) { return d; }"));
            CompletableFuture<Outcome> holding = forge.invokeAsync(Invocation.builder(busy.id()).data("{\"ms\":1500}").build());
            CompletableFuture<Outcome> waiting = forge.invokeAsync(Invocation.builder(quick.id()).data("{}")
                    .timeout(Duration.ofMillis(200)).build());
            Outcome waited = waiting.get(10, TimeUnit.SECONDS);
            assertInstanceOf(Outcome.TimedOut.class, waited, waited.toJson());
            assertFalse(holding.isDone(), "the waiting call was answered while the only thread was still busy");
            assertTrue(holding.get(10, TimeUnit.SECONDS).isOk());
        }
    }

    @Test
    void aTenantHoldsAtMostItsShareOfThreads() throws Exception {
        try (Forge forge = forge(Isolation.PROCESS, 2, 1)) {
            Script slow = forge.load(Script.of("greedy", "slow.js", ScriptKind.SCRIPT, SPIN_MS));
            Script slow2 = forge.load(Script.of("greedy", "slow2.js", ScriptKind.SCRIPT, SPIN_MS));
            Script quick = forge.load(Script.of("other", "quick.js", ScriptKind.SCRIPT, "function main(d) { return d; }"));
            CompletableFuture<Outcome> first = forge.invokeAsync(Invocation.builder(slow.id()).data("{\"ms\":1500}").build());
            CompletableFuture<Outcome> second = forge.invokeAsync(Invocation.builder(slow2.id()).data("{\"ms\":1500}").build());
            // the greedy tenant's second call waits for its share; the other tenant still has a thread
            Outcome other = forge.invokeAsync(Invocation.builder(quick.id()).data("{}").build()).get(10, TimeUnit.SECONDS);
            assertTrue(other.isOk(), other.toJson());
            assertFalse(first.isDone() && second.isDone(), "both greedy calls ran at once: the share did not hold");
            assertTrue(first.get(10, TimeUnit.SECONDS).isOk());
            assertTrue(second.get(10, TimeUnit.SECONDS).isOk());
        }
    }

    @Test
    void inProcessAThreadStuckInV8IsAbandonedAndReplaced() throws Exception {
        InMemoryDatastore datastore = new InMemoryDatastore();
        try (Forge forge = Forge.builder().engine(new V8EngineProvider()).datastore(datastore)
                .limits(new Limits(Duration.ofSeconds(5), Limits.DEFAULT_HEAP_BYTES))
                .engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).threads(1).callerRuns(false).build())
                .build()) {
            Script quick = forge.load(Script.of("fine", "quick.js", ScriptKind.SCRIPT, "function main(d) { return d; }"));
            // indexOf on a sparse array almost always ignores V8's interrupt; now and then V8 takes it anyway,
            // so up to five calls try until one leaves its thread behind
            for (int attempt = 0; attempt < 5 && forge.stats().overruns() == 0; attempt++) {
                String flag = "started-" + attempt;
                Script stuck = forge.load(Script.of("stuck", "stuck" + attempt + ".js", ScriptKind.APP,
                        "async function main(d) { await datastore.set('" + flag + "', true);"
                                + " const a = []; a[2 ** 32 - 2] = 1; return a.indexOf(5); }"));
                CompletableFuture<Outcome> stuckCall = forge.invokeAsync(Invocation.builder(stuck.id()).data("{}")
                        .timeout(Duration.ofMillis(300)).build());
                while (datastore.get("stuck", flag).toCompletableFuture().get().isEmpty()) {
                    assertFalse(stuckCall.isDone(), () -> "ended before it started: " + stuckCall.join().toJson());
                    Thread.onSpinWait();
                }
                // the engine's only thread is now inside indexOf
                CompletableFuture<Outcome> after = forge.invokeAsync(Invocation.builder(quick.id()).data("{}").build());
                Outcome o = stuckCall.get(10, TimeUnit.SECONDS);
                assertInstanceOf(Outcome.TimedOut.class, o, o.toJson());
                // answered on the thread that replaced the one left behind (or on the same one, if V8 let go)
                Outcome next = after.get(10, TimeUnit.SECONDS);
                assertTrue(next.isOk(), next.toJson());
            }
            assertEquals(1, forge.stats().overruns(), forge.stats().toString());
            assertEquals("in-process", forge.stats().isolation());
        }
    }
}
