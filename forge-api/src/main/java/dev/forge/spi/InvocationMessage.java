package dev.forge.spi;

import java.util.Objects;

/**
 * An invocation as it travels over a {@link Transport}.
 *
 * @param idempotencyKey the key that makes redelivery safe: the same key means the same invocation
 * @param scriptId       the script to run
 * @param dataJson       the call's data as JSON
 *
 * @since 0.1.0
 */
public record InvocationMessage(String idempotencyKey, String scriptId, String dataJson) {
    public InvocationMessage {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("idempotencyKey: required, got " + (idempotencyKey == null ? "null" : "''"));
        }
        if (scriptId == null || scriptId.isBlank()) {
            throw new IllegalArgumentException("scriptId: required, got " + (scriptId == null ? "null" : "''"));
        }
        Objects.requireNonNull(dataJson, "dataJson");
    }
}
