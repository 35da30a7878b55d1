package dev.forge.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.ScriptKind;
import dev.forge.internal.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code forge driver FILE.js FUNCTION [--args JSON]}: calls one exported function of a Driver and prints
 * {@code {"outcome":"ok","result":...,"micros":N}}, or the same objects as {@code forge run} for the other
 * outcomes, with the same exit statuses.
 *
 * <p>Thread-safety: runs on the calling thread.
 */
final class DriverCommand {

    static final String USAGE = """
            forge driver FILE.js FUNCTION [--args JSON] [--timeout 2s] [--memory 100m] [--allow-host HOST:PORT]...
                                 [--env KEY=VALUE]... [--datastore @FILE] [--isolation process|in-process]
                                 [--confinement best-effort|required|none]
              Calls the driver's exported FUNCTION once (module.exports or module.export = {...}).
              --args is a JSON array of arguments, or one JSON value passed as the only argument,
              e.g. --args '{"number":"4420"}'. Prints {"outcome":"ok","result":...,"micros":N}.
              Exit 0 ok, 2 rejected, 3 timeout, 4 error, 64 usage error.""";

    private DriverCommand() {
    }

    static int run(List<String> tokens, PrintStream out) {
        Set<String> flags = new HashSet<>(ScriptOptions.FLAGS);
        flags.remove("--type");
        flags.remove("--data");
        flags.add("--args");
        Args args = Args.parse("driver", tokens, flags, Set.of(), ScriptOptions.REPEATABLE);
        List<String> positionals = args.positionals();
        if (positionals.size() != 2) {
            throw new UsageException("expected FILE.js and FUNCTION, got " + positionals
                    + "; usage: forge driver FILE.js FUNCTION [--args JSON]");
        }
        String function = positionals.get(1);
        String arguments = argumentList(args.value("--args").orElse("[]"));
        ScriptOptions options = ScriptOptions.parse(args, Path.of(positionals.get(0)), ScriptKind.DRIVER);
        try (Forge forge = options.forge()) {
            forge.load(options.script());
            Outcome outcome = forge.invoke(Invocation.builder(options.script().id())
                    .call(function, arguments)
                    .timeoutAction(options.timeoutAction())
                    .build());
            out.println(outcome instanceof Outcome.Ok ok ? okJson(ok) : outcome.toJson());
            out.flush();
            return ExitCode.of(outcome);
        }
    }

    /** A JSON array stays the argument list; any other JSON value becomes the only argument. */
    private static String argumentList(String text) {
        JsonNode value = ScriptOptions.flag("--args", () -> Json.parse("--args", text));
        if (value.isArray()) {
            return Json.write(value);
        }
        return Json.write(Json.MAPPER.createArrayNode().add(value));
    }

    private static String okJson(Outcome.Ok ok) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("outcome", "ok");
            g.writeFieldName("result");
            g.writeRawValue(ok.dataJson());
            g.writeNumberField("micros", ok.micros());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
