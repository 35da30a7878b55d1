package dev.forge.redis.teleforge;

import java.util.List;
import java.util.Map;

/**
 * The callees the dialler will call next, about twice the active agents
 * ({@code enigma:notifications:campaigns:<campaign_ref>}, {@code type: dial_preview}, v1.2.1+).
 *
 * <p>Thread-safety: immutable.
 *
 * @param callees the next "stint", in order
 * @param ref     the campaign reference
 * @param extra   fields not named above
 *
 * @since 0.1.0
 */
public record CampaignPreview(List<Callee> callees, String ref, Map<String, Object> extra)
        implements TeleforgeNotification {

    /** One callee to be dialled. */
    public record Callee(String number, String contactRef) {
    }

    public CampaignPreview {
        callees = List.copyOf(callees);
        extra = Extra.copy(extra);
    }

    @Override
    public String key() {
        return Extra.channel(TeleforgeKeys.CAMPAIGN_CHANNELS, ref);
    }

    @Override
    public String type() {
        return "dial_preview";
    }
}
