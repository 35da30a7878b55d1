package dev.forge.durable;

import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.ScriptException;
import dev.forge.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A node that runs invocations arriving over a {@link Transport}: each delivery is invoked through
 * {@link Forge#invokeAsync} and its outcome decides whether the transport acknowledges it (see
 * {@link Transport}). A script the node's store does not have fails the delivery, which is retried and in
 * the end dead-lettered, so a message for a script deployed only on other nodes goes to them.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} stops taking messages; it does not close the Forge or
 * the transport, which belong to the caller.
 *
 * @since 0.1.0
 */
public final class TransportWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransportWorker.class);

    private final AutoCloseable consumer;

    private TransportWorker(AutoCloseable consumer) {
        this.consumer = consumer;
    }

    /** Starts consuming as {@code node}. */
    public static TransportWorker start(Forge forge, Transport transport, String node) {
        return start(forge, transport, node, (delivery, outcome) -> { });
    }

    /** Starts consuming as {@code node}; {@code onOutcome} sees every delivery's outcome. */
    public static TransportWorker start(Forge forge, Transport transport, String node,
                                        BiConsumer<Transport.Delivery, Outcome> onOutcome) {
        return start(forge, transport, node, Function.identity(), onOutcome);
    }

    /**
     * As {@link #start(Forge, Transport, String, BiConsumer)}, where {@code scriptIds} maps the script named in
     * a message to the id in this node's store (e.g. a file name to {@code tenant/name}).
     */
    public static TransportWorker start(Forge forge, Transport transport, String node, Function<String, String> scriptIds,
                                        BiConsumer<Transport.Delivery, Outcome> onOutcome) {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(scriptIds, "scriptIds");
        Objects.requireNonNull(onOutcome, "onOutcome");
        return new TransportWorker(Objects.requireNonNull(transport, "transport").consume(node, delivery -> {
            CompletionStage<Outcome> outcome = run(forge, scriptIds.apply(delivery.message().scriptId()), delivery);
            return outcome.whenComplete((o, error) -> {
                if (o != null) {
                    onOutcome.accept(delivery, o);
                }
            });
        }));
    }

    private static CompletionStage<Outcome> run(Forge forge, String scriptId, Transport.Delivery delivery) {
        try {
            return forge.invokeAsync(Invocation.builder(scriptId)
                    .data(delivery.message().dataJson())
                    .callId(delivery.message().idempotencyKey())
                    .build());
        } catch (IllegalArgumentException e) {
            LOG.warn("delivery {} of {}: {}", delivery.id(), delivery.message().scriptId(), e.getMessage());
            return CompletableFuture.completedFuture(new Outcome.Failed(
                    new ScriptException(ScriptException.Kind.HOST, e.getMessage()), 0));
        }
    }

    @Override
    public void close() {
        try {
            consumer.close();
        } catch (Exception e) {
            LOG.warn("stopping the transport consumer failed", e);
        }
    }
}
