package dev.forge.testkit.cli;

import dev.forge.Isolation;

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
        return args.value(NAME).map(v -> ScriptOptions.flag(NAME, () -> Isolation.parse(v))).orElse(Isolation.PROCESS);
    }
}
