package dev.forge.driver;

import dev.forge.Outcome;

/**
 * A driver function failed, timed out, or returned something other than its contract's shape. The
 * message names the script, the function and the shape expected; {@link #outcome()} is what came back.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class DriverException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Outcome outcome;

    public DriverException(String message, Outcome outcome) {
        super(message, outcome instanceof Outcome.Failed f ? f.error() : null);
        this.outcome = outcome;
    }

    /** The invocation's outcome. */
    public Outcome outcome() {
        return outcome;
    }
}
