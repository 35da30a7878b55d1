package dev.forge.cli;

import dev.forge.Outcome;

/**
 * The {@code forge} command's exit statuses: a contract that scripts and CI jobs rely on.
 *
 * <p>Thread-safety: constants only.
 *
 * @since 0.1.0
 */
public final class ExitCode {

    /** The script returned data (or the command succeeded). */
    public static final int OK = 0;
    /** The script rejected the call with a SIP status. */
    public static final int REJECTED = 2;
    /** The script ran past its deadline. */
    public static final int TIMEOUT = 3;
    /** The script failed: syntax, runtime, memory, stack, host or cancelled. */
    public static final int ERROR = 4;
    /** The engine had no room for the invocation. */
    public static final int OVERLOADED = 5;
    /** The command line was wrong (sysexits EX_USAGE). */
    public static final int USAGE = 64;
    /** Forge itself could not run, e.g. no engine on the class path (sysexits EX_SOFTWARE). */
    public static final int INTERNAL = 70;

    private ExitCode() {
    }

    /** The exit status for an outcome. */
    public static int of(Outcome outcome) {
        if (outcome instanceof Outcome.Ok) {
            return OK;
        }
        if (outcome instanceof Outcome.Rejected) {
            return REJECTED;
        }
        if (outcome instanceof Outcome.TimedOut) {
            return TIMEOUT;
        }
        if (outcome instanceof Outcome.Failed) {
            return ERROR;
        }
        return OVERLOADED;
    }
}
