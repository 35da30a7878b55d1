package dev.forge.micrometer;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.InvocationListener.InvocationEvent;
import dev.forge.InvocationListener;
import dev.forge.Isolation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.durable.InMemoryTransport;
import dev.forge.durable.TransportWorker;
import dev.forge.spi.EngineConfig;
import dev.forge.spi.EngineStats;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.ScriptEngine;
import dev.forge.spi.ScriptEngineProvider;
import dev.forge.spi.Transport;
import dev.forge.spi.TransportOptions;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ForgeMetrics against Micrometer's SimpleMeterRegistry on a real Forge (V8 in isolate processes): the invocation
 * meters by outcome and tenant, the engine's gauges and counters as Forge.stats() has them, a transport's lag and
 * dead letters. Every wait is on an event (the listener after ForgeMetrics, a latch), never a sleep.
 */
class ForgeMetricsTest {

    private static final long WAIT_SECONDS = 30;
    /** Long enough that the test reads the gauges while the first loop still runs, even on a loaded machine. */
    private static final Duration LONG_LOOP = Duration.ofSeconds(5);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Heard after ForgeMetrics: once an event is here, ForgeMetrics has recorded it. */
    private final BlockingQueue<InvocationEvent> heard = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.add(resource);
        return resource;
    }

    private Forge forge(ForgeMetrics metrics, Isolation isolation) {
        return opened(Forge.builder()
                .listener(InvocationListener.all(metrics, heard::add))
                .limits(new Limits(Duration.ofMillis(300), Limits.DEFAULT_HEAP_BYTES))
                .engineOptions(EngineOptions.builder().isolation(isolation).processes(2).spares(1).build())
                .build());
    }

    private static Script script(String tenant, String name, String body) {
        return Script.of(tenant, name, ScriptKind.SCRIPT, "function main(data) { " + body + " }");
    }

    private List<InvocationEvent> hear(int count) throws InterruptedException {
        List<InvocationEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            InvocationEvent e = heard.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(e, "invocation " + (i + 1) + " of " + count + " not heard within " + WAIT_SECONDS + " s");
            events.add(e);
        }
        return events;
    }

    private double invocations(String tenant, String outcome, String error) {
        return registry.get(ForgeMetrics.INVOCATIONS).tags("tenant", tenant, "outcome", outcome, "error", error)
                .counter().count();
    }

    private Timer latency(String tenant, String outcome) {
        return registry.get(ForgeMetrics.LATENCY).tags("tenant", tenant, "outcome", outcome).timer();
    }

    private double gauge(String name) {
        return registry.get(name).tags("node", "n1").gauge().value();
    }

    private double counter(String name) {
        return registry.get(name).tags("node", "n1").functionCounter().count();
    }

    @Test
    void invocationsByOutcomeAndTenantWithTheEnginesGaugesAndCounters() throws Exception {
        ForgeMetrics metrics = opened(ForgeMetrics.builder(registry).tags("node", "n1").build());
        Forge forge = forge(metrics, Isolation.PROCESS);
        metrics.bind(forge);

        Script acmeOk = forge.load(script("acme", "ok.js", "return {routed: true};"));
        Script acmeError = forge.load(script("acme", "error.js", "throw new Error('no route for ' + data.to);"));
        Script acmeLoop = forge.load(script("acme", "loop.js", "for (;;) {}"));
        Script globexOk = forge.load(script("globex", "ok.js", "return data;"));
        Script globexBusy = forge.load(script("globex", "busy.js", "throw '486 Busy Here';"));
        Script globexLoop = forge.load(script("globex", "loop.js", "for (;;) {}"));

        assertInstanceOf(Outcome.Ok.class, forge.invoke(acmeOk.id(), "{}"));
        assertInstanceOf(Outcome.Ok.class, forge.invoke(Invocation.builder(acmeOk.id()).callId("call-2").build()));
        assertInstanceOf(Outcome.Failed.class, forge.invoke(acmeError.id(), "{\"to\":\"100\"}"));
        assertInstanceOf(Outcome.TimedOut.class, forge.invoke(acmeLoop.id(), "{}"));
        assertInstanceOf(Outcome.Ok.class, forge.invoke(globexOk.id(), "{}"));
        assertInstanceOf(Outcome.Rejected.class, forge.invoke(globexBusy.id(), "{}"));

        // one isolate per script runs one invocation at a time: the second loop waits in the queue for the first
        long beforeFirst = System.nanoTime();
        CompletableFuture<Outcome> first = forge.invokeAsync(Invocation.builder(globexLoop.id()).timeout(LONG_LOOP).build());
        CompletableFuture<Outcome> second = forge.invokeAsync(Invocation.builder(globexLoop.id()).timeout(LONG_LOOP).build());
        long afterSecond = System.nanoTime();
        assertEquals(1.0, gauge(ForgeMetrics.QUEUE_DEPTH), "the second loop is queued");
        assertTrue(gauge(ForgeMetrics.ISOLATES_BUSY) >= 1.0, "the first loop's isolate is busy");
        assertInstanceOf(Outcome.TimedOut.class, first.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(Outcome.TimedOut.class, second.get(WAIT_SECONDS, TimeUnit.SECONDS));

        List<InvocationEvent> events = hear(8);

        assertEquals(2, invocations("acme", "ok", "none"));
        assertEquals(1, invocations("acme", "error", "runtime"));
        assertEquals(1, invocations("acme", "timeout", "none"));
        assertEquals(1, invocations("globex", "ok", "none"));
        assertEquals(1, invocations("globex", "rejected", "none"));
        assertEquals(2, invocations("globex", "timeout", "none"));
        assertTrue(registry.find(ForgeMetrics.INVOCATIONS).tags("tenant", "globex", "outcome", "error").counters()
                .isEmpty(), "no meter for what never happened");

        assertEquals(2, latency("acme", "ok").count());
        assertEquals(1, latency("acme", "error").count());
        assertEquals(2, latency("globex", "timeout").count());
        // a timeout ends no earlier than its deadline: the timer holds the whole wait, not a part of it
        assertTrue(latency("acme", "timeout").max(TimeUnit.MILLISECONDS) >= 300, latency("acme", "timeout")::toString);
        assertTrue(latency("globex", "timeout").max(TimeUnit.MILLISECONDS) >= LONG_LOOP.toMillis(),
                latency("globex", "timeout")::toString);

        Timer acmeWait = registry.get(ForgeMetrics.QUEUE_WAIT).tags("tenant", "acme").timer();
        Timer globexWait = registry.get(ForgeMetrics.QUEUE_WAIT).tags("tenant", "globex").timer();
        assertEquals(4, acmeWait.count());
        assertEquals(4, globexWait.count());
        // the second loop waited at least until the first one's deadline had passed
        long leastWait = LONG_LOOP.toNanos() - (afterSecond - beforeFirst);
        assertTrue(globexWait.max(TimeUnit.NANOSECONDS) >= leastWait, globexWait::toString);

        long cold = events.stream().filter(InvocationEvent::coldStart).count();
        double coldCounted = registry.find(ForgeMetrics.COLD_STARTS).counters().stream().mapToDouble(c -> c.count()).sum();
        assertEquals(cold, coldCounted);

        // the engine settles on its own after the outcomes (a timed-out isolate is checked, a spare started), so
        // each counter is held between two snapshots; the gauges' mapping is checked exactly on a stub engine
        EngineStats before = forge.stats();
        Map<String, Double> read = new HashMap<>();
        for (String name : COUNTERS.keySet()) {
            read.put(name, counter(name));
        }
        EngineStats after = forge.stats();
        COUNTERS.forEach((name, field) -> assertTrue(
                field.applyAsLong(before) <= read.get(name) && read.get(name) <= field.applyAsLong(after),
                () -> name + " read " + read.get(name) + ", stats went from " + before + " to " + after));
        assertEquals(3, counter(ForgeMetrics.TIMEOUTS), "every timed-out invocation, the queued one too");
        assertTrue(counter(ForgeMetrics.ISOLATES_BUILT) >= 6, "one isolate per script at least");
        assertEquals(0.0, counter(ForgeMetrics.PROTOCOL_KILLS));
        assertTrue(gauge(ForgeMetrics.ISOLATES_LIVE) >= 1.0);
        assertTrue(gauge(ForgeMetrics.PROCESSES) >= 1.0, "isolate processes run the scripts");
        assertEquals(0.0, gauge(ForgeMetrics.QUEUE_DEPTH), "nothing is left waiting");
    }

    /** Each function counter and the field of EngineStats it reads. */
    private static final Map<String, ToLongFunction<EngineStats>> COUNTERS = Map.of(
            ForgeMetrics.ISOLATES_BUILT, EngineStats::isolatesBuilt,
            ForgeMetrics.ISOLATES_REBUILT, EngineStats::isolatesRebuilt,
            ForgeMetrics.ISOLATES_EVICTED, EngineStats::isolatesEvicted,
            ForgeMetrics.TIMEOUTS, EngineStats::timeouts,
            ForgeMetrics.MEMORY_KILLS, EngineStats::memoryKills,
            ForgeMetrics.OVERRUNS, EngineStats::overruns,
            ForgeMetrics.PROCESS_CRASHES, EngineStats::processCrashes,
            ForgeMetrics.QUARANTINES, EngineStats::quarantines,
            ForgeMetrics.RETRIES, EngineStats::retries,
            ForgeMetrics.PROTOCOL_KILLS, EngineStats::protocolKills);

    @Test
    void eachEngineMeterReadsItsOwnFieldOfTheStats() {
        // every field a different number, so a meter reading the wrong one shows
        EngineStats stats = new EngineStats(1, 2, 3, 4, 5, 6, 7, 8, "process", 9, 10, 11, 12, 13, 14, 15, 16, 17, "none");
        ForgeMetrics metrics = opened(ForgeMetrics.builder(registry).tags("node", "n1").build());
        Forge forge = opened(Forge.builder().engine(new StubEngine(stats)).build());
        metrics.bind(forge);

        assertEquals(1, gauge(ForgeMetrics.ISOLATES_LIVE));
        assertEquals(2, gauge(ForgeMetrics.ISOLATES_BUSY));
        assertEquals(3, gauge(ForgeMetrics.QUEUE_DEPTH));
        assertEquals(7, gauge(ForgeMetrics.THREADS));
        assertEquals(8, gauge(ForgeMetrics.SCRIPTS_KEPT));
        assertEquals(9, gauge(ForgeMetrics.PROCESSES));
        assertEquals(10, gauge(ForgeMetrics.PROCESSES_SPARE));
        COUNTERS.forEach((name, field) -> assertEquals(field.applyAsLong(stats), counter(name), name));
    }

    @Test
    void withoutTheTenantTagAllTenantsShareOneSetOfMeters() throws Exception {
        ForgeMetrics metrics = opened(ForgeMetrics.builder(registry).tenantTag(false).build());
        Forge forge = forge(metrics, Isolation.IN_PROCESS);
        metrics.bind(forge);
        for (String tenant : List.of("acme", "globex", "initech")) {
            forge.invoke(forge.load(script(tenant, "ok.js", "return 1;")).id(), "{}");
        }
        hear(3);
        assertEquals(3, registry.get(ForgeMetrics.INVOCATIONS).tags("outcome", "ok", "error", "none").counter().count());
        assertEquals(3, registry.get(ForgeMetrics.LATENCY).tags("outcome", "ok").timer().count());
        assertTrue(registry.find(ForgeMetrics.INVOCATIONS).tagKeys("tenant").counters().isEmpty());
        assertTrue(registry.getMeters().stream().noneMatch(m -> m.getId().getTag("tenant") != null),
                "no meter has a tenant tag");
        assertEquals(0.0, registry.get(ForgeMetrics.PROCESSES).gauge().value(), "in-process: no isolate processes");
    }

    @Test
    void aTransportsLagAndDeadLettersOnThisNode() throws Exception {
        ForgeMetrics metrics = opened(ForgeMetrics.builder(registry).build());
        Forge forge = forge(metrics, Isolation.IN_PROCESS);
        metrics.bind(forge);
        forge.load(script("acme", "route.js", "if (data.fail) throw new Error('no route'); return data;"));
        Transport transport = opened(new InMemoryTransport(new TransportOptions(Duration.ofSeconds(5), 2, 4)));
        metrics.bind(transport);
        CountDownLatch deadLettered = new CountDownLatch(1);
        // added after ForgeMetrics' listener, so it hears the dead letter after ForgeMetrics counted it
        opened(transport.addListener(new Transport.Listener() {
            @Override
            public void onDeadLetter(Transport.DeadLetter letter) {
                deadLettered.countDown();
            }
        }));
        opened(TransportWorker.start(forge, transport, "node-a"));

        assertInstanceOf(Outcome.Ok.class, await(transport.request(new InvocationMessage("m1", "acme/route.js", "{}"))));
        assertInstanceOf(Outcome.Failed.class,
                await(transport.request(new InvocationMessage("m2", "acme/route.js", "{\"fail\":true}"))));
        assertTrue(deadLettered.await(WAIT_SECONDS, TimeUnit.SECONDS), "no dead letter within " + WAIT_SECONDS + " s");

        assertEquals(2, registry.get(ForgeMetrics.TRANSPORT_LAG).tags("redelivery", "false").timer().count(),
                "m1, and m2's first attempt");
        assertEquals(1, registry.get(ForgeMetrics.TRANSPORT_LAG).tags("redelivery", "true").timer().count(),
                "m2's second attempt");
        assertEquals(1, registry.get(ForgeMetrics.DEAD_LETTERS).counter().count());
        hear(3);
        assertEquals(1, registry.get(ForgeMetrics.INVOCATIONS).tags("tenant", "acme", "outcome", "ok").counter().count());
        assertEquals(2, registry.get(ForgeMetrics.INVOCATIONS).tags("tenant", "acme", "outcome", "error").counter().count());
    }

    @Test
    void aTransportThatDoesNotReportIsRefusedByNameAndLeavesNoMeters() {
        ForgeMetrics metrics = opened(ForgeMetrics.builder(registry).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> metrics.bind(new SilentTransport()));
        assertTrue(e.getMessage().startsWith("transport: " + SilentTransport.class.getName()
                + " does not report its deliveries to listeners"), e.getMessage());
        assertTrue(registry.getMeters().isEmpty(), () -> "left behind: " + names(registry));
    }

    @Test
    void closeRemovesEveryMeterAndRecordsNothingMore() throws Exception {
        ForgeMetrics metrics = ForgeMetrics.builder(registry).build();
        Forge forge = forge(metrics, Isolation.IN_PROCESS);
        metrics.bind(forge).bind(opened(new InMemoryTransport()));
        Script ok = forge.load(script("acme", "ok.js", "return 1;"));
        forge.invoke(ok.id(), "{}");
        hear(1);
        assertTrue(registry.getMeters().size() > 20, () -> names(registry).toString());

        metrics.close();
        metrics.close(); // idempotent
        assertTrue(registry.getMeters().isEmpty(), () -> "left behind: " + names(registry));
        forge.invoke(ok.id(), "{}");
        hear(1);
        assertTrue(registry.getMeters().isEmpty(), () -> "made after close: " + names(registry));
        assertEquals("ForgeMetrics is closed; make a new one to bind a Forge",
                assertThrows(IllegalStateException.class, () -> metrics.bind(forge)).getMessage());
    }

    @Test
    void oneForgePerForgeMetrics() {
        ForgeMetrics metrics = opened(ForgeMetrics.builder(registry).build());
        Forge forge = forge(metrics, Isolation.IN_PROCESS);
        metrics.bind(forge);
        assertEquals("ForgeMetrics is already bound to a Forge (engine v8); make one ForgeMetrics per Forge, with tags"
                + " that tell them apart", assertThrows(IllegalStateException.class, () -> metrics.bind(forge)).getMessage());
    }

    @Test
    void badTagsAreNamed() {
        assertEquals("tags: give keys and values in pairs, got 3 strings: [node, a, zone]",
                assertThrows(IllegalArgumentException.class,
                        () -> ForgeMetrics.builder(registry).tags("node", "a", "zone")).getMessage());
        assertEquals("tags: 'tenant' is a tag ForgeMetrics sets itself; name yours differently",
                assertThrows(IllegalArgumentException.class,
                        () -> ForgeMetrics.builder(registry).tags("tenant", "acme").build()).getMessage());
    }

    private static List<String> names(MeterRegistry registry) {
        return registry.getMeters().stream().map(Meter::getId).map(Meter.Id::toString).toList();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** An engine that only answers stats(), with the numbers it was given. */
    private record StubEngine(EngineStats stats) implements ScriptEngineProvider, ScriptEngine {
        @Override
        public String name() {
            return "stub";
        }

        @Override
        public ScriptEngine create(EngineConfig config) {
            return this;
        }

        @Override
        public CompletableFuture<Outcome> invokeAsync(Script script, Invocation invocation, long startNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Outcome invoke(Script script, Invocation invocation, long startNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void evict(String scriptId) {
        }

        @Override
        public void close() {
        }
    }

    /** A transport without addListener: the default refuses. */
    private static final class SilentTransport implements Transport {
        @Override
        public CompletionStage<String> submit(InvocationMessage message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<Outcome> request(InvocationMessage message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AutoCloseable consume(String node, Handler handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<List<DeadLetter>> deadLetters(int max) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
