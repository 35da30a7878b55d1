package dev.forge.spi;

import dev.forge.Outcome;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Carries invocations between nodes, at least once.
 *
 * <p>A consumer holds each message it takes for the transport's visibility timeout. The message is
 * acknowledged when its handler answers with a <em>final</em> outcome ({@link Outcome.Ok} or
 * {@link Outcome.Rejected}); any other outcome (timed out, failed, overloaded), a handler that throws, or
 * no answer within the visibility timeout (the node crashed, or is stuck) leaves it to be delivered again,
 * to any node. After {@link TransportOptions#maxAttempts()} deliveries it is moved to the dead letters
 * with its last outcome. Each node has at most {@link TransportOptions#maxInFlight()} messages in hand,
 * so nothing queues without bound in a JVM.
 *
 * <p>The idempotency key makes redelivery safe: a second {@link #submit} with a key already queued or done
 * returns the first message's id and queues nothing, and only the first final outcome recorded for a key
 * is kept, so a result (and what a caller waiting in {@link #request} sees) happens once.
 *
 * <p>What a node sees of the traffic (each delivery with its lag, each message it dead-letters) goes to the
 * {@link Listener}s added with {@link #addListener}: the hook for metrics.
 *
 * <h2>The contract</h2>
 * What {@code TransportContract} in forge-test-kit checks, in detail:
 * <ul>
 *   <li><b>Final outcomes acknowledge.</b> A handler's {@link Outcome.Ok} or {@link Outcome.Rejected} ends the
 *       message: {@link #request} completes with it and nothing is dead-lettered.</li>
 *   <li><b>Everything else is delivered again</b>, to any node: a {@link Outcome.TimedOut},
 *       {@link Outcome.Failed} or {@link Outcome.Overloaded} outcome, a handler that throws, returns
 *       {@code null} or whose stage fails, and a delivery not answered within the visibility timeout. A handler
 *       that throws (or whose stage fails) is recorded as {@link Outcome.Failed} of kind {@code host} with the
 *       message {@code transport handler failed: } and its exception's message.</li>
 *   <li><b>Attempts.</b> {@link Delivery#attempt()} is 1 on the first delivery and grows by one on each
 *       redelivery; {@link Delivery#id()} is the same on each. After {@link TransportOptions#maxAttempts()}
 *       deliveries without a final outcome the message is a dead letter with {@code attempts} equal to that
 *       number and the last outcome a handler gave, and {@link #request} completes with that last outcome.
 *       When no handler ever answered, Forge's transports complete it with a {@link Outcome.TimedOut} with
 *       {@code 408 Request Timeout}.</li>
 *   <li><b>The first final outcome wins.</b> Once one delivery of a key has a final outcome, a later answer
 *       from an earlier delivery (one that outlived its visibility timeout) changes nothing, and a later
 *       {@link #request} with the same key completes with the recorded outcome.</li>
 *   <li><b>Idempotent submits.</b> A {@link #submit} whose key is queued, in hand or done completes with the
 *       first message's id and queues nothing, even when its data differ.</li>
 *   <li><b>Order and bounds.</b> Messages are handed out in the order they were submitted (first in, first
 *       out), as free slots allow: a node has at most {@link TransportOptions#maxInFlight()} deliveries whose
 *       stages have not completed, and a slot frees when its stage completes (a stage that never completes
 *       keeps its slot).</li>
 *   <li><b>Stopping a consumer.</b> After the handle from {@link #consume} is closed (closing it again does
 *       nothing), that node gets no delivery; its messages in hand go to other nodes once their visibility
 *       timeout passes, as new attempts, and are not dead-lettered for it.</li>
 *   <li>{@link #deadLetters} lists the oldest first, at most {@code max}; an empty list when there are none.</li>
 * </ul>
 *
 * <p>Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface Transport extends AutoCloseable {

    /**
     * Queues a message durably; completes with its id once the transport holds it. A key already queued, in
     * hand or done completes with the first message's id and queues nothing.
     */
    CompletionStage<String> submit(InvocationMessage message);

    /**
     * Queues a message (as {@link #submit}) and completes with the first final outcome recorded for its key, or
     * with the last outcome if it was dead-lettered.
     */
    CompletionStage<Outcome> request(InvocationMessage message);

    /**
     * Starts consuming on this node: {@code handler} runs each delivery. Closing the returned handle stops
     * taking new messages; messages in hand are left to their visibility timeout.
     *
     * @param node a name for this node, unique among the nodes sharing the transport
     */
    AutoCloseable consume(String node, Handler handler);

    /** The dead letters, oldest first, at most {@code max}; empty when there are none. */
    CompletionStage<List<DeadLetter>> deadLetters(int max);

    /**
     * Adds a listener for this transport's deliveries and dead letters on this node (see {@link Listener});
     * closing the returned handle removes it. Both of Forge's transports support it.
     *
     * @throws UnsupportedOperationException if this transport does not report them (the default)
     */
    default AutoCloseable addListener(Listener listener) {
        throw new UnsupportedOperationException(getClass().getName() + " does not report its deliveries to listeners"
                + " (Transport.addListener); implement it, or observe the handler given to consume(...) instead");
    }

    /** Stops every consumer of this transport and releases its threads and connections. Idempotent. */
    @Override
    void close();

    /**
     * Hears what a transport does on this node. Called on the transport's own threads, never with one of its
     * locks held; keep it short and never block. One that throws is logged and ignored.
     *
     * <p>Thread-safety: implementations must be thread-safe.
     */
    interface Listener {

        /**
         * A message was handed to a handler on this node.
         *
         * @param lag how long after it was submitted, never negative: for a redelivery ({@code attempt > 1}) the
         *            earlier attempts are included. A transport shared by nodes measures it against the time its
         *            server stored the message, so clocks out of step between machines skew it
         */
        default void onDelivery(Delivery delivery, Duration lag) {
        }

        /**
         * This node moved a message to the dead letters (each dead letter is reported once, by the node that
         * moved it). Its {@code lastOutcome} is {@code null} when no handler answered in time.
         */
        default void onDeadLetter(DeadLetter letter) {
        }
    }

    /** Runs one delivery; the stage's outcome decides whether the message is acknowledged. */
    @FunctionalInterface
    interface Handler {
        CompletionStage<Outcome> handle(Delivery delivery);
    }

    /**
     * One delivery of a message.
     *
     * @param id      the transport's id of the message (the same on every delivery)
     * @param message what was submitted
     * @param attempt 1 on the first delivery, then 2, 3, ...
     */
    record Delivery(String id, InvocationMessage message, int attempt) {
    }

    /**
     * A message that used up its attempts.
     *
     * @param id          the transport's id of the message
     * @param message     what was submitted
     * @param attempts    how many times it was delivered
     * @param lastOutcome the last outcome a handler gave, or {@code null} if none answered in time
     */
    record DeadLetter(String id, InvocationMessage message, int attempts, Outcome lastOutcome) {
    }
}
