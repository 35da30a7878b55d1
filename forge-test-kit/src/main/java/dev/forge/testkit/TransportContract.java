package dev.forge.testkit;

import dev.forge.Outcome;
import dev.forge.ScriptException;
import dev.forge.SipStatus;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.Transport;
import dev.forge.spi.Transport.Delivery;
import dev.forge.spi.TransportOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Transport} must do: final outcomes acknowledge, anything else is delivered again
 * until the attempts run out and the message becomes a dead letter, an unanswered delivery goes to
 * another node after the visibility timeout, idempotency keys queue once, the first final outcome wins,
 * each node holds at most {@code maxInFlight} messages, and {@link Transport#addListener listeners} hear each
 * delivery and dead letter. Extend it in the implementation's tests:
 *
 * <pre>{@code
 * class InMemoryTransportTest extends TransportContract {
 *     protected Transport newTransport(TransportOptions options) { return new InMemoryTransport(options); }
 * }
 * }</pre>
 *
 * <p>The suite asks for short visibility timeouts ({@link #QUICK}) so redelivery is quick; it waits on
 * events with bounded timeouts and never sleeps.
 *
 * <p>Thread-safety: JUnit runs each test on one thread; handlers run on the transport's threads.
 *
 * @since 0.1.0
 */
public abstract class TransportContract {

    /** Redelivery after 300 ms, three attempts, four messages in hand per node. */
    protected static final TransportOptions QUICK = new TransportOptions(Duration.ofMillis(300), 3, 4);

    private static final long WAIT_SECONDS = 20;

    private final List<Transport> transports = new ArrayList<>();

    /** A new, empty transport with these options; every transport a test makes is closed after it. */
    protected abstract Transport newTransport(TransportOptions options);

    private Transport transport(TransportOptions options) {
        Transport t = newTransport(options);
        transports.add(t);
        return t;
    }

    @AfterEach
    void closeTransports() {
        transports.forEach(Transport::close);
        transports.clear();
    }

    protected static InvocationMessage message(String key) {
        return new InvocationMessage(key, "routing", "{\"key\":\"" + key + "\"}");
    }

    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("transport operation did not complete within " + WAIT_SECONDS + " s: " + e, e);
        }
    }

    protected static <T> T take(BlockingQueue<T> queue) {
        try {
            T t = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(t, "nothing arrived within " + WAIT_SECONDS + " s");
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    protected static void awaitLatch(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "the event did not happen within " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    protected static Outcome ok(String json) {
        return new Outcome.Ok(json, 7);
    }

    private static Outcome failed(String why) {
        return new Outcome.Failed(new ScriptException(ScriptException.Kind.RUNTIME, why), 9);
    }

    @Test
    void anOkOutcomeCompletesTheRequest() {
        Transport t = transport(QUICK);
        t.consume("a", d -> CompletableFuture.completedFuture(ok("{\"route\":[1,2]}")));
        Outcome o = await(t.request(message("k1")));
        assertEquals("{\"outcome\":\"ok\",\"data\":{\"route\":[1,2]},\"micros\":7}", o.toJson());
        assertEquals(List.of(), await(t.deadLetters(10)));
    }

    @Test
    void aRejectionIsFinal() {
        Transport t = transport(QUICK);
        BlockingQueue<Delivery> seen = new LinkedBlockingQueue<>();
        t.consume("a", d -> {
            seen.add(d);
            return CompletableFuture.completedFuture(new Outcome.Rejected(new SipStatus(486, "Busy Here"), 3));
        });
        Outcome o = await(t.request(message("busy")));
        assertInstanceOf(Outcome.Rejected.class, o);
        assertEquals(486, o.sip().code());
        Delivery first = take(seen);
        assertEquals(1, first.attempt());
        assertEquals(message("busy"), first.message());
        assertEquals(List.of(), await(t.deadLetters(10)));
    }

    @Test
    void nonFinalOutcomesAreRedeliveredThenDeadLettered() {
        Transport t = transport(QUICK);
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        t.consume("a", d -> {
            attempts.add(d.attempt());
            switch (d.attempt()) {
                case 1:
                    throw new IllegalStateException("handler bug");
                case 2:
                    return CompletableFuture.completedFuture(new Outcome.TimedOut(SipStatus.DEFAULT_TIMEOUT_ACTION, 5));
                default:
                    return CompletableFuture.completedFuture(failed("boom"));
            }
        });
        Outcome o = await(t.request(message("flaky")));
        assertInstanceOf(Outcome.Failed.class, o, "the request ends with the dead letter's last outcome");
        assertTrue(((Outcome.Failed) o).error().getMessage().contains("boom"), o.toJson());
        assertEquals(List.of(1, 2, 3), attempts);
        List<Transport.DeadLetter> dead = await(t.deadLetters(10));
        assertEquals(1, dead.size());
        assertEquals(3, dead.get(0).attempts());
        assertEquals(message("flaky"), dead.get(0).message());
        assertEquals(o.toJson(), dead.get(0).lastOutcome().toJson());
    }

    @Test
    void aHandlerThatThrowsEveryTimeEndsAsAFailure() {
        Transport t = transport(QUICK);
        t.consume("a", d -> CompletableFuture.failedFuture(new IllegalStateException("no route")));
        Outcome o = await(t.request(message("throws")));
        assertInstanceOf(Outcome.Failed.class, o);
        assertTrue(((Outcome.Failed) o).error().getMessage().contains("no route"), o.toJson());
        assertEquals(QUICK.maxAttempts(), await(t.deadLetters(10)).get(0).attempts());
    }

    @Test
    void anUnansweredDeliveryGoesToAnotherNodeAfterTheVisibilityTimeout() {
        Transport t = transport(new TransportOptions(Duration.ofMillis(300), 3, 1));
        CountDownLatch stuck = new CountDownLatch(1);
        t.consume("stuck", d -> {
            stuck.countDown();
            return new CompletableFuture<>(); // never answers: its one slot stays taken
        });
        CompletionStage<Outcome> result = t.request(message("m"));
        awaitLatch(stuck);
        BlockingQueue<Delivery> healthy = new LinkedBlockingQueue<>();
        t.consume("healthy", d -> {
            healthy.add(d);
            return CompletableFuture.completedFuture(ok("\"done\""));
        });
        assertEquals("\"done\"", ((Outcome.Ok) await(result)).dataJson());
        assertEquals(2, take(healthy).attempt());
    }

    @Test
    void aSecondSubmitWithTheSameKeyQueuesNothing() {
        Transport t = transport(new TransportOptions(Duration.ofSeconds(30), 3, 1));
        String first = await(t.submit(message("same")));
        String second = await(t.submit(new InvocationMessage("same", "routing", "{\"other\":true}")));
        assertEquals(first, second);
        ConcurrentHashMap<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        t.consume("a", d -> {
            deliveries.computeIfAbsent(d.message().idempotencyKey(), k -> new AtomicInteger()).incrementAndGet();
            return CompletableFuture.completedFuture(ok("{}"));
        });
        // one node with one slot takes messages in order: once the marker is done, "same" had its chance twice
        await(t.request(message("marker")));
        assertEquals(1, deliveries.get("same").get());
        assertEquals(first, await(t.submit(message("same"))), "a key already done still returns the first id");
    }

    @Test
    void theFirstFinalOutcomeWins() {
        Transport t = transport(new TransportOptions(Duration.ofMillis(300), 5, 1));
        BlockingQueue<Held> held = new LinkedBlockingQueue<>();
        Handler holding = d -> {
            CompletableFuture<Outcome> f = new CompletableFuture<>();
            held.add(new Held(d, f));
            return f;
        };
        t.consume("a", holding::handle);
        t.consume("b", holding::handle);
        CompletionStage<Outcome> result = t.request(message("race"));
        Held first = take(held);
        Held second = take(held); // the other node, once the first delivery's visibility timeout passed
        assertEquals(1, first.delivery.attempt());
        assertEquals(2, second.delivery.attempt());
        second.answer.complete(ok("\"second\""));
        assertEquals("\"second\"", ((Outcome.Ok) await(result)).dataJson());
        first.answer.complete(ok("\"first\""));
        assertEquals("\"second\"", ((Outcome.Ok) await(t.request(message("race")))).dataJson());
        assertEquals(List.of(), await(t.deadLetters(10)));
    }

    @Test
    void maxInFlightBoundsWhatOneNodeHolds() {
        Transport t = transport(new TransportOptions(Duration.ofSeconds(30), 3, 2));
        AtomicInteger inHand = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        BlockingQueue<CompletableFuture<Outcome>> held = new LinkedBlockingQueue<>();
        t.consume("a", d -> {
            most.accumulateAndGet(inHand.incrementAndGet(), Math::max);
            CompletableFuture<Outcome> f = new CompletableFuture<>();
            held.add(f);
            return f;
        });
        List<CompletableFuture<Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(t.request(message("n" + i)).toCompletableFuture());
        }
        List<CompletableFuture<Outcome>> window = new ArrayList<>(List.of(take(held), take(held)));
        for (int i = 0; i < 6; i++) {
            CompletableFuture<Outcome> oldest = window.remove(0);
            inHand.decrementAndGet();
            oldest.complete(ok(Integer.toString(i)));
            if (i < 4) {
                window.add(take(held));
            }
        }
        results.forEach(r -> assertInstanceOf(Outcome.Ok.class, await(r)));
        assertEquals(2, most.get(), "at most maxInFlight deliveries in hand at once");
    }

    @Test
    void aClosedConsumerGetsNothingMoreAndItsMessagesGoElsewhere() throws Exception {
        Transport t = transport(QUICK);
        CountDownLatch taken = new CountDownLatch(1);
        AtomicBoolean closed = new AtomicBoolean();
        AtomicInteger afterClose = new AtomicInteger();
        AutoCloseable a = t.consume("a", d -> {
            if (closed.get()) {
                afterClose.incrementAndGet();
            }
            taken.countDown();
            return new CompletableFuture<>();
        });
        CompletionStage<Outcome> result = t.request(message("handover"));
        awaitLatch(taken);
        a.close();
        a.close(); // idempotent
        closed.set(true);
        BlockingQueue<Delivery> b = new LinkedBlockingQueue<>();
        t.consume("b", d -> {
            b.add(d);
            return CompletableFuture.completedFuture(ok("\"b\""));
        });
        assertEquals("\"b\"", ((Outcome.Ok) await(result)).dataJson());
        assertTrue(take(b).attempt() >= 2);
        assertEquals(0, afterClose.get(), "a closed consumer got a delivery");
        assertFalse(await(t.deadLetters(10)).stream().anyMatch(dl -> dl.message().idempotencyKey().equals("handover")));
    }

    @Test
    void listenersHearEachDeliveryWithItsLagAndEachDeadLetterOnce() throws Exception {
        Transport t = transport(QUICK);
        BlockingQueue<Delivery> delivered = new LinkedBlockingQueue<>();
        List<Duration> lags = new CopyOnWriteArrayList<>();
        BlockingQueue<Transport.DeadLetter> dead = new LinkedBlockingQueue<>();
        AutoCloseable listening = t.addListener(new Transport.Listener() {
            @Override
            public void onDelivery(Delivery delivery, Duration lag) {
                lags.add(lag);
                delivered.add(delivery);
            }

            @Override
            public void onDeadLetter(Transport.DeadLetter letter) {
                dead.add(letter);
            }
        });
        t.consume("a", d -> CompletableFuture.completedFuture(
                d.message().idempotencyKey().equals("bad") ? failed("boom") : ok("\"fine\"")));

        await(t.request(message("good")));
        Delivery good = take(delivered);
        assertEquals(message("good"), good.message());
        assertEquals(1, good.attempt());

        Outcome last = await(t.request(message("bad")));
        for (int attempt = 1; attempt <= QUICK.maxAttempts(); attempt++) {
            Delivery d = take(delivered);
            assertEquals(message("bad"), d.message());
            assertEquals(attempt, d.attempt());
        }
        Transport.DeadLetter letter = take(dead);
        assertEquals(message("bad"), letter.message());
        assertEquals(QUICK.maxAttempts(), letter.attempts());
        assertEquals(last.toJson(), letter.lastOutcome().toJson());
        for (int i = 0; i < lags.size(); i++) {
            assertFalse(lags.get(i).isNegative(), lags::toString);
            // each attempt's lag counts from the same submission, so it never shrinks
            assertTrue(i < 2 || lags.get(i).compareTo(lags.get(i - 1)) >= 0, lags::toString);
        }

        listening.close();
        await(t.request(message("after")));
        // a delivery is told before its handler runs, so it would be here by now
        assertTrue(delivered.isEmpty(), () -> "a removed listener heard " + delivered);
        assertTrue(dead.isEmpty(), () -> "one dead letter, told once: " + dead);
    }

    private record Held(Delivery delivery, CompletableFuture<Outcome> answer) {
    }

    private interface Handler {
        CompletionStage<Outcome> handle(Delivery d);
    }
}
