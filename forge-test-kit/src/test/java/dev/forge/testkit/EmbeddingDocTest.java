package dev.forge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Confinement;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryDatastore;
import dev.forge.Invocation;
import dev.forge.InvocationListener;
import dev.forge.Isolation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import dev.forge.SipStatus;
import dev.forge.spi.Datastore;
import dev.forge.spi.EngineStats;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps site/embedding.md honest: each of its Java examples is in this file, compiled and run here in the order
 * the guide tells them; its Maven snippet names this build's modules and version; the host mistakes it quotes
 * are the messages Forge gives.
 */
class EmbeddingDocTest {

    private static final DocExamples DOC = DocExamples.page("embedding.md");
    private static final Logger log = LoggerFactory.getLogger(EmbeddingDocTest.class);

    private static final String callJson = "{\"routing\":{\"dest_number\":\"12125550143\",\"egress_routing\":"
            + "[{\"card_id\":\"b\",\"rate\":0.02},{\"card_id\":\"a\",\"rate\":0.01}]}}";

    private final List<JsonNode> routed = new ArrayList<>();
    private final List<SipStatus> answered = new ArrayList<>();

    private void route(JsonNode data) {
        routed.add(data);
    }

    private void answer(SipStatus status) {
        answered.add(status);
    }

    /** The guide's listener. */
    class Metrics implements InvocationListener {
        final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        final LongAdder coldStarts = new LongAdder();
        final LongAccumulator slowestMicros = new LongAccumulator(Math::max, 0);

        @Override
        public void onInvocation(InvocationEvent event) {
            outcomes.computeIfAbsent(event.outcome().name(), name -> new LongAdder()).increment();
            if (event.coldStart()) {
                coldStarts.increment();
            }
            slowestMicros.accumulate(event.queuedMicros() + event.runMicros());
        }
    }

    /** The guide's listener, plus a count the test waits on: the listener may run after invoke returns. */
    final class CountedMetrics extends Metrics {
        final Semaphore seen = new Semaphore(0);
        final List<InvocationEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onInvocation(InvocationEvent event) {
            super.onInvocation(event);
            events.add(event);
            seen.release();
        }

        void awaitEvents(int n) throws InterruptedException {
            assertTrue(seen.tryAcquire(n, 20, TimeUnit.SECONDS), "the listener did not see " + n + " more invocations");
        }

        long count(String outcome) {
            LongAdder n = outcomes.get(outcome);
            return n == null ? 0 : n.sum();
        }
    }

