package dev.forge.engine.v8;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.engine.v8.hostile.ChildMemory;
import dev.forge.engine.v8.hostile.HostileCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every case of the {@link HostileCorpus}, through the public API, in process isolation (the default): the
 * host JVM survives it (this test runs in the host), the outcome is the one containment must give, the
 * isolate processes' resident memory rises by no more than the script's limit plus {@link #OVERHEAD_BYTES}
 * above where it was when the case began, and a call of another tenant right after it is answered ok.
 */
class HostileCorpusTest {

    /**
     * What a turn may add to an isolate process beyond its script's limit: the supervisor's room (V8's
     * headroom, the room to unwind a terminated script, a new isolate: 64 MiB) and what a script allocates
     * between two of the supervisor's samples of the process's memory (2 ms; up to 64 MiB on this machine).
     */
    static final long OVERHEAD_BYTES = 128L << 20;

    private static Forge forge;
    private static ChildMemory memory;
    private static Script bystander;

    @BeforeAll
    static void start() {
        forge = Forge.builder().engine(new V8EngineProvider()).limits(HostileCorpus.LIMITS)
                // the bystander and the case's tenant keep a process each; the case before gives its own up
                .engineOptions(EngineOptions.builder().processes(2).spares(1).build()).build();
        memory = new ChildMemory();
        bystander = forge.load(Script.of("bystander", "route.js", ScriptKind.SCRIPT,
                "function main(d) { d.routing.seen = true; return d; }"));
    }

    @AfterAll
    static void stop() {
        memory.close();
        forge.close();
    }

    static List<HostileCorpus.Case> cases() {
        return HostileCorpus.CASES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isContained(HostileCorpus.Case c) {
        awaitWarmProcesses();
        Script script = forge.load(c.script("corpus-" + c.name()));
        memory.reset();
        long before = ChildMemory.largestNow();
        Outcome outcome = forge.invoke(Invocation.builder(script.id()).data("{\"routing\":{}}").callId(c.name())
                .timeout(c.timeout()).build());
        long peak = memory.peakBytes();
        assertTrue(c.contained(outcome), c.group() + " / " + c.name() + ": expected " + c.expect() + ", got "
                + outcome.toJson());
        long limit = script.limitsOr(HostileCorpus.LIMITS).heapBytes();
        System.out.printf("corpus %-40s %-10s before %4d MiB, peak %4d MiB, %s%n", c.name(), outcome.name(),
                before >> 20, peak >> 20, outcome instanceof Outcome.Failed f ? f.error().getMessage() : "");
        long allowed = before + limit + OVERHEAD_BYTES;
        assertTrue(peak <= allowed, c.name() + ": an isolate process reached " + (peak >> 20) + " MiB, above "
                + (allowed >> 20) + " MiB (it was at " + (before >> 20) + " MiB)");
        // the promise is that it runs (ok), not how fast: on a loaded machine its process may be a fresh one, so
        // its deadline leaves room for a cold start (timing lives in BENCHMARKS.md)
        Outcome next = forge.invoke(Invocation.builder(bystander.id()).data("{\"routing\":{}}")
                .timeout(Duration.ofSeconds(10)).build());
        assertInstanceOf(Outcome.Ok.class, next, "the next call of another tenant: " + next.toJson());
    }

    /** Waits until the engine has a spare ready again (a case may have taken it, or crashed the process). */
    private static void awaitWarmProcesses() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (forge.stats().spares() < 1) {
            if (System.nanoTime() - until > 0) {
                fail("the engine did not get its isolate processes back: " + forge.stats());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
