package dev.forge.ivr;

/**
 * What an {@link IvrController} tells you: a session was taken ({@link #onSession}), or an offered one was not
 * ({@link #onAcceptLost}). Both run on that session's own thread, before any of its events; they must not block
 * (hand long work, such as running a script, to your own threads), and the blocking methods of
 * {@link IvrSession} refuse to run there.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ControlHandler {

    /** The controller took control of {@code session} ({@code ivrapi_accept} answered ok). */
    void onSession(IvrSession session);

    /** An api_start matched but the controller did not get the session; see {@link AcceptLost#reason()}. */
    default void onAcceptLost(AcceptLost lost) {
    }
}
