package dev.forge.cli;

import dev.forge.testkit.TestRedisExtension;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code forge worker} and {@code forge submit} in-process, on a real Redis. */
class WorkerSubmitCommandTest {

    @RegisterExtension
    static final TestRedisExtension REDIS = new TestRedisExtension();

    @TempDir
    Path dir;



    @Test
    void aWorkerAnswersWhatIsSubmitted() throws Exception {
        Files.writeString(dir.resolve("route.js"), "function main(d) { d.routing.gw = 'gw-' + d.n; return d; }");
        Files.writeString(dir.resolve("busy.js"), "function main(d) { throw '486 Busy Here'; }");
        Files.writeString(dir.resolve("data.json"), "{\"routing\":{},\"n\":7}");
        String prefix = "cli-" + UUID.randomUUID();

        ByteArrayOutputStream workerErr = new ByteArrayOutputStream();
        CompletableFuture<Integer> worker = CompletableFuture.supplyAsync(() -> {
            try (PrintStream err = new PrintStream(workerErr, true, StandardCharsets.UTF_8)) {
                return ForgeCli.run(new String[]{"worker", "--redis", REDIS.server().url(), "--scripts", dir.toString(),
                        "--node", "w1", "--prefix", prefix, "--max", "2"}, System.out, err);
            }
        });

        CliRun ok = submit(worker, workerErr, "submit", "--redis", REDIS.server().url(), "--prefix", prefix, "--script", "route",
                "--data", "@" + dir.resolve("data.json"), "--key", "call-1", "--wait");
        assertEquals(ExitCode.OK, ok.exit(), ok::toString);
        assertEquals("gw-7", ok.json().path("data").path("routing").path("gw").asText(), ok::toString);

        CliRun busy = submit(worker, workerErr, "submit", "--redis", REDIS.server().url(), "--prefix", prefix, "--script", "busy.js", "--wait");
        assertEquals(ExitCode.REJECTED, busy.exit(), busy::toString);
        assertEquals(486, busy.json().path("sip").path("code").asInt(), busy::toString);

        CliRun again = CliRun.of("submit", "--redis", REDIS.server().url(), "--prefix", prefix, "--script", "route",
                "--key", "call-1");
        assertEquals(ExitCode.OK, again.exit(), again::toString);

        assertEquals(ExitCode.OK, worker.get(30, TimeUnit.SECONDS));
        String lines = workerErr.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("w1 ") && lines.contains(" route attempt 1: {\"outcome\":\"ok\""), lines);
        assertTrue(lines.contains(" busy.js attempt 1: {\"outcome\":\"rejected\""), lines);
    }

    /** Runs a submit, bounded: if no answer comes, says what the worker did. */
    private static CliRun submit(CompletableFuture<Integer> worker, ByteArrayOutputStream workerErr, String... args)
            throws InterruptedException, ExecutionException {
        try {
            return CompletableFuture.supplyAsync(() -> CliRun.of(args)).get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no outcome within 30 s; worker " + (worker.isDone() ? "exited " + worker.join()
                    : "still running") + ", its stderr:\n" + workerErr.toString(StandardCharsets.UTF_8), e);
        }
    }

    @Test
    void usageErrorsNameTheFlag() throws IOException {
        CliRun noRedis = CliRun.of("submit", "--script", "route");
        assertEquals(ExitCode.USAGE, noRedis.exit());
        assertTrue(noRedis.err().contains("--redis: required"), noRedis::toString);

        CliRun noScripts = CliRun.of("worker", "--redis", "localhost:6379/0", "--scripts", dir.resolve("none").toString());
        assertEquals(ExitCode.USAGE, noScripts.exit());
        assertTrue(noScripts.err().contains("--scripts: no such directory"), noScripts::toString);

        Files.writeString(dir.resolve("bad.js"), "// forge:type robot\nfunction main(d) { return d; }");
        CliRun badType = CliRun.of("worker", "--redis", "localhost:6379/0", "--scripts", dir.toString());
        assertEquals(ExitCode.USAGE, badType.exit());
        assertTrue(badType.err().contains("--scripts: ") && badType.err().contains("bad.js"), badType::toString);
    }

    @Test
    void waitingWithoutAWorkerEndsAfterWaitFor() {
        CliRun run = CliRun.of("submit", "--redis", REDIS.server().url(), "--prefix", "nobody-" + System.nanoTime(),
                "--script", "route", "--wait", "--wait-for", "300ms");
        assertEquals(ExitCode.INTERNAL, run.exit(), run::toString);
        assertTrue(run.err().contains("no answer for") && run.err().contains("is a worker running"), run::toString);
    }
}
