package dev.forge.testkit.cli;

import dev.forge.Isolation;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --isolation process|in-process}, on every command that runs scripts: where V8 runs. Process
 * isolation (the default) keeps a script that crashes V8 from taking the command down; in-process is the
 * fastest path, for trusted scripts.
 *
 * <p>Thread-safety: stateless.
 */
final class IsolationFlag {

    static final String NAME = "--isolation";
    static final String USAGE = "[--isolation process|in-process]";

    private IsolationFlag() {
    }

    /** The isolation the command line asks for; process isolation without the flag. */
    static Isolation parse(Args args) {
        List<Isolation> all = parseAll(args);
        if (all.size() > 1) {
            throw new UsageException(NAME + ": give one of process or in-process, got '" + args.value(NAME).orElseThrow()
                    + "' (only forge bench compares several)");
        }
        return all.get(0);
    }

    /** A comma-separated list, as {@code forge bench} compares them: {@code process,in-process}. */
    static List<Isolation> parseAll(Args args) {
        String value = args.value(NAME).orElse(Isolation.PROCESS.id());
        List<Isolation> all = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            Isolation i = ScriptOptions.flag(NAME, () -> Isolation.parse(part));
            if (all.contains(i)) {
                throw new UsageException(NAME + ": '" + part.trim() + "' is given twice in '" + value + "'");
            }
            all.add(i);
        }
        return all;
    }
}
