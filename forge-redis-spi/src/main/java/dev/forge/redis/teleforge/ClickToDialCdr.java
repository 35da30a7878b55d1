package dev.forge.redis.teleforge;

import java.util.Map;

/**
 * A Click2Dial call data record ({@code enigma:notifications:cdr} list, {@code type: cdr}). From v3 the payload
 * has {@code number} (the client) and {@code ref: "click-dial"}; before v3 it had no {@code number} and
 * {@code ref} was the client's number. Both give {@code number} = the client's number; {@code ref} is kept as
 * sent.
 *
 * <p>Thread-safety: immutable.
 *
 * @param extension    the agent's extension
 * @param number       the client's number
 * @param dialNumber   the PBX number, or {@code null}
 * @param callRef      the call reference
 * @param contactRef   the integrator's reference
 * @param dialedAt     when it was dialled, as sent
 * @param endReason    the disposition
 * @param endCode      the ISDN cause, as sent
 * @param callTime     seconds, or {@code null}
 * @param holdTime     seconds, or {@code null}
 * @param direction    {@code call_dir}
 * @param recordingUrl where the recording is
 * @param ref          {@code "click-dial"} from v3; the client's number before
 * @param extra        fields not named above
 *
 * @since 0.1.0
 */
public record ClickToDialCdr(String extension, String number, String dialNumber, String callRef, String contactRef,
                             String dialedAt, String endReason, String endCode, Integer callTime, Integer holdTime,
                             String direction, String recordingUrl, String ref, Map<String, Object> extra)
        implements TeleforgeNotification {

    public ClickToDialCdr {
        extra = Extra.copy(extra);
    }

    @Override
    public String key() {
        return TeleforgeKeys.CLICK2DIAL_CDRS;
    }

    @Override
    public String type() {
        return "cdr";
    }
}
