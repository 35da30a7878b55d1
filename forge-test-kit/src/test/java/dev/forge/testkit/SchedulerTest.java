package dev.forge.testkit;

import dev.forge.Forge;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.durable.CronExpression;
import dev.forge.durable.InMemoryTransport;
import dev.forge.durable.Scheduler;
import dev.forge.durable.TransportWorker;
import dev.forge.internal.Json;
import dev.forge.spi.TransportOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Schedules through a real transport and a real engine: each slot runs once however many nodes fire it,
 * and a failed run is retried.
 */
class SchedulerTest {

    @Test
    void aSlotRunsOnceAcrossNodesAndAFailedRunIsRetried() throws InterruptedException {
        TransportOptions options = new TransportOptions(Duration.ofMillis(300), 3, 16);
        BlockingQueue<String> outcomes = new LinkedBlockingQueue<>();
        try (InMemoryTransport transport = new InMemoryTransport(options);
             Forge forge = Forge.builder().build();
             Scheduler nodeA = new Scheduler(transport);
             Scheduler nodeB = new Scheduler(transport)) {
            // fails on its first attempt for each slot, succeeds on the retry
            forge.load(Script.of("acme", "report.js", ScriptKind.APP, "async function main(d) {\n"
                    + "  const n = await datastore.incr('attempts:' + d.schedule.slot);\n"
                    + "  if (n === 1) throw new Error('flaky upstream');\n"
                    + "  return {slot: d.schedule.slot, attempts: n, report: d.report};\n"
                    + "}"));
            CronExpression everyQuarter = CronExpression.parse("*/15 * * *");
            nodeA.schedule("acme/report.js", everyQuarter, "{\"report\":\"cdr\"}");
            nodeB.schedule("acme/report.js", everyQuarter, "{\"report\":\"cdr\"}");
            try (TransportWorker worker = TransportWorker.start(forge, transport, "node-a",
                    (delivery, outcome) -> outcomes.add(outcome.toJson()))) {
                Instant slot = Instant.parse("2026-11-22T11:30:00Z");
                assertEquals(1, nodeA.fireDue(slot.plusSeconds(7)));
                assertEquals(1, nodeB.fireDue(slot.plusSeconds(20)));
                assertEquals(0, nodeA.fireDue(Instant.parse("2026-11-22T11:31:00Z")), "not a slot");
                String first = outcomes.poll(10, TimeUnit.SECONDS);
                String second = outcomes.poll(10, TimeUnit.SECONDS);
                assertNotNull(second, "the failed run was delivered again");
                assertTrue(first.contains("flaky upstream"), first);
                Outcome done = Json.readOutcome(second);
                assertEquals("{\"slot\":\"2026-11-22T11:30:00Z\",\"attempts\":2,\"report\":\"cdr\"}",
                        ((Outcome.Ok) done).dataJson());
                assertNull(outcomes.poll(options.visibilityTimeout().toMillis() * 2, TimeUnit.MILLISECONDS),
                        "two nodes fired the slot, it ran once (and once more after its failure)");
                assertEquals(List.of(), transport.deadLetters(10).toCompletableFuture().join());
            }
        }
    }
}
