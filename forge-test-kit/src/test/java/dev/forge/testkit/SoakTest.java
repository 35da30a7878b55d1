package dev.forge.testkit;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One JVM, one Forge, at least 1,000 hostile invocations (endless loops, heap bombs, ArrayBuffer bombs,
 * endless recursion) shuffled among as many good ones over several scripts, from two caller threads.
 * Every outcome must be the right one, and threads, isolates and Java heap must stay bounded.
 *
 * <p>{@code -Dforge.soak.hostile=N} changes the number of hostile invocations (default 1000).
 */
class SoakTest {

    private static final Duration HANG_GUARD = Duration.ofMinutes(4);
    private static final int HOSTILE = Integer.getInteger("forge.soak.hostile", 1000);
    private static final int MAX_ISOLATES = 6;
    private static final int EXTRA_THREADS = 32;
    private static final long HEAP_GROWTH_BYTES = 128L * 1024 * 1024;
    private static final Limits BOMB_LIMITS = new Limits(Duration.ofSeconds(2), 16L * 1024 * 1024);

    /** One planned invocation and the outcome it must have. */
    private record Step(String script, String data, Predicate<Outcome> expected, String expectation) {
    }

    @Test
    void hostileScriptsAreContainedAndResourcesStayBounded() throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Runtime heap = Runtime.getRuntime();
        EngineOptions options = EngineOptions.builder().maxIsolates(MAX_ISOLATES).concurrencyPerScript(2).build();
        try (Forge forge = Forge.builder().limits(Limits.DEFAULT).engineOptions(options).build()) {
            load(forge);
            warmUp(forge);
            int baselineThreads = threads.getThreadCount();
            long baselineHeap = usedHeapAfterGc(heap);

            List<Step> plan = plan(new Random(20250314));
            Queue<String> wrong = new ConcurrentLinkedQueue<>();
            Queue<String> unbounded = new ConcurrentLinkedQueue<>();
            AtomicInteger next = new AtomicInteger();
            Map<String, String> inFlight = new ConcurrentHashMap<>();
            Runnable caller = () -> {
                for (int i = next.getAndIncrement(); i < plan.size(); i = next.getAndIncrement()) {
                    Step step = plan.get(i);
                    inFlight.put(Thread.currentThread().getName(), "#" + i + " " + step.script());
                    Outcome outcome = forge.invoke(Invocation.builder(step.script()).data(step.data())
                            .timeout(step.script().equals("soak/loop.js") ? Duration.ofMillis(50) : null).build());
                    inFlight.remove(Thread.currentThread().getName());
                    if (!step.expected().test(outcome)) {
                        wrong.add("#" + i + " " + step.script() + " should " + step.expectation() + " but "
                                + OutcomeAssert.describe(outcome));
                    }
                    if (i % 50 == 0) {
                        int live = forge.stats().liveIsolates();
                        int now = threads.getThreadCount();
                        if (live > MAX_ISOLATES || now > baselineThreads + EXTRA_THREADS) {
                            unbounded.add("#" + i + ": " + live + " live isolates, " + now + " threads (baseline "
                                    + baselineThreads + ")");
                        }
                    }
                }
            };
            List<Thread> callers = List.of(new Thread(caller, "soak-caller-a"), new Thread(caller, "soak-caller-b"));
            for (Thread t : callers) {
                t.setDaemon(true); // a caller stuck in the engine must not keep the test JVM alive
                t.start();
            }
            for (Thread t : callers) {
                // Not a speed check: a hang guard, far above the ~30 s the soak takes, that names the stuck call.
                t.join(HANG_GUARD.toMillis());
                assertFalse(t.isAlive(), () -> "an invocation never returned: " + inFlight);
            }

            assertTrue(wrong.isEmpty(), () -> wrong.size() + " wrong outcomes, first: " + List.copyOf(wrong).subList(0,
                    Math.min(10, wrong.size())));
            assertTrue(unbounded.isEmpty(), () -> "resources grew: " + unbounded);
            assertTrue(forge.stats().liveIsolates() <= MAX_ISOLATES, () -> "live isolates: " + forge.stats());
            long grown = usedHeapAfterGc(heap) - baselineHeap;
            assertTrue(grown < HEAP_GROWTH_BYTES, () -> "Java heap grew by " + (grown >> 20) + " MB");
            OutcomeAssert.assertThat(forge.invoke("soak/echo.js", "{\"routing\":{\"after\":true}}"))
                    .assertData("{\"routing\":{\"after\":true,\"echo\":1}}");
        }
    }

    private static void load(Forge forge) {
        forge.load(script("echo.js", "function main(d) { d.routing.echo = 1; return d; }", null));
        forge.load(script("lcr.js", "function main(d) { d.routing.egress_routing.sort((a, b) => a.rate - b.rate);"
                + " return d; }", null));
        forge.load(script("busy.js", "function main(d) { if (d.routing.busy) throw '486 Busy Here'; return d; }", null));
        forge.load(script("loop.js", "function main(d) { for (;;) {} }", null));
        forge.load(script("heap.js", "function main(d) { const h = []; for (;;) h.push(new Array(50000).fill(d)); }",
                BOMB_LIMITS));
        forge.load(script("buffers.js", "function main(d) { const h = []; for (;;) { const b = new Uint8Array(1 << 20);"
                + " b.fill(1); h.push(b); } }", BOMB_LIMITS));
        forge.load(script("deep.js", "function f(n) { return f(n + 1) + 1; } function main(d) { return f(0); }", null));
    }

    private static Script script(String name, String source, Limits limits) {
        Script s = Script.of("soak", name, ScriptKind.SCRIPT, source);
        return limits == null ? s : s.withLimits(limits);
    }

    private static void warmUp(Forge forge) {
        for (int i = 0; i < 20; i++) {
            forge.invoke("soak/echo.js", "{\"routing\":{}}");
        }
    }

    private static List<Step> plan(Random random) {
        List<Step> plan = new ArrayList<>();
        for (int i = 0; i < HOSTILE; i++) {
            plan.add(switch (i % 5) {
                case 0, 1 -> new Step("soak/loop.js", "{}", o -> o instanceof Outcome.TimedOut, "time out");
                case 2 -> failed("soak/heap.js", ScriptException.Kind.MEMORY);
                case 3 -> failed("soak/buffers.js", ScriptException.Kind.MEMORY);
                default -> failed("soak/deep.js", ScriptException.Kind.STACK);
            });
            plan.add(good(random, i));
        }
        Collections.shuffle(plan, random);
        return plan;
    }

    private static Step failed(String script, ScriptException.Kind kind) {
        return new Step(script, "{}", o -> o instanceof Outcome.Failed f && f.error().kind() == kind,
                "fail with " + kind.id());
    }

    private static Step good(Random random, int i) {
        int n = random.nextInt(1000);
        switch (i % 3) {
            case 0:
                String expected = "{\"routing\":{\"n\":" + n + ",\"echo\":1}}";
                return new Step("soak/echo.js", "{\"routing\":{\"n\":" + n + "}}",
                        o -> o instanceof Outcome.Ok ok && ok.data().toString().equals(expected), "return " + expected);
            case 1:
                String data = "{\"routing\":{\"egress_routing\":[{\"id\":\"b\",\"rate\":" + (0.5 + n / 1e4)
                        + "},{\"id\":\"a\",\"rate\":" + (0.1 + n / 1e4) + "}]}}";
                return new Step("soak/lcr.js", data,
                        o -> o instanceof Outcome.Ok ok && ok.data().at("/routing/egress_routing/0/id").asText().equals("a"),
                        "put route a first");
            default:
                boolean busy = n % 2 == 0;
                return new Step("soak/busy.js", "{\"routing\":{\"busy\":" + busy + "}}",
                        o -> busy ? o instanceof Outcome.Rejected r && r.status().code() == 486 : o instanceof Outcome.Ok,
                        busy ? "reject 486" : "return its data");
        }
    }

    private static long usedHeapAfterGc(Runtime heap) {
        System.gc();
        return heap.totalMemory() - heap.freeMemory();
    }

    @Test
    void planHasAtLeastAThousandHostileInvocations() {
        long hostile = plan(new Random(1)).stream().filter(s -> !s.expectation().startsWith("return")
                && !s.expectation().startsWith("put") && !s.expectation().startsWith("reject")).count();
        assertEquals(HOSTILE, hostile);
        assertTrue(HOSTILE >= 1000 || Integer.getInteger("forge.soak.hostile") != null);
    }
}
