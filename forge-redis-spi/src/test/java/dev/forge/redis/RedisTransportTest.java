package dev.forge.redis;

import dev.forge.testkit.TestRedisExtension;
import dev.forge.testkit.TransportContract;
import dev.forge.Outcome;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.RedisTransport;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.Transport;
import dev.forge.spi.TransportOptions;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Redis transport passes the contract on a real server, and loses nothing when the server restarts. */
class RedisTransportTest extends TransportContract {

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();



    @Override
    protected Transport newTransport(TransportOptions options) {
        return new RedisTransport(RedisEndpoint.parse(REDIS.server().url()), "test-" + UUID.randomUUID(), options);
    }

    @Test
    void everyMessageReachesAnOutcomeAcrossARestart() {
        assumeTrue(REDIS.server().managed(), "needs a Redis server this test can restart");
        try (Transport t = newTransport(new TransportOptions(Duration.ofSeconds(2), 5, 16))) {
            List<InvocationMessage> messages = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                messages.add(new InvocationMessage("call-" + i, "routing", "{\"n\":" + i + "}"));
            }
            List<CompletableFuture<String>> ids = new ArrayList<>();
            messages.forEach(m -> ids.add(t.submit(m).toCompletableFuture()));
            ids.forEach(TransportContract::await);
            List<CompletableFuture<Outcome>> results = new ArrayList<>();
            messages.forEach(m -> results.add(t.request(m).toCompletableFuture()));

            // after 100 deliveries, answers wait for the restart: messages are in hand while Redis is away
            CountDownLatch someDone = new CountDownLatch(100);
            CompletableFuture<Void> restarted = new CompletableFuture<>();
            Transport.Handler handler = d -> {
                Outcome ok = ok(d.message().dataJson());
                if (someDone.getCount() == 0) {
                    return restarted.thenApply(v -> ok);
                }
                someDone.countDown();
                return CompletableFuture.completedFuture(ok);
            };
            t.consume("a", handler);
            t.consume("b", handler);
            awaitLatch(someDone);
            REDIS.server().restart();
            restarted.complete(null);

            for (int i = 0; i < results.size(); i++) {
                Outcome o = await(results.get(i));
                assertEquals("{\"n\":" + i + "}", ((Outcome.Ok) o).dataJson());
            }
            assertEquals(List.of(), await(t.deadLetters(10)));
        }
    }
}
