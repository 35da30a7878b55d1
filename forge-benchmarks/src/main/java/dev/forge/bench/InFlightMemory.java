package dev.forge.bench;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Isolation;
import dev.forge.InMemoryDatastore;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Memory of {@value #N} invocations in flight on one App isolate: each has started, touched the datastore
 * and now awaits a long timer. Prints the process's RSS growth and the Java heap growth per in-flight
 * invocation, then lets them all time out and checks they did.
 *
 * <p>Run: {@code java -cp forge-benchmarks/target/benchmarks.jar dev.forge.bench.InFlightMemory}
 */
public final class InFlightMemory {

    static final int N = 1000;

    private InFlightMemory() {
    }

    public static void main(String[] args) throws Exception {
        InMemoryDatastore datastore = new InMemoryDatastore();
        try (Forge forge = Forge.builder().datastore(datastore)
                .engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build()).build()) {
            forge.load(Script.of("bench", "wait.js", ScriptKind.APP, """
                    async function main(data) {
                      const calls = await datastore.incr('started');
                      const context = {call: data.i, route: data.routing, seen: calls};
                      await new Promise(resolve => setTimeout(resolve, 60000));
                      return context;
                    }
                    """));
            String data = Routing.DATA.substring(0, Routing.DATA.length() - 1);
            // warm: one isolate, one call
            forge.invoke(Invocation.builder("bench/wait.js").data(data + ",\"i\":-1}").timeout(Duration.ofMillis(50)).build());
            datastore.delete("bench", "started").toCompletableFuture().join();
            long rssBefore = rssKib();
            long heapBefore = usedHeap();
            List<CompletableFuture<Outcome>> all = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                all.add(forge.invokeAsync(Invocation.builder("bench/wait.js").data(data + ",\"i\":" + i + "}")
                        .timeout(Duration.ofSeconds(20)).build()));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (started(datastore) < N && System.nanoTime() < until) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            if (started(datastore) < N) {
                throw new IllegalStateException("only " + started(datastore) + " of " + N + " invocations started");
            }
            long rssAfter = rssKib();
            long heapAfter = usedHeap();
            System.out.printf("RESULT %d in-flight invocations on one isolate (live isolates %d): RSS +%.1f MiB "
                            + "(%.1f KiB each), Java heap +%.1f MiB (%.1f KiB each)%n",
                    N, forge.stats().liveIsolates(), (rssAfter - rssBefore) / 1024.0, (rssAfter - rssBefore) / (double) N,
                    (heapAfter - heapBefore) / 1048576.0, (heapAfter - heapBefore) / 1024.0 / N);
            forge.close();
            long cancelled = all.stream().map(CompletableFuture::join).filter(o -> !o.isOk()).count();
            System.out.printf("after close: %d of %d ended without an answer, as they should%n", cancelled, N);
        }
    }

    private static long started(InMemoryDatastore datastore) {
        Optional<String> v = datastore.get("bench", "started").toCompletableFuture().join();
        return v.map(Long::parseLong).orElse(0L);
    }

    private static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long rssKib() throws Exception {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