    @Test
    void theGuideFromBuildToClose() throws Exception {
        Datastore datastore = new InMemoryDatastore();
        CountedMetrics metrics = new CountedMetrics();

        Forge forge = Forge.builder()
                .limits(new Limits(Duration.ofSeconds(2), 100L << 20))   // for scripts without limits of their own
                .engineOptions(EngineOptions.builder()
                        .isolation(Isolation.PROCESS)            // V8 in isolate processes (the default)
                        .confinement(Confinement.BEST_EFFORT)    // every layer the OS offers (the default)
                        .processes(16)                           // tenants that keep an isolate process of their own
                        .spares(2)                               // processes started ahead of need
                        .threads(8)                              // invocations running at once
                        .tenantShare(2)                          // of which one tenant's
                        .concurrencyPerScript(2)                 // isolates per Script, one invocation each
                        .queuePerScript(256)                     // waiting per script before Overloaded
                        .build())
                .datastore(datastore)                            // Apps' datastore; in memory by default
                .listener(metrics)
                .build();
        try {
            assertEquals(Limits.DEFAULT, forge.limits());
            assertEquals(2, forge.engineOptions().tenantShare());

            Script lcr = forge.load(Script.of("acme", "lcr", ScriptKind.SCRIPT, """
                    function main(data) {
                      data.routing.egress_routing.sort((a, b) => a.rate - b.rate);
                      data.routing.carrier = env.CARRIER;
                      return data;
                    }""")
                    .withLimits(Limits.DEFAULT.withTimeout(Duration.ofMillis(500)))
                    .withEnv(Map.of("CARRIER", "atlas")));
            assertEquals("acme/lcr", lcr.id());

            Outcome outcome = forge.invoke(Invocation.builder(lcr.id())
                    .data(callJson)                                  // JSON text, or a Jackson JsonNode
                    .timeout(Duration.ofMillis(300))                 // this call's deadline, not the script's 500 ms
                    .timeoutAction("480 Temporarily Unavailable")    // what the call gets if it passes
                    .callId("c-0821")                                // in the logs' MDC as callid
                    .build());
            if (outcome instanceof Outcome.Ok ok) {
                route(ok.data());                                    // what main returned
            } else if (outcome.sip() != null) {
                answer(outcome.sip());                               // rejected, timed out or overloaded
            } else {
                ScriptException error = ((Outcome.Failed) outcome).error();
                log.warn("{} failed: {} at line {}: {}", lcr.id(), error.kind().id(), error.line(), error.getMessage());
                answer(new SipStatus(500, "Script Error"));
            }
            assertEquals(List.of(), answered);
            assertEquals("a", routed.get(0).at("/routing/egress_routing/0/card_id").asText());
            assertEquals("atlas", routed.get(0).at("/routing/carrier").asText());

            // warm start: load built the first isolate, so the first call found it ready
            metrics.awaitEvents(1);
            assertEquals(0, metrics.coldStarts.sum(), () -> "the first call after load was cold: " + metrics.events);
            assertEquals(1, metrics.count("ok"));
            assertEquals("c-0821", metrics.events.get(0).callId());

            CompletableFuture<Outcome> pending = forge.invokeAsync(Invocation.builder(lcr.id()).data(callJson).build());
            pending.thenAccept(o -> log.info("{} ended {} in {} µs", lcr.id(), o.name(), o.micros()));
            assertTrue(pending.get(20, TimeUnit.SECONDS).isOk());
            metrics.awaitEvents(1);

            // a script that overruns its deadline: the outcome the caller gets, and the counter in stats()
            Script spin = forge.load(Script.of("acme", "spin", ScriptKind.SCRIPT, "function main(d) { for (;;) {} }"));
            Outcome late = forge.invoke(Invocation.builder(spin.id()).timeout(Duration.ofMillis(100))
                    .timeoutAction("480 Temporarily Unavailable").build());
            assertEquals(new SipStatus(480, "Temporarily Unavailable"), assertInstanceOf(Outcome.TimedOut.class, late).sip());
            metrics.awaitEvents(1);
            assertEquals(1, metrics.count("timeout"));

            EngineStats stats = forge.stats();
            log.info("{} isolation, {} processes ({} spare), {} isolates ({} busy), {} queued; since start: {} timeouts, "
                    + "{} memory kills, {} process crashes, {} quarantines", stats.isolation(), stats.processes(),
                    stats.spares(), stats.liveIsolates(), stats.busyIsolates(), stats.queued(), stats.timeouts(),
                    stats.memoryKills(), stats.processCrashes(), stats.quarantines());
            assertEquals("process", stats.isolation());
            assertEquals(1, stats.timeouts());
            assertTrue(stats.liveIsolates() >= 1 && stats.isolatesBuilt() >= 2, stats::toString);
            assertTrue(stats.processes() >= 1, stats::toString);

            // the host's mistakes throw, with the messages the guide quotes
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> forge.invoke("acme/nope", "{}"));
            DOC.assertMentions(unknown.getMessage());
            IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                    () -> forge.invoke(lcr.id(), "{routing"));
            assertTrue(notJson.getMessage().startsWith("data: not valid JSON"), notJson.getMessage());
            DOC.assertMentions("data: not valid JSON");

            // a tenant's syntax error loads, and each call reports it
            Script broken = forge.load(Script.of("acme", "broken", ScriptKind.SCRIPT, "function main(d) {\n  return d +;\n}"));
            ScriptException syntax = assertInstanceOf(Outcome.Failed.class, forge.invoke(broken.id(), "{}")).error();
            assertEquals(ScriptException.Kind.SYNTAX, syntax.kind());
            assertEquals(2, syntax.line());

