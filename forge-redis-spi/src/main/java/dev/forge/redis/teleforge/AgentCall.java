package dev.forge.redis.teleforge;

import java.util.Map;

/**
 * The dialler connects a call to an agent ({@code enigma:notifications:agents:<ext>}, {@code type: call}),
 * sent just before the call reaches the agent.
 *
 * <p>Thread-safety: immutable.
 *
 * @param callRef    the call reference
 * @param agent      the agent
 * @param contactRef the integrator's reference for the callee
 * @param number     the callee's number
 * @param ref        the agent's extension
 * @param extra      fields not named above
 *
 * @since 0.1.0
 */
public record AgentCall(String callRef, String agent, String contactRef, String number, String ref,
                        Map<String, Object> extra) implements TeleforgeNotification {

    public AgentCall {
        extra = Extra.copy(extra);
    }

    @Override
    public String key() {
        return Extra.channel(TeleforgeKeys.AGENT_CHANNELS, ref);
    }

    @Override
    public String type() {
        return "call";
    }
}
