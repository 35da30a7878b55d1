package dev.forge.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Transport} redelivers.
 *
 * @param visibilityTimeout how long a consumer holds a message before it may go to another node: the
 *                          script's deadline plus a margin
 * @param maxAttempts       deliveries before a message is dead-lettered
 * @param maxInFlight       messages one node holds at once
 *
 * @since 0.1.0
 */
public record TransportOptions(Duration visibilityTimeout, int maxAttempts, int maxInFlight) {

    public static final TransportOptions DEFAULT = new TransportOptions(Duration.ofSeconds(5), 5, 256);

    public TransportOptions {
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        if (visibilityTimeout.isZero() || visibilityTimeout.isNegative()) {
            throw new IllegalArgumentException("visibilityTimeout: must be positive, got " + visibilityTimeout.toMillis() + " ms");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: must be 1 or more, got " + maxAttempts);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight: must be 1 or more, got " + maxInFlight);
        }
    }

    /** The visibility timeout for scripts with this deadline: the deadline plus a margin of a second. */
    public static Duration visibilityFor(Duration scriptDeadline) {
        return scriptDeadline.plusSeconds(1);
    }
}
