package dev.forge.ivr;

import java.util.Objects;

/**
 * An offered session this controller did not get. Not an error of the controller: with several controllers on
 * one platform, all but one lose each race.
 *
 * <p>Thread-safety: immutable.
 *
 * @param start  the api_start that offered the session
 * @param reason why
 * @param cause  the refusal, timeout or connection failure; null for {@link Reason#ENDED} and {@link Reason#CLOSED}
 *
 * @since 0.1.0
 */
public record AcceptLost(ApiEvent start, Reason reason, IvrException cause) {

    public enum Reason {
        /** The platform refused the {@code ivrapi_accept} (or, after a reconnect, the reaccept): another
         *  controller accepted first, or the offer is gone. {@link #cause()} is the {@link IvrRequestException}. */
        REFUSED,
        /** No answer to the accept within {@link IvrOptions#requestTimeout()}. */
        TIMED_OUT,
        /** api_stop arrived before the accept was answered (e.g. reason {@code timeout}). */
        ENDED,
        /** The client was closed before the accept was answered. */
        CLOSED
    }

    public AcceptLost {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(reason, "reason");
    }

    /** One line for logs: which session, why, and the platform's words when it refused. */
    public String describe() {
        return "session " + start.ivrid() + " (key " + start.key() + ") not taken: " + reason.name().toLowerCase()
                + (cause == null ? "" : " (" + cause.getMessage() + ")");
    }
}
