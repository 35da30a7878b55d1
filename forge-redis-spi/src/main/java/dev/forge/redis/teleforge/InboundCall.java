package dev.forge.redis.teleforge;

import java.util.Map;

/**
 * An inbound call bridged to an agent, from {@code enigma:notifications:inbound} ({@code type: call}) or from
 * the {@code X-Teleforge-*} / {@code X-Platforma-*} headers of the agent's INVITE ({@link TeleforgeHeaders}).
 * The v3 payload ({@code call_dir: "inbound"}) and the older one ({@code campaign_ref: "inbound"}) give equal
 * records: both set {@code direction} to {@code "inbound"}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param number     the caller's number
 * @param dialNumber the number the caller dialled
 * @param holdTime   seconds in the queue (from v2.6.0), or {@code null}
 * @param callRef    the internal call reference, used to disposition the call
 * @param contactRef the reference the caller typed in an IVR, else {@code ""}
 * @param direction  {@code "inbound"}, or {@code null} if the payload said neither
 * @param ref        the agent's extension
 * @param extra      fields not named above
 *
 * @since 0.1.0
 */
public record InboundCall(String number, String dialNumber, Integer holdTime, String callRef, String contactRef,
                          String direction, String ref, Map<String, Object> extra) implements TeleforgeNotification {

    public InboundCall {
        extra = Extra.copy(extra);
    }

    @Override
    public String key() {
        return TeleforgeKeys.INBOUND;
    }

    @Override
    public String type() {
        return "call";
    }
}
