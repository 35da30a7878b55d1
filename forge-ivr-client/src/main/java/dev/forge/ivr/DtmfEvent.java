package dev.forge.ivr;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A digit the caller pressed while this controller had the session: one {@code ivrapi_dtmf}, with the timing
 * the client measured (the event itself carries no time).
 *
 * <p>Thread-safety: immutable.
 *
 * @param digit      the {@code dtmf} field, normally one of {@code 0-9 * # A-D}
 * @param mode       {@link Mode#IDLE} between components, {@link Mode#COMPONENT} while one runs
 * @param oId        in component mode, the oId of the running component, else null
 * @param index      0 for the session's first digit, then 1, 2, ...
 * @param receivedAt when the client read it (wall clock)
 * @param gap        the time since the previous digit of the session, or since control was taken for the
 *                   first (monotonic clock)
 *
 * @since 0.1.0
 */
public record DtmfEvent(String digit, Mode mode, Long oId, int index, Instant receivedAt, Duration gap) {

    public enum Mode {
        IDLE, COMPONENT, OTHER;

        static Mode fromWire(String mode) {
            return "idle".equals(mode) ? IDLE : "component".equals(mode) ? COMPONENT : OTHER;
        }
    }

    public DtmfEvent {
        Objects.requireNonNull(digit, "digit");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(gap, "gap");
    }
}
