package dev.forge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Sees every invocation's outcome and timings: the hook for metrics and tracing.
 *
 * <p>Called once per invocation, on the thread that completed it, right after its outcome is set (the
 * caller may already hold it); keep it short and never throw (a throwing listener is logged and ignored).
 *
 * <p>A Forge has one listener; {@link #all} makes one of several (metrics and tracing, say).
 *
 * <p>Thread-safety: implementations must be thread-safe; they are called from many threads.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface InvocationListener {

    /** A listener that does nothing. */
    InvocationListener NONE = event -> { };

    void onInvocation(InvocationEvent event);

    /**
     * One listener that calls each of {@code listeners} in turn, for {@code Forge.builder().listener(...)}. One
     * that throws is logged and the next is still called, so a faulty listener costs no other its events.
     *
     * @throws NullPointerException if {@code listeners} or one of them is null
     */
    static InvocationListener all(InvocationListener... listeners) {
        Objects.requireNonNull(listeners, "listeners");
        for (int i = 0; i < listeners.length; i++) {
            Objects.requireNonNull(listeners[i], "listeners[" + i + "]");
        }
        InvocationListener[] each = listeners.clone();
        if (each.length == 1) {
            return each[0];
        }
        Logger log = LoggerFactory.getLogger(InvocationListener.class);
        return event -> {
            for (InvocationListener l : each) { // an array: no iterator per invocation
                try {
                    l.onInvocation(event);
                } catch (RuntimeException e) {
                    log.warn("InvocationListener {} threw for script {}; ignored", l, event.script().id(), e);
                }
            }
        };
    }

    /**
     * One finished invocation.
     *
     * @param script       the script that ran (or was meant to)
     * @param callId       the invocation's call id, or {@code null}
     * @param outcome      how it ended
     * @param queuedMicros time spent waiting for an isolate
     * @param runMicros    time spent running in the isolate (including awaits)
     * @param coldStart    whether an isolate had to be built for it
     */
    record InvocationEvent(Script script, String callId, Outcome outcome, long queuedMicros, long runMicros,
                           boolean coldStart) {
    }
}
