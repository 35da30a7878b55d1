package dev.forge.testkit.cli;

import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.SipStatus;
import dev.forge.internal.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
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
 */
record ScriptOptions(Script script, String dataJson, Limits limits, SipStatus timeoutAction) {

    /** The tenant the CLI's scripts are stored under. */
    static final String TENANT = "cli";

    /** The data a script gets without {@code --data}. */
    static final String DEFAULT_DATA = "{\"routing\":{}}";

    /** The flags this record reads; commands add their own. */
    static final Set<String> FLAGS = Set.of("--data", "--type", "--timeout", "--memory", "--timeout-action");

    static ScriptOptions parse(Args args) {
        Path file = Path.of(args.onePositional("FILE.js"));
        ScriptKind kind = flag("--type", () -> ScriptKind.parse(args.value("--type").orElse("script")));
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
        return new ScriptOptions(Script.of(TENANT, name == null ? file.toString() : name.toString(), kind, source),
                data, limits, action);
    }

    private static String data(String value) {
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
