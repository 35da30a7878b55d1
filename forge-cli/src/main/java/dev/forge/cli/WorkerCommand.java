package dev.forge.cli;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.durable.TransportWorker;
import dev.forge.redis.RedisDatastore;
import dev.forge.redis.RedisTransport;
import dev.forge.spi.TransportOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code forge worker}: a node that consumes invocations from the Redis transport and runs them on a
 * Forge, printing one line per outcome on stderr. Runs until killed, or until {@code --max} outcomes.
 *
 * <p>Thread-safety: runs on the calling thread, which waits; deliveries run on the transport's threads.
 */
final class WorkerCommand {

    static final String USAGE = """
            forge worker --redis URL --scripts DIR [--node NAME] [--prefix forge] [--timeout 2s] [--max N]
                         [--isolation process|in-process] [--confinement best-effort|required|none]
              Consumes invocations for the scripts in DIR (named by file name, with or without .js; an app if
              its first line is // forge:type app). Prints one line per outcome on stderr.
              Messages not answered finally go to another worker after the timeout plus a second.
              Scripts' datastore is the same Redis; env.FORGE_NODE names the node running them.""";

    private static final Pattern TYPE_LINE = Pattern.compile("^//\\s*forge:type\\s+(\\w+)\\s*$");

    private WorkerCommand() {
    }

    static int run(List<String> tokens, PrintStream err) throws InterruptedException {
        Set<String> flags = new HashSet<>(TransportFlags.FLAGS);
        flags.addAll(Set.of("--scripts", "--node", "--timeout", "--max", IsolationFlag.NAME, IsolationFlag.CONFINEMENT));
        Args args = Args.parse("worker", tokens, flags, Set.of());
        args.noPositionals();
        TransportFlags transportFlags = TransportFlags.parse(args);
        Path dir = Path.of(args.value("--scripts").orElseThrow(() -> new UsageException("--scripts: required, a directory of .js files")));
        String node = args.value("--node").orElseGet(WorkerCommand::defaultNode);
        Map<String, Script> scripts = scripts(dir);
        // a script can tell which node runs it (env.FORGE_NODE), e.g. to log where an effect happened
        scripts.replaceAll((name, script) -> script.withEnv(Map.of("FORGE_NODE", node)));
        Limits limits = ScriptOptions.flag("--timeout", () -> new Limits(
                Limits.parseDuration("--timeout", args.value("--timeout").orElse("2s")), Limits.DEFAULT_HEAP_BYTES));
        int max = args.positiveInt("--max", Integer.MAX_VALUE);
        IsolationFlag.Choice isolation = IsolationFlag.parse(args);
        TransportOptions options = new TransportOptions(TransportOptions.visibilityFor(limits.timeout()),
                TransportOptions.DEFAULT.maxAttempts(), TransportOptions.DEFAULT.maxInFlight());

        CountDownLatch done = new CountDownLatch(max == Integer.MAX_VALUE ? 1 : max);
        // the node's datastore is the same Redis, so every node sees what any node's scripts stored
        try (RedisDatastore datastore = new RedisDatastore(transportFlags.endpoint(), transportFlags.prefix());
             Forge forge = Forge.builder().limits(limits).datastore(datastore)
                     .engineOptions(isolation.applyTo(EngineOptions.builder()).build()).build();
             RedisTransport transport = transportFlags.open(options)) {
            scripts.values().forEach(forge::load);
            err.println("forge worker " + node + ": " + scripts.size() + " scripts from " + dir + ", consuming from "
                    + transportFlags.endpoint() + " prefix " + transportFlags.prefix());
            // a message names a script by file name, with or without .js; unknown names fail and go to other workers
            Function<String, String> ids = name -> {
                Script script = scripts.get(baseName(name));
                return script == null ? name : script.id();
            };
            try (TransportWorker worker = TransportWorker.start(forge, transport, node, ids, (d, o) -> {
                err.println(node + " " + d.id() + " " + d.message().scriptId() + " attempt " + d.attempt() + ": " + o.toJson());
                if (max != Integer.MAX_VALUE) {
                    done.countDown();
                }
            })) {
                done.await();
            }
        }
        return ExitCode.OK;
    }

    /** The .js files in {@code dir} by name without .js. */
    static Map<String, Script> scripts(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--scripts: no such directory '" + dir + "'");
        }
        Map<String, Script> scripts = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".js")).sorted().toList()) {
                String source = Files.readString(file, StandardCharsets.UTF_8);
                String name = baseName(file.getFileName().toString());
                scripts.put(name, Script.of("worker", name, kind(file, source), source));
            }
        } catch (IOException e) {
            throw new UsageException("--scripts: cannot read '" + dir + "': " + e.getMessage());
        }
        if (scripts.isEmpty()) {
            throw new UsageException("--scripts: no .js files in '" + dir + "'");
        }
        return scripts;
    }

    private static ScriptKind kind(Path file, String source) {
        String first = source.lines().findFirst().orElse("").trim();
        var m = TYPE_LINE.matcher(first);
        if (!m.matches()) {
            return ScriptKind.SCRIPT;
        }
        return ScriptOptions.flag("--scripts", () -> {
            try {
                return ScriptKind.parse(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage());
            }
        });
    }

    private static String baseName(String name) {
        return name.endsWith(".js") ? name.substring(0, name.length() - 3) : name;
    }

    private static String defaultNode() {
        String host = System.getenv("HOSTNAME");
        return "worker-" + (host == null || host.isBlank() ? "" : host + "-") + ProcessHandle.current().pid();
    }
}
