package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.EgressPolicy;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InMemoryDatastore;
import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.SipStatus;
import dev.forge.internal.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What {@code forge run} and {@code forge bench} share: the script file, its data, its type and limits.
 * Parsing checks everything before an engine starts, so a usage error never waits for V8.
 *
 * <p>Thread-safety: immutable.
 *
 * @param script        the script, id {@code cli/<file name>}
 * @param dataJson      the call's data, checked to be JSON
 * @param limits        the Forge's default limits (V8's heap ceiling is taken from them)
 * @param timeoutAction the timeout action, or {@code null} for {@link SipStatus#DEFAULT_TIMEOUT_ACTION}
 * @param egress        the destinations {@code fetch} may reach ({@code --allow-host})
 * @param datastore     the datastore, preloaded from {@code --datastore @FILE}
 * @param engines       where V8 runs and how it is confined ({@code --isolation}, {@code --confinement}); more
 *                      than one only for {@code forge bench}
 */
record ScriptOptions(Script script, String dataJson, Limits limits, SipStatus timeoutAction, EgressPolicy egress,
                     InMemoryDatastore datastore, List<IsolationFlag.Choice> engines) {

    /** The tenant the CLI's scripts are stored under. */
    static final String TENANT = "cli";

    /** The data a script gets without {@code --data}. */
    static final String DEFAULT_DATA = "{\"routing\":{}}";

    /** The flags this record reads; commands add their own. */
    static final Set<String> FLAGS = Set.of("--data", "--type", "--timeout", "--memory", "--timeout-action",
            "--allow-host", "--env", "--datastore", IsolationFlag.NAME, IsolationFlag.CONFINEMENT);

    /** The flags that may be given more than once. */
    static final Set<String> REPEATABLE = Set.of("--allow-host", "--env");

    static ScriptOptions parse(Args args) {
        return parse(args, Path.of(args.onePositional("FILE.js")),
                flag("--type", () -> ScriptKind.parse(args.value("--type").orElse("script"))));
    }

    /** For commands whose positionals or type are their own (e.g. {@code forge driver}). */
    static ScriptOptions parse(Args args, Path file, ScriptKind kind) {
        String source = readFile("FILE.js", file);
        if (source.isBlank()) {
            throw new UsageException("FILE.js: '" + file + "' is empty; a script needs a main function");
        }
        String data = args.value("--data").map(ScriptOptions::data).orElse(DEFAULT_DATA);
        Limits limits = flag("--memory", () -> new Limits(
                Limits.parseDuration("--timeout", args.value("--timeout").orElse("2s")),
                Limits.parseBytes("--memory", args.value("--memory").orElse("100m"))));
        SipStatus action = args.value("--timeout-action")
                .map(text -> flag("--timeout-action", () -> SipStatus.parse("--timeout-action", text)))
                .orElse(null);
        Path name = file.getFileName();
        Script script = flag("FILE.js", () -> Script.of(TENANT, name == null ? file.toString() : name.toString(), kind, source));
        Map<String, String> env = env(args.values("--env"));
        if (!env.isEmpty()) {
            script = script.withEnv(env);
        }
        EgressPolicy.Builder egress = EgressPolicy.builder();
        for (String hostPort : args.values("--allow-host")) {
            flag("--allow-host", () -> egress.allow(TENANT, hostPort));
        }
        InMemoryDatastore datastore = new InMemoryDatastore();
        args.value("--datastore").ifPresent(value -> preload(datastore, value));
        return new ScriptOptions(script, data, limits, action, egress.build(), datastore, IsolationFlag.parseAll(args));
    }

    /**
     * A Forge for one command-line run: these limits as its defaults (they set V8's heap ceiling), this
     * egress and this datastore, and one isolate process with no spare (one call needs no replacement ready).
     */
    Forge forge() {
        return forge(EngineOptions.builder().threads(1).maxIsolates(4).processes(1).spares(0).build());
    }

    /** As {@link #forge()}, with these engine options (the command line's isolation and confinement win). */
    Forge forge(EngineOptions engine) {
        return forge(engine, IsolationFlag.single(engines));
    }

    /** As {@link #forge()}, with these engine options, isolation and confinement. */
    Forge forge(EngineOptions engine, IsolationFlag.Choice choice) {
        return Forge.builder()
                .limits(limits)
                .egress(egress)
                .datastore(datastore)
                .engineOptions(choice.applyTo(engine.toBuilder()).build())
                .build();
    }

    private static Map<String, String> env(List<String> pairs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--env: '" + pair + "' is not KEY=VALUE");
            }
            String key = pair.substring(0, eq);
            if (Script.RESERVED_ENV.contains(key)) {
                throw new UsageException("--env: '" + key + "' is set by Forge for every script (reserved: "
                        + String.join(", ", new TreeSet<>(Script.RESERVED_ENV)) + "); choose another name");
            }
            env.put(key, pair.substring(eq + 1));
        }
        return env;
    }

    /** {@code --datastore @FILE}: a JSON object whose keys and values are stored for tenant {@value #TENANT}. */
    private static void preload(InMemoryDatastore datastore, String value) {
        if (!value.startsWith("@")) {
            throw new UsageException("--datastore: give a file as @FILE, got '" + value + "'");
        }
        String text = readFile("--datastore", Path.of(value.substring(1)));
        JsonNode tree = flag("--datastore", () -> Json.parse("--datastore", text));
        if (!tree.isObject()) {
            throw new UsageException("--datastore: the file must hold a JSON object of keys and values, got " + tree.getNodeType());
        }
        tree.fields().forEachRemaining(e -> flag("--datastore", () ->
                datastore.set(TENANT, e.getKey(), Json.write(e.getValue()), null).toCompletableFuture().join()));
    }

    static String data(String value) {
        String text = value.startsWith("@") ? readFile("--data", Path.of(value.substring(1))) : value;
        flag("--data", () -> Json.parse("--data", text));
        return text;
    }

    private static String readFile(String field, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(field + ": no such file '" + file + "'");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException(field + ": cannot read '" + file + "': " + e.getMessage());
        }
    }

    /**
     * Runs a parser and turns its {@link IllegalArgumentException} into a usage error that starts with the
     * flag's name (the API's parsers name their own field, e.g. {@code type:}; the CLI user knows the flag).
     */
    static <T> T flag(String flag, Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message.startsWith("--")) {
                throw new UsageException(message);
            }
            int colon = message.indexOf(": ");
            String detail = colon > 0 && colon < 20 && !message.substring(0, colon).contains(" ")
                    ? message.substring(colon + 2) : message;
            throw new UsageException(flag + ": " + detail);
        }
    }
}
