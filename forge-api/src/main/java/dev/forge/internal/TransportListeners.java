package dev.forge.internal;

import dev.forge.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link Transport.Listener}s of one transport: what every transport's {@code addListener} shares. A listener
 * that throws is logged and the others still hear the event.
 *
 * <p>Thread-safety: thread-safe; call it with none of the transport's locks held.
 */
public final class TransportListeners {

    private static final Logger LOG = LoggerFactory.getLogger(TransportListeners.class);

    private final List<Transport.Listener> listeners = new CopyOnWriteArrayList<>();

    /** Adds {@code listener}; closing the handle removes it (once; again does nothing). */
    public AutoCloseable add(Transport.Listener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Tells every listener of a delivery; a negative {@code lagNanos} (clocks out of step) counts as 0. */
    public void delivered(Transport.Delivery delivery, long lagNanos) {
        if (listeners.isEmpty()) {
            return;
        }
        Duration lag = Duration.ofNanos(Math.max(0, lagNanos));
        for (Transport.Listener l : listeners) {
            try {
                l.onDelivery(delivery, lag);
            } catch (RuntimeException e) {
                LOG.warn("transport listener {} threw on delivery {}; ignored", l, delivery.id(), e);
            }
        }
    }

    /** Tells every listener of a dead letter. */
    public void deadLettered(Transport.DeadLetter letter) {
        for (Transport.Listener l : listeners) {
            try {
                l.onDeadLetter(letter);
            } catch (RuntimeException e) {
                LOG.warn("transport listener {} threw on dead letter {}; ignored", l, letter.id(), e);
            }
        }
    }
}
