package dev.forge.cli;

import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.redis.RedisTransport;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.TransportOptions;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code forge submit}: queues one invocation on the Redis transport; with {@code --wait}, waits for its
 * outcome and prints it as {@code forge run} does, exiting with its status.
 *
 * <p>Thread-safety: runs on the calling thread.
 */
final class SubmitCommand {

    static final String USAGE = """
            forge submit --redis URL --script NAME [--data JSON | --data @FILE] [--key K] [--wait] [--wait-for 60s]
                         [--prefix forge]
              Queues an invocation of NAME for the workers and prints its id; the same --key queues it once.
              With --wait, prints {"outcome":...,"micros":N} once a worker answers finally (or it is dead-lettered)
              and exits as forge run does: 0 ok, 2 rejected, 3 timeout, 4 error, 5 overloaded; after --wait-for
              with no answer (no worker running?) it exits 70.""";

    private SubmitCommand() {
    }

    static int run(List<String> tokens, PrintStream out) {
        Set<String> flags = new HashSet<>(TransportFlags.FLAGS);
        flags.addAll(Set.of("--script", "--data", "--key", "--wait-for"));
        Args args = Args.parse("submit", tokens, flags, Set.of("--wait"));
        args.noPositionals();
        TransportFlags transportFlags = TransportFlags.parse(args);
        String script = args.value("--script").orElseThrow(() -> new UsageException("--script: required, the script's name"));
        String data = args.value("--data").map(ScriptOptions::data).orElse(ScriptOptions.DEFAULT_DATA);
        String key = args.value("--key").orElseGet(() -> UUID.randomUUID().toString());
        InvocationMessage message = ScriptOptions.flag("--key", () -> new InvocationMessage(key, script, data));
        Duration waitFor = ScriptOptions.flag("--wait-for", () -> Limits.parseDuration("--wait-for",
                args.value("--wait-for").orElse("60s")));
        try (RedisTransport transport = transportFlags.open(TransportOptions.DEFAULT)) {
            if (args.has("--wait")) {
                Outcome outcome;
                try {
                    outcome = transport.request(message).toCompletableFuture().get(waitFor.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("no answer for " + key + " within " + waitFor.toSeconds()
                            + " s; is a worker running for " + transportFlags.endpoint() + " with prefix "
                            + transportFlags.prefix() + "?");
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + key, e);
                }
                out.println(outcome.toJson());
                out.flush();
                return ExitCode.of(outcome);
            }
            out.println(transport.submit(message).toCompletableFuture().join());
            out.flush();
            return ExitCode.OK;
        } catch (CompletionException e) {
            throw new IllegalStateException(e.getCause() == null ? e.getMessage() : e.getCause().getMessage(), e);
        }
    }
}
