package dev.forge.bench;

import dev.forge.Outcome;
import dev.forge.redis.RedisDatastore;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.RedisTransport;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.Transport;
import dev.forge.spi.TransportOptions;
import dev.forge.testkit.TestRedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Invocations through the Redis transport and two real worker JVMs ({@code forge worker}), with failures
 * injected: about 1% of first attempts throw (retried), about 0.2% of messages always throw (dead-lettered
 * after 3 attempts), and one worker is killed with SIGKILL a third of the way through and started again.
 * Every message must end with a final outcome or as a dead letter; a message may run twice only if a worker
 * died holding it. Prints throughput and submit-to-outcome latency.
 *
 * <p>Run (after {@code mvn -B -q install -DskipTests}):
 * {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.RedisTransportLoad [N] [WINDOW]} (N = 100000 messages, at most WINDOW = 2000 waiting for their outcome at once).
 */
public final class RedisTransportLoad {

    private static final String SCRIPT = """
            // forge:type app
            async function main(d) {
              const runs = await datastore.incr('runs:' + d.i);
              if (d.i % 500 === 7) throw new Error('always fails: ' + d.i);
              if (d.i % 100 === 3 && runs === 1) throw new Error('fails once: ' + d.i);
              return {i: d.i, by: env.FORGE_NODE};
            }
            """;

    private RedisTransportLoad() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("forge-load-");
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(scripts.resolve("load.js"), SCRIPT);
        try (TestRedis redis = TestRedis.start()) {
            RedisEndpoint endpoint = RedisEndpoint.parse(redis.url());
            TransportOptions options = new TransportOptions(Duration.ofSeconds(3), 3, 256);
            List<Process> workers = new ArrayList<>(List.of(worker(redis, scripts, dir, "w1"), worker(redis, scripts, dir, "w2")));
            try (RedisTransport transport = new RedisTransport(endpoint, "load", options);
                 RedisDatastore store = new RedisDatastore(endpoint, "load")) {
                long[] latency = new long[n];
                Outcome[] outcomes = new Outcome[n];
                Semaphore window = new Semaphore(args.length > 1 ? Integer.parseInt(args[1]) : 2_000);
                List<CompletableFuture<Void>> all = new ArrayList<>(n);
                long start = System.nanoTime();
                boolean killed = false;
                for (int i = 0; i < n; i++) {
                    if (!killed && i == n / 3) {
                        workers.get(0).destroyForcibly().waitFor();
                        workers.set(0, worker(redis, scripts, dir, "w1-again"));
                        killed = true;
                    }
                    window.acquire();
                    int index = i;
                    long t0 = System.nanoTime();
                    all.add(transport.request(new InvocationMessage("load-" + i, "load", "{\"i\":" + i + "}"))
                            .toCompletableFuture().thenAccept(o -> {
                                latency[index] = System.nanoTime() - t0;
                                outcomes[index] = o;
                            }).whenComplete((v, e) -> window.release()));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
                double seconds = (System.nanoTime() - start) / 1e9;
                report(n, seconds, latency, outcomes, transport, store);
            } finally {
                workers.forEach(Process::destroyForcibly);
            }
        }
    }

    private static void report(int n, double seconds, long[] latency, Outcome[] outcomes, Transport transport,
                               RedisDatastore store) {
        Map<String, Integer> byKind = new TreeMap<>();
        int missing = 0;
        int alwaysFail = 0;
        for (int i = 0; i < n; i++) {
            if (outcomes[i] == null) {
                missing++;
            } else {
                byKind.merge(outcomes[i].name(), 1, Integer::sum);
            }
            if (i % 500 == 7) {
                alwaysFail++;
            }
        }
        int dead = transport.deadLetters(n).toCompletableFuture().join().size();
        int twice = 0;
        for (int i = 0; i < n; i++) {
            Optional<String> runs = store.get("worker", "runs:" + i).toCompletableFuture().join();
            int r = runs.map(Integer::parseInt).orElse(0);
            boolean injected = i % 500 == 7 || i % 100 == 3;
            if (!injected && r > 1) {
                twice++;
            }
        }
        long[] sorted = Arrays.stream(latency).filter(l -> l > 0).sorted().toArray();
        System.out.printf("RESULT %d invocations through 2 worker JVMs in %.1f s: %.0f/s; submit-to-outcome p50 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms%n", n, seconds, n / seconds,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
        System.out.printf("RESULT outcomes %s, without an outcome %d; dead letters %d (expected %d: the always-failing ones); "
                + "ran twice without an injected failure %d (only where a worker was killed)%n", byKind, missing, dead, alwaysFail, twice);
    }

    private static Process worker(TestRedis redis, Path scripts, Path dir, String node) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.forge.cli.ForgeCli", "worker", "--redis", redis.url(), "--scripts", scripts.toString(),
                "--node", node, "--prefix", "load", "--timeout", "2s")
                .redirectErrorStream(true).redirectOutput(dir.resolve(node + ".log").toFile()).start();
    }
}
