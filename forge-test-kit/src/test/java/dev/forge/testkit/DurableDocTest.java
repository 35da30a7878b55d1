package dev.forge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Forge;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.durable.CronExpression;
import dev.forge.durable.InMemoryTransport;
import dev.forge.durable.Scheduler;
import dev.forge.durable.TransportWorker;
import dev.forge.internal.Json;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.Transport;
import dev.forge.spi.TransportOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps site/durable.md honest: a node and a caller over the transport, and a schedule, run here as written
 * there; the schedule's slot is fired by the test ({@link Scheduler#fireDue}) instead of waiting for 03:00.
 */
class DurableDocTest {

    private static final DocExamples DOC = DocExamples.page("durable.md");

    private static final String lcrSource =
            "function main(data) { data.routing.egress_routing.sort((a, b) => a.rate - b.rate); return data; }";
    private static final String callJson =
            "{\"routing\":{\"egress_routing\":[{\"card_id\":\"b\",\"rate\":0.02},{\"card_id\":\"a\",\"rate\":0.01}]}}";

    private Outcome answered;

    private void answer(Outcome outcome) {
        answered = outcome;
    }

    @Test
    void aNodeRunsWhatACallerRequests() throws Exception {
        TransportOptions options = new TransportOptions(TransportOptions.visibilityFor(Duration.ofSeconds(2)), 5, 256);
        try (Transport transport = new InMemoryTransport(options);          // RedisTransport for many nodes
             Forge forge = Forge.builder().transport(transport).build();
             TransportWorker node = TransportWorker.start(forge, transport, "node-1")) {
            forge.load(Script.of("acme", "lcr", ScriptKind.SCRIPT, lcrSource));
            Outcome outcome = transport.request(new InvocationMessage("call-0821", "acme/lcr", callJson))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            answer(outcome);                                                // final, or the dead letter's last
        }

        assertEquals("a", ((Outcome.Ok) answered).data().at("/routing/egress_routing/0/card_id").asText());
        assertEquals(Duration.ofSeconds(3), TransportOptions.visibilityFor(Duration.ofSeconds(2)));
    }

    @Test
    void aScheduleRunsItsScriptAtEachSlot() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (Transport transport = new InMemoryTransport();
             Forge forge = Forge.builder().transport(transport).listener(event -> ran.countDown()).build();
             TransportWorker node = TransportWorker.start(forge, transport, "node-1")) {
            forge.load(Script.of("acme", "nightly-report", ScriptKind.APP,
                    "async function main(data) { await datastore.set('last', data); return data; }"));

            Scheduler scheduler = new Scheduler(transport).start();   // on every node; each slot still runs once
            scheduler.schedule("acme/nightly-report", CronExpression.parse("0 3 * *"), "{\"report\":\"cdr\"}");

            try {
                assertEquals(0, scheduler.fireDue(Instant.parse("2026-11-23T03:01:00Z")), "not a slot of 0 3 * *");
                assertEquals(1, scheduler.fireDue(Instant.parse("2026-11-23T03:00:30Z")));
                assertTrue(ran.await(20, TimeUnit.SECONDS), "the scheduled script did not run");
            } finally {
                scheduler.close();
            }
            Optional<String> last = forge.datastore().get("acme", "last").toCompletableFuture().get(10, TimeUnit.SECONDS);
            JsonNode data = Json.parse("last", last.orElseThrow());
            assertEquals("cdr", data.get("report").asText());
            assertEquals("2026-11-23T03:00:00Z", data.at("/schedule/slot").asText());
            DOC.assertMentions("{\"slot\":\"2026-11-22T11:30:00Z\",\"cron\":\"30 * * *\"}");
            assertEquals(data.at("/schedule/cron").asText(), "0 3 * *");
        }
    }

    @Test
    void everyJavaExampleRuns() {
        DOC.assertEveryJavaExampleIsIn(DurableDocTest.class, 2);
    }
}
