package dev.forge.integrations;

/**
 * The group (queue or ring group) of a group event.
 *
 * <p>Thread-safety: immutable.
 *
 * @param type   the type of the call in the group, or null
 * @param number the group's number, or null
 * @param name   the group's name, or null
 *
 * @since 0.1.0
 */
public record Group(String type, String number, String name) {
}
