package dev.forge.spi;

import dev.forge.Script;

import java.util.Objects;

/**
 * The invocation on whose behalf a {@link Bindings} host function runs.
 *
 * @param script     the script that called it
 * @param callId     the invocation's call id, or {@code null}
 * @param attachment what the host attached to the invocation ({@code Invocation.Builder.attachment}), or
 *                   {@code null}; for a voice script, its {@link VoiceChannel}
 *
 * @since 0.1.0
 */
public record HostCall(Script script, String callId, Object attachment) {
    public HostCall {
        Objects.requireNonNull(script, "script");
    }

    /**
     * The attachment as {@code type}.
     *
     * @throws IllegalStateException naming the expected type when the invocation carries something else
     */
    public <T> T attachment(Class<T> type) {
        if (!type.isInstance(attachment)) {
            throw new IllegalStateException("this invocation carries no " + type.getSimpleName() + " (attachment: "
                    + (attachment == null ? "none" : attachment.getClass().getName()) + "); pass one with "
                    + "Invocation.builder(...).attachment(...)");
        }
        return type.cast(attachment);
    }
}
