package dev.forge.ivr;

/**
 * Hears one {@link IvrSession}'s events. Called on the session's own thread, in order; must not block (the
 * session's other events wait behind it). Exceptions are logged and ignored.
 *
 * @since 0.1.0
 */
public interface SessionListener {

    /** The caller pressed a digit (also queued for {@link IvrSession#nextDtmf()}). */
    default void onDtmf(IvrSession session, DtmfEvent dtmf) {
    }

    /** The socket dropped; the session's requests wait for the reconnect. */
    default void onLinkDown(IvrSession session) {
    }

    /** After a reconnect the platform answered {@code ivrapi_reaccept}: this controller has the session again. */
    default void onReaccepted(IvrSession session) {
    }

    /** The session ended; {@link IvrSession#ended()} completes with the same reason. */
    default void onEnded(IvrSession session, StopReason reason) {
    }
}
