package dev.forge.redis.teleforge;

import java.util.Map;

/**
 * The dialler's call data record, one per number tried ({@code enigma:notifications:campaigns} list,
 * {@code type: cdr}).
 *
 * <p>Thread-safety: immutable.
 *
 * @param extension    the agent's extension; {@code null} when the callee hung up in the queue
 * @param callRef      the call reference (also used to download the recording)
 * @param contactRef   the integrator's reference
 * @param dialedAt     when the number was dialled, as sent
 * @param endReason    the disposition
 * @param endCode      the SIP code, as sent
 * @param callTime     seconds, or {@code null}
 * @param direction    {@code call_dir}
 * @param recordingUrl where the recording is
 * @param ref          the campaign reference
 * @param clientNumber the client's number (later versions), or {@code null}
 * @param dialNumber   the PBX number (later versions), or {@code null}
 * @param extra        fields not named above
 *
 * @since 0.1.0
 */
public record DiallerCdr(String extension, String callRef, String contactRef, String dialedAt, String endReason,
                         String endCode, Integer callTime, String direction, String recordingUrl, String ref,
                         String clientNumber, String dialNumber, Map<String, Object> extra)
        implements TeleforgeNotification {

    public DiallerCdr {
        extra = Extra.copy(extra);
    }

    @Override
    public String key() {
        return TeleforgeKeys.DIALLER_CDRS;
    }

    @Override
    public String type() {
        return "cdr";
    }
}
