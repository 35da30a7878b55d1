package dev.forge.testkit;

import dev.forge.Forge;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.durable.InMemoryTransport;
import dev.forge.durable.TransportWorker;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.Transport;
import dev.forge.spi.TransportOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * A script that times out on every delivery, through the transport and the real engine: it is delivered
 * again after the visibility timeout and dead-lettered after the last attempt, with its last outcome.
 */
class TransportWorkerTest {

    @Test
    void aTimedOutInvocationIsRedeliveredThenDeadLettered() throws Exception {
        Limits limits = new Limits(Duration.ofMillis(100), Limits.DEFAULT_HEAP_BYTES);
        TransportOptions options = new TransportOptions(TransportOptions.visibilityFor(limits.timeout()), 3, 8);
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        try (InMemoryTransport transport = new InMemoryTransport(options);
             Forge forge = Forge.builder().limits(limits).build()) {
            forge.load(Script.of("acme", "spin.js", ScriptKind.SCRIPT, "function main(d) { for (;;) {} }"));
            try (TransportWorker worker = TransportWorker.start(forge, transport, "node-1",
                    (delivery, outcome) -> attempts.add(delivery.attempt()))) {
                Outcome last = transport.request(new InvocationMessage("spin-1", "acme/spin.js", "{}"))
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                assertInstanceOf(Outcome.TimedOut.class, last, last.toJson());
                assertEquals(List.of(1, 2, 3), attempts);
                List<Transport.DeadLetter> dead = transport.deadLetters(10).toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(1, dead.size());
                assertEquals(3, dead.get(0).attempts());
                assertEquals("timeout", dead.get(0).lastOutcome().name());
            }
        }
    }
}
