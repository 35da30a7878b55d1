package dev.forge.cli;

/**
 * The command line was wrong: a missing or unknown argument, or a value that does not parse. The message
 * names the flag and the offending value; the CLI prints it and exits with {@link ExitCode#USAGE}.
 *
 * <p>Thread-safety: immutable.
 */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message, null, false, false);
    }
}
