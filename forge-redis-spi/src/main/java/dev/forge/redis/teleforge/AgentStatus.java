package dev.forge.redis.teleforge;

import java.util.Map;

/**
 * An agent's status changed ({@code enigma:notifications:agents:<ext>}, {@code type: status}); sent only while
 * a campaign is started.
 *
 * <p>Thread-safety: immutable.
 *
 * @param status      the new status
 * @param campaignRef the campaign (from v1.3.0), or {@code null}
 * @param ref         the agent's extension
 * @param extra       fields not named above
 *
 * @since 0.1.0
 */
public record AgentStatus(State status, String campaignRef, String ref, Map<String, Object> extra)
        implements TeleforgeNotification {

    /** The statuses; on the wire in lower case ({@code logging_in}, ...). Only AVAILABLE and OFFLINE can be set via the API. */
    public enum State { LOGGING_IN, AVAILABLE, BUSY, WRAPUP, LOGGING_OUT, OFFLINE }

    public AgentStatus {
        extra = Extra.copy(extra);
    }

    @Override
    public String key() {
        return Extra.channel(TeleforgeKeys.AGENT_CHANNELS, ref);
    }

    @Override
    public String type() {
        return "status";
    }
}
