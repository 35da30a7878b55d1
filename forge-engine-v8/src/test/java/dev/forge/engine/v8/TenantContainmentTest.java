package dev.forge.engine.v8;

import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.spi.EngineStats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three tenants on one engine with its default options: one crashes its isolate process in a loop (a heap
 * bomb, a fatal size error), one overruns its deadline in a loop (an endless loop, and a built-in that never
 * looks at V8's interrupt), six times each, and the third routes calls all the while, from a caller's thread
 * and asynchronously. Every one of the third tenant's calls must be answered ok.
 */
class TenantContainmentTest {

    private static final String ROUTE = """
            function main(data) {
              data.routing.egress_routing.sort((a, b) => a.rate - b.rate);
              data.routing.picked = data.routing.egress_routing[0].card_id;
              return data;
            }
            """;
    private static final String CALL = "{\"routing\":{\"egress_routing\":[{\"card_id\":\"b\",\"rate\":0.02},"
            + "{\"card_id\":\"a\",\"rate\":0.01}]}}";

    @Test
    void twoHostileTenantsNeverCostTheThirdACall() throws Exception {
        Limits limits = new Limits(Duration.ofSeconds(1), Limits.DEFAULT_HEAP_BYTES);
        try (Forge forge = Forge.builder().engine(new V8EngineProvider()).limits(limits).build()) {
            List<Script> crashing = List.of(
                    forge.load(Script.of("crasher", "heap.js", ScriptKind.SCRIPT,
                            "function main(d) { const m = new Map(); for (let i = 0; ; i++) m.set(i, {i}); }")),
                    forge.load(Script.of("crasher", "size.js", ScriptKind.SCRIPT,
                            "function main(d) { 'a'.repeat(2 ** 28).split(''); return d; }")));
            List<Script> overrunning = List.of(
                    forge.load(Script.of("overrunner", "loop.js", ScriptKind.SCRIPT, "function main(d) { for (;;) {} }")),
                    forge.load(Script.of("overrunner", "stuck.js", ScriptKind.SCRIPT,
                            "function main(d) { const a = []; a[2 ** 32 - 2] = 1; return a.indexOf(5); }")));
            Script route = forge.load(Script.of("benign", "route.js", ScriptKind.SCRIPT, ROUTE));

            AtomicBoolean hostile = new AtomicBoolean(true);
            CountDownLatch hostileDone = new CountDownLatch(2);
            List<Outcome> hostileOutcomes = new CopyOnWriteArrayList<>();
            for (List<Script> scripts : List.of(crashing, overrunning)) {
                Thread t = new Thread(() -> {
                    try {
                        // until each hostile tenant has crashed or overrun 6 times; in quarantine backoff its calls
                        // are answered overloaded at once, and it tries again a little later
                        int real = 0;
                        for (int i = 0; real < 6; i++) {
                            Script s = scripts.get(i % 2);
                            Outcome o = forge.invoke(Invocation.builder(s.id()).data("{}").build());
                            hostileOutcomes.add(o);
                            if (o instanceof Outcome.Overloaded) {
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                            } else {
                                real++;
                            }
                        }
                    } finally {
                        hostileDone.countDown();
                    }
                }, "hostile-" + scripts.get(0).tenant());
                t.start();
            }
            Thread stop = new Thread(() -> {
                try {
                    hostileDone.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                hostile.set(false);
            });
            stop.start();

            List<Outcome> benign = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> asyncSide = CompletableFuture.runAsync(() -> {
                while (hostile.get()) {
                    benign.add(forge.invokeAsync(Invocation.builder(route.id()).data(CALL).build()).join());
                }
            });
            while (hostile.get()) {
                benign.add(forge.invoke(Invocation.builder(route.id()).data(CALL).build()));
            }
            asyncSide.get(30, TimeUnit.SECONDS);

            for (Outcome o : benign) {
                assertTrue(o.isOk(), "a benign call: " + o.toJson());
                assertEquals("a", ((Outcome.Ok) o).data().path("routing").path("picked").asText());
            }
            assertTrue(benign.size() > 100, "benign calls made while the others ran: " + benign.size());
            for (Outcome o : hostileOutcomes) {
                assertTrue(!o.isOk(), "a hostile call ended " + o.toJson());
            }
            EngineStats stats = forge.stats();
            System.out.println("benign calls " + benign.size() + "; hostile outcomes "
                    + hostileOutcomes.stream().map(Outcome::name).toList() + "; " + stats);
            assertTrue(stats.processCrashes() >= 2, stats.toString());
            assertTrue(stats.overruns() >= 1, stats.toString());
            assertTrue(stats.quarantines() >= 2, "both hostile tenants were quarantined: " + stats);
        }
    }
}
