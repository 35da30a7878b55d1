package dev.forge.spi;

import dev.forge.Outcome;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Carries invocations between nodes, at least once: a message that is not acknowledged within its
 * visibility timeout is delivered again, to any node; after too many attempts it is dead-lettered.
 *
 * <p>Thread-safety: implementations must be thread-safe.
 */
public interface Transport extends AutoCloseable {

    /** Queues a message; completes when the transport has it durably. */
    CompletionStage<Void> submit(InvocationMessage message);

    /**
     * Queues a message and completes with its outcome once a consumer acknowledges it.
     */
    CompletionStage<Outcome> request(InvocationMessage message);

    /**
     * Starts consuming: {@code handler} runs each message; its outcome acknowledges the message. A handler
     * that fails or does not complete in time leaves the message for redelivery.
     *
     * @return a handle that stops consuming when closed
     */
    AutoCloseable consume(Function<InvocationMessage, CompletionStage<Outcome>> handler);

    @Override
    void close();
}
