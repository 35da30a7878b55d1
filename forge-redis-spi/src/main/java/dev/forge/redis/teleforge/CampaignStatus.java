package dev.forge.redis.teleforge;

import java.util.Map;

/**
 * A campaign's status changed ({@code enigma:notifications:campaigns:<campaign_ref>}, {@code type: status}).
 * A manual stop goes through STOPPING; COMPLETED means every callee and retry is exhausted.
 *
 * <p>Thread-safety: immutable.
 *
 * @param status the new status
 * @param ref    the campaign reference
 * @param extra  fields not named above
 *
 * @since 0.1.0
 */
public record CampaignStatus(State status, String ref, Map<String, Object> extra) implements TeleforgeNotification {

    /** The statuses; on the wire in lower case. */
    public enum State { STARTED, STOPPING, STOPPED, COMPLETED }

    public CampaignStatus {
        extra = Extra.copy(extra);
    }

    @Override
    public String key() {
        return Extra.channel(TeleforgeKeys.CAMPAIGN_CHANNELS, ref);
    }

    @Override
    public String type() {
        return "status";
    }
}
