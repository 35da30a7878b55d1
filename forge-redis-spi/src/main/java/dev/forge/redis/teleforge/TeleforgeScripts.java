package dev.forge.redis.teleforge;

import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.internal.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Lets a Forge script handle Teleforge notifications:
 *
 * <pre>{@code
 * TeleforgeListener.start(endpoint, TeleforgeScripts.invoker(forge, "acme/teleforge.js"));
 * }</pre>
 *
 * The script's {@code main} receives {@code {"key": ..., "type": ..., "payload": {...}}}, the payload in
 * Teleforge's own field names ({@link TeleforgeCodec#envelope}). Invocations are asynchronous, so a slow
 * script never holds up the listener; each outcome is logged (DEBUG when ok, WARN otherwise).
 *
 * <p>Thread-safety: stateless; the consumers it returns are thread-safe.
 *
 * @since 0.1.0
 */
public final class TeleforgeScripts {

    private static final Logger log = LoggerFactory.getLogger(TeleforgeScripts.class);

    private TeleforgeScripts() {
    }

    /** A consumer that invokes {@code scriptId} with each notification and logs the outcome. */
    public static Consumer<TeleforgeNotification> invoker(Forge forge, String scriptId) {
        return invoker(forge, scriptId, (n, o) -> { });
    }

    /** As {@link #invoker(Forge, String)}, and then hands the notification and its outcome to {@code then}. */
    public static Consumer<TeleforgeNotification> invoker(Forge forge, String scriptId,
                                                          BiConsumer<TeleforgeNotification, Outcome> then) {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(scriptId, "scriptId");
        Objects.requireNonNull(then, "then");
        return n -> {
            Invocation invocation = Invocation.builder(scriptId).data(Json.write(TeleforgeCodec.envelope(n))).build();
            java.util.concurrent.CompletableFuture<Outcome> running;
            try {
                running = forge.invokeAsync(invocation);
            } catch (RuntimeException e) { // the host's mistake, e.g. an unknown script id: say so, keep listening
                log.warn("teleforge: script {} could not run for a {} on {}: {}", scriptId, n.type(), n.key(), e.getMessage());
                return;
            }
            running.whenComplete((outcome, error) -> {
                if (error != null) {
                    log.warn("teleforge: script {} could not run for a {} on {}: {}", scriptId, n.type(), n.key(),
                            error.toString());
                    return;
                }
                if (outcome.isOk()) {
                    log.debug("teleforge: script {} handled a {} on {}: {}", scriptId, n.type(), n.key(), outcome.toJson());
                } else {
                    log.warn("teleforge: script {} on a {} from {} ended {}: {}", scriptId, n.type(), n.key(),
                            outcome.name(), outcome.toJson());
                }
                then.accept(n, outcome);
            });
        };
    }
}
