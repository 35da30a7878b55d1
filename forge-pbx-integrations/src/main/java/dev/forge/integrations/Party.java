package dev.forge.integrations;

/**
 * The caller or the callee of a call.
 *
 * <p>Thread-safety: immutable.
 *
 * @param number the number, e.g. {@code +12125550100}, or null when withheld
 * @param name   the display name, or null
 *
 * @since 0.1.0
 */
public record Party(String number, String name) {
}
