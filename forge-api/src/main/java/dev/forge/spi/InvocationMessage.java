package dev.forge.spi;

import java.util.Objects;

/**
 * An invocation as it travels over a {@link Transport}.
 *
 * @param idempotencyKey the key that makes redelivery safe: the same key means the same invocation
 * @param scriptId       the script to run
 * @param dataJson       the call's data as JSON
 * @param attempt        1 for the first delivery, then 2, 3, ...
 */
public record InvocationMessage(String idempotencyKey, String scriptId, String dataJson, int attempt) {
    public InvocationMessage {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(scriptId, "scriptId");
        Objects.requireNonNull(dataJson, "dataJson");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: must be 1 or more, got " + attempt);
        }
    }
}
