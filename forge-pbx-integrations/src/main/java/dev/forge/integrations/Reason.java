package dev.forge.integrations;

/**
 * Why a call was disconnected.
 *
 * <p>Thread-safety: immutable.
 *
 * @param code the disconnect code, e.g. 487, or null
 * @param text the code in words, e.g. {@code Disconnected}, or null
 *
 * @since 0.1.0
 */
public record Reason(Integer code, String text) {
}
