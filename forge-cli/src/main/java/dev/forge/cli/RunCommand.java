package dev.forge.cli;

import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code forge run FILE.js}: runs a script once and prints its outcome as one line of JSON; the exit
 * status says which outcome it was ({@link ExitCode}).
 *
 * <p>Thread-safety: runs on the calling thread; one use per instance.
 */
final class RunCommand {

    static final String USAGE = """
            forge run FILE.js [--data JSON | --data @FILE] [--type script|app] [--timeout 2s] [--memory 100m]
                              [--timeout-action "480 Temporarily Unavailable"] [--allow-host HOST:PORT]...
                              [--env KEY=VALUE]... [--datastore @FILE] [--isolation process|in-process]
                              [--confinement best-effort|required|none]
              Runs the script's main(data) once; prints {"outcome":...,"micros":N} on stdout.
              Apps may fetch only from --allow-host destinations; --datastore preloads a JSON object of keys.
              Default data {"routing":{}}; a timeout without --timeout-action answers 408 Request Timeout.
              V8 runs in an isolate process unless --isolation in-process (trusted scripts only),
              confined by the OS as far as it allows (--confinement required: or fail; none: not at all).
              Exit 0 ok, 2 rejected, 3 timeout, 4 error, 5 overloaded, 64 usage error.""";

    private RunCommand() {
    }

    static int run(List<String> tokens, PrintStream out) {
        Set<String> flags = new HashSet<>(ScriptOptions.FLAGS);
        flags.add("--call-id");
        Args args = Args.parse("run", tokens, flags, Set.of(), ScriptOptions.REPEATABLE);
        ScriptOptions options = ScriptOptions.parse(args);
        try (Forge forge = options.forge()) {
            forge.load(options.script());
            Outcome outcome = forge.invoke(Invocation.builder(options.script().id())
                    .data(options.dataJson())
                    .timeoutAction(options.timeoutAction())
                    .callId(args.value("--call-id").orElse("cli-run"))
                    .build());
            out.println(outcome.toJson());
            out.flush();
            return ExitCode.of(outcome);
        }
    }
}
