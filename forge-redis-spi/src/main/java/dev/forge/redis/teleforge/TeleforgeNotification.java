package dev.forge.redis.teleforge;

import java.util.Map;

/**
 * One decoded Teleforge notification: a record per key and {@code type} of PROTOCOLS.md 3.3. Fields the
 * record does not name are kept in {@link #extra()}, so newer PBX versions lose nothing.
 *
 * <p>Decode with {@link TeleforgeCodec#decode(String, String)}; receive with {@link TeleforgeListener}.
 *
 * <p>Thread-safety: every implementation is an immutable record.
 *
 * @since 0.1.0
 */
public sealed interface TeleforgeNotification
        permits InboundCall, AgentCall, AgentStatus, CampaignStatus, CampaignPreview, DiallerCdr, ClickToDialCdr {

    /** The list or channel it came on; for channels, derived from {@code ref}. */
    String key();

    /** The envelope's {@code type}: {@code call}, {@code status}, {@code dial_preview} or {@code cdr}. */
    String type();

    /** The payload's fields that the record does not name, in arrival order; JSON values as Java objects. */
    Map<String, Object> extra();
}
