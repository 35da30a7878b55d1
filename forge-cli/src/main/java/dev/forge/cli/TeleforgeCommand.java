package dev.forge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.internal.Json;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.teleforge.TeleforgeCodec;
import dev.forge.redis.teleforge.TeleforgeListener;
import dev.forge.redis.teleforge.TeleforgeNotification;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code forge teleforge listen}: receives Teleforge's Redis notifications and prints each as one JSON line:
 * {@code {"key":..., "type":..., "record":"InboundCall", <the record's fields by their Java names>, "extra":{...}}}
 * (see {@link TeleforgeCodec#fields}). A malformed notification is reported on stderr as a WARN line and
 * skipped. Runs until interrupted, or until {@code --max} notifications were printed.
 *
 * <p>It pops the lists: while it runs, no other integrator receives those notifications.
 *
 * <p>Thread-safety: one use per call of {@link #run}; output lines are written whole, one at a time.
 */
final class TeleforgeCommand {

    static final String USAGE = """
            forge teleforge listen --redis <host:port/db | redis://...> [--max N]
              Pops Teleforge's notification lists and subscribes to its agent and campaign channels; prints each
              notification as one JSON line, malformed ones as a WARN on stderr. Ends after N with --max.""";

    private TeleforgeCommand() {
    }

    static int run(List<String> tokens, PrintStream out, PrintStream err) throws InterruptedException {
        Args args = Args.parse("teleforge", tokens, Set.of("--redis", "--max"), Set.of());
        String sub = args.onePositional("listen");
        if (!sub.equals("listen")) {
            throw new UsageException("unknown subcommand '" + sub + "'; usage: " + USAGE.lines().findFirst().orElseThrow());
        }
        String address = args.value("--redis").orElseThrow(() ->
                new UsageException("--redis: missing; give the PBX's Redis as host:port/db (e.g. localhost:6379/0) or redis://host:port/db"));
        RedisEndpoint endpoint;
        try {
            endpoint = RedisEndpoint.parse(address);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--redis: " + e.getMessage());
        }
        int max = args.positiveInt("--max", Integer.MAX_VALUE);
        reachable(endpoint);

        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger printed = new AtomicInteger();
        TeleforgeListener.Builder builder = TeleforgeListener.builder(endpoint).onMalformed(e -> {
            synchronized (out) {
                err.println("WARN forge teleforge: skipped a malformed notification on " + e.key() + ": " + e.reason()
                        + "; raw: " + e.raw());
            }
        });
        try (TeleforgeListener listener = builder.start(n -> {
            synchronized (out) {
                if (printed.get() >= max) {
                    return;
                }
                out.println(line(n));
                out.flush();
                if (printed.incrementAndGet() >= max) {
                    done.countDown();
                }
            }
        })) {
            done.await();
        }
        return ExitCode.OK;
    }

    /** Fails fast on a wrong address; once running, the listener rides out outages by reconnecting. */
    private static void reachable(RedisEndpoint endpoint) {
        try (JedisPooled jedis = endpoint.connect()) {
            jedis.ping();
        } catch (JedisException e) {
            throw new IllegalStateException("cannot reach Redis at " + endpoint + ": " + e.getMessage());
        }
    }

    /** The printed form of one notification. */
    static String line(TeleforgeNotification n) {
        ObjectNode line = Json.object();
        line.put("key", n.key());
        line.put("type", n.type());
        line.put("record", n.getClass().getSimpleName());
        line.setAll(TeleforgeCodec.fields(n));
        return Json.write(line);
    }
}
