package dev.forge.integrations;

/**
 * The host's hooks for starting and ending calls on behalf of scripts: behind the integrations framework's
 * {@code startCall(args)} and {@code endCall(id, code, expl, forced)}.
 *
 * <p>Both methods are called on a script's isolate thread, while the script waits for the answer, so they
 * must return at once: {@link #startCall} allocates the call's id and sets the call up asynchronously;
 * {@link #endCall} starts the hang-up and returns. The arguments arrive already validated (see
 * {@link CallRequest} and {@link CallEnd}). To refuse, throw an unchecked exception; its message reaches the
 * script as an {@code Error} (so say what was wrong, never include secrets).
 *
 * <p>{@code origin} names who asks, e.g. {@code integration ourcrmsys}, for the host's audit log.
 *
 * <p>Thread-safety: implementations must be thread-safe; several isolates call them at once.
 *
 * @since 0.1.0
 */
public interface CallControl {

    /** A host without call control: every call is refused with a message that says so. */
    CallControl UNSUPPORTED = new CallControl() {
        @Override
        public String startCall(String origin, CallRequest request) {
            throw new UnsupportedOperationException("startCall: this host offers no call control");
        }

        @Override
        public void endCall(String origin, CallEnd end) {
            throw new UnsupportedOperationException("endCall: this host offers no call control");
        }
    };

    /**
     * Starts a call and returns its id, which the script may later give to {@link #endCall}.
     *
     * @return a non-blank id, unique among the host's live calls
     */
    String startCall(String origin, CallRequest request);

    /** Ends the call with this id (started by {@link #startCall} or known to the host otherwise). */
    void endCall(String origin, CallEnd end);
}
