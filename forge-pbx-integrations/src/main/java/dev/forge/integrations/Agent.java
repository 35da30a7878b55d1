package dev.forge.integrations;

/**
 * An agent of a group: one that is ringing, missed the call or is connected.
 *
 * <p>Thread-safety: immutable.
 *
 * @param number the agent's extension number, e.g. {@code 41}
 * @param name   the agent's name, e.g. {@code Joe Doe}, or null
 * @param id     the agent's numeric id, e.g. 3, or null
 *
 * @since 0.1.0
 */
public record Agent(String number, String name, Long id) {
}
