package dev.forge;

/**
 * Sees every invocation's outcome and timings: the hook for metrics and tracing.
 *
 * <p>Called once per invocation, on the thread that completed it, right after its outcome is set (the
 * caller may already hold it); keep it short and never throw (a throwing listener is logged and ignored).
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