            // a script whose memory limit is above the one the builder fixed V8's heap ceiling with
            Script big = forge.load(Script.of("acme", "big", ScriptKind.SCRIPT, "function main(d) { return d; }")
                    .withLimits(Limits.DEFAULT.withHeapBytes(200L << 20)));
            Outcome refused = forge.invoke(big.id(), "{}");
            ScriptException why = assertInstanceOf(Outcome.Failed.class, refused).error();
            assertEquals(ScriptException.Kind.HOST, why.kind());
            String quoted = "memory: 200m is above the isolate processes' heap ceiling of 100m, which this Forge's "
                    + "default limit fixed";
            assertTrue(why.getMessage().startsWith(quoted), why.getMessage());
            DOC.assertMentions(quoted);
        } finally {
            forge.close();
            forge.close();                                       // idempotent
        }
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> forge.invoke("acme/lcr", "{}"));
        DOC.assertMentions(closed.getMessage());
        datastore.set("acme", "still", "true", null).toCompletableFuture().get(10, TimeUnit.SECONDS);  // not closed by Forge
    }

    @Test
    void aFullQueueIsAnsweredOverloaded() throws Exception {
        Forge guarded = Forge.builder()
                .engineOptions(EngineOptions.builder()
                        .concurrencyPerScript(1)                                 // one isolate: one call at a time
                        .queuePerScript(0)                                       // and none waiting behind it
                        .overloadStatus(new SipStatus(480, "Temporarily Unavailable"))
                        .build())
                .build();
        try (guarded) {
            guarded.load(Script.of("acme", "slow", ScriptKind.SCRIPT,
                    "function main(d) { const end = Date.now() + 300; while (Date.now() < end) {} return d; }"));
            CompletableFuture<Outcome> busy = guarded.invokeAsync(Invocation.builder("acme/slow").build());
            Outcome next = guarded.invoke(Invocation.builder("acme/slow").build());
            if (next instanceof Outcome.Overloaded overloaded) {
                answer(overloaded.status());                  // 480 Temporarily Unavailable
                log.info("acme/slow overloaded: {}", overloaded.why());
            }

            assertEquals(List.of(new SipStatus(480, "Temporarily Unavailable")), answered, next::toJson);
            String why = ((Outcome.Overloaded) next).why();
            assertEquals("script acme/slow has 0 invocations waiting, the most allowed (queuePerScript)", why);
            DOC.assertMentions(why);
            assertTrue(busy.get(20, TimeUnit.SECONDS).isOk());
        }
    }

    @Test
    void trustedScriptsInProcess() throws Exception {
        Forge trusted = Forge.builder()
                .engineOptions(EngineOptions.builder()
                        .isolation(Isolation.IN_PROCESS)   // V8 in this JVM: for our own scripts only
                        .callerRuns(false)                 // our request threads have small stacks
                        .build())
                .build();
        try (trusted) {
            trusted.load(Script.of("ops", "tag", ScriptKind.SCRIPT, "function main(d) { d.tagged = true; return d; }"));
            AtomicReference<Outcome> fromSmallStack = new AtomicReference<>();
            Thread request = new Thread(null, () -> fromSmallStack.set(trusted.invoke("ops/tag", "{}")), "request",
                    128 << 10);
            request.start();
            request.join();
            assertEquals("{\"tagged\":true}", ((Outcome.Ok) fromSmallStack.get()).dataJson());
            EngineStats stats = trusted.stats();
            assertEquals("in-process", stats.isolation());
            assertEquals(0, stats.processes());
            assertTrue(stats.confinement().startsWith("none:"), stats.confinement());
        }
    }

    @Test
    void badOptionsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineOptions.builder().threads(8).tenantShare(9).build());
        DOC.assertMentions(e.getMessage());
    }

    @Test
    void everyJavaExampleIsInThisFile() {
        DOC.assertEveryJavaExampleIsIn(EmbeddingDocTest.class, 10);
    }

    /** The Maven snippet: Forge's groupId, modules of this build, this build's version, as consumer/ uses them. */
    @Test
    void theMavenSnippetNamesThisBuild() throws IOException {
        List<String> xml = DOC.blocks("xml");
        assertEquals(1, xml.size());
        String snippet = xml.get(0);
        String rootPom = Files.readString(Path.of("..", "pom.xml"));
        Matcher version = Pattern.compile("<artifactId>forge-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(rootPom);
        assertTrue(version.find(), "the root pom's version");
        assertTrue(snippet.contains("<version>" + version.group(1) + "</version>"), snippet);
        String consumer = Files.readString(Path.of("..", "consumer", "pom.xml"));
        Matcher artifacts = Pattern.compile("<artifactId>(forge-[a-z0-9-]+)</artifactId>").matcher(snippet);
        List<String> named = new ArrayList<>();
        while (artifacts.find()) {
            String module = artifacts.group(1);
            named.add(module);
            assertTrue(Files.isRegularFile(Path.of("..", module, "pom.xml")), module + " is not a module of this build");
            assertTrue(consumer.contains("<artifactId>" + module + "</artifactId>"), module + " is not in consumer/pom.xml");
        }
        assertEquals(List.of("forge-bom", "forge-api", "forge-engine-v8", "forge-test-kit"), named);
        assertTrue(snippet.contains("<scope>import</scope>") && snippet.contains("<type>pom</type>"), snippet);
    }
}
