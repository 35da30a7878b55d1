package dev.forge.cli;

import dev.forge.Outcome;
import dev.forge.redis.RedisDatastore;
import dev.forge.redis.RedisEndpoint;
import dev.forge.testkit.TestRedisExtension;
import dev.forge.redis.RedisTransport;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.TransportOptions;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Must-show: kill -9 a worker JVM in the middle of an invocation; the message goes to another worker JVM and
 * its effect happens once. Both workers are real {@code forge worker} processes on a real Redis.
 */
class WorkerKillTest {

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();
    private final List<Process> workers = new ArrayList<>();

    @TempDir
    Path dir;



    private Process worker(String node, Path scripts) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.forge.cli.ForgeCli", "worker", "--redis", REDIS.server().url(), "--scripts", scripts.toString(),
                "--node", node, "--prefix", "kill", "--timeout", "2s")
                .redirectErrorStream(true).redirectOutput(dir.resolve(node + ".log").toFile()).start();
        workers.add(p);
        return p;
    }

    private static Optional<String> await(RedisDatastore store, String key, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            Optional<String> v = store.get("worker", key).toCompletableFuture().join();
            if (v.isPresent()) {
                return v;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return Optional.empty();
    }

    @Test
    void aKilledWorkersMessageRunsOnceOnAnother() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        // worker A starts the effect's invocation and then hangs; whoever runs it to the end writes the effect once
        Files.writeString(scripts.resolve("charge.js"), "// forge:type app\n"
                + "async function main(d) {\n"
                + "  await datastore.set('started:' + d.key, env.FORGE_NODE);\n"
                + "  if (env.FORGE_NODE === 'A') { await new Promise(() => {}); }\n"
                + "  await datastore.set('charge:' + d.key, {amount: d.amount, by: env.FORGE_NODE});\n"
                + "  await datastore.incr('charges');\n"
                + "  return {key: d.key, by: env.FORGE_NODE};\n"
                + "}\n");
        RedisEndpoint endpoint = RedisEndpoint.parse(REDIS.server().url());
        try (RedisTransport transport = new RedisTransport(endpoint, "kill", new TransportOptions(Duration.ofSeconds(3), 5, 16));
             RedisDatastore store = new RedisDatastore(endpoint, "kill")) {
            Process a = worker("A", scripts);
            CompletableFuture<Outcome> result = transport.request(
                    new InvocationMessage("order-42", "charge", "{\"key\":\"order-42\",\"amount\":12.5}"))
                    .toCompletableFuture();
            assertEquals(Optional.of("\"A\""), await(store, "started:order-42", Duration.ofSeconds(60)),
                    "worker A took the message; its log: " + log("A"));
            a.destroyForcibly();
            assertTrue(a.waitFor(20, TimeUnit.SECONDS), "worker A is gone (SIGKILL)");
            worker("B", scripts);
            Outcome outcome = result.get(60, TimeUnit.SECONDS);
            assertEquals("{\"key\":\"order-42\",\"by\":\"B\"}", ((Outcome.Ok) outcome).dataJson(), outcome.toJson());
            assertEquals(Optional.of("1"), store.get("worker", "charges").toCompletableFuture().join(), "the effect happened once");
            assertEquals(Optional.of("{\"amount\":12.5,\"by\":\"B\"}"),
                    store.get("worker", "charge:order-42").toCompletableFuture().join());
            // the same idempotency key again: nothing new is queued or run
            String again = transport.submit(new InvocationMessage("order-42", "charge", "{\"key\":\"order-42\"}"))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(again, transport.submit(new InvocationMessage("order-42", "charge", "{}"))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS));
            assertEquals(Optional.of("1"), store.get("worker", "charges").toCompletableFuture().join());
        } finally {
            workers.forEach(Process::destroyForcibly);
        }
    }

    private String log(String node) {
        try {
            return Files.readString(dir.resolve(node + ".log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

}
