package dev.forge.integrations;

/**
 * The main moments of a call, in seconds since 1970; a moment that has not happened is null.
 *
 * <p>Thread-safety: immutable.
 *
 * @param start   when the call started
 * @param connect when it connected
 * @param end     when it ended
 *
 * @since 0.1.0
 */
public record Timestamps(Long start, Long connect, Long end) {
}
