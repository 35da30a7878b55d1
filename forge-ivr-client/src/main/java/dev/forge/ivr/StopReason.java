package dev.forge.ivr;

/**
 * Why a controlled session ended. {@link #SCRIPT}, {@link #TIMEOUT} and {@link #ABORT} are the {@code reason}
 * values of {@code ivrevents.api_stop} (PROTOCOLS.md 2.5), {@link #UNKNOWN} any other value the platform sends;
 * {@link #LOST} and {@link #CLOSED} are decided by this client, never sent by the platform. Thread-safety: constants.
 *
 * @since 0.1.0
 */
public enum StopReason {
    /** api_stop {@code script}: the call ended or the scenario was interrupted. */
    SCRIPT("script"),
    /** api_stop {@code timeout}: nobody accepted the session in time. */
    TIMEOUT("timeout"),
    /** api_stop {@code abort}, or this controller's own {@code ivrapi_abort} was answered. */
    ABORT("abort"),
    /** api_stop with a reason this version does not know (or none). */
    UNKNOWN(null),
    /** Local: after a reconnect the platform refused {@code ivrapi_reaccept}; another controller has the session. */
    LOST(null),
    /** Local: the client was closed while the session was controlled; nothing more is sent for it. */
    CLOSED(null);

    private final String wireName;

    StopReason(String wireName) {
        this.wireName = wireName;
    }

    /** The api_stop {@code reason} text, or null for {@link #UNKNOWN} and the local reasons. */
    public String wireName() {
        return wireName;
    }

    /** True for {@link #LOST} and {@link #CLOSED}, which the client decided without an api_stop. */
    public boolean local() {
        return this == LOST || this == CLOSED;
    }

    /** The reason for an api_stop {@code reason}; {@link #UNKNOWN} for null or a value this version does not know. */
    public static StopReason fromWire(String wire) {
        for (StopReason r : values()) {
            if (r.wireName != null && r.wireName.equals(wire)) {
                return r;
            }
        }
        return UNKNOWN;
    }
}
