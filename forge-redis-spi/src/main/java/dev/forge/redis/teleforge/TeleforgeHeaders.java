package dev.forge.redis.teleforge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the inbound call from the headers of the INVITE that Teleforge sends to a WebRTC/SIP agent: from v4
 * {@code X-Teleforge-*}, before that {@code X-Platforma-*}.
 *
 * <p>The exact header names are not public, so every {@code X-Teleforge-<Field>} / {@code X-Platforma-<Field>}
 * header becomes the payload field {@code <field>} lower-cased with {@code -} turned into {@code _}
 * ({@code X-Teleforge-Call-Ref} is {@code call_ref}, {@code X-Platforma-Hold-Time} is {@code hold_time}), and
 * the fields are then read exactly as the inbound notification's payload. Header names are case-insensitive;
 * when both prefixes carry a field, {@code X-Teleforge-} wins. An {@code X-...-Agent} header stands in for
 * {@code ref} (the agent's extension) when there is no {@code X-...-Ref}.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 *
 * @since 0.1.0
 */
public final class TeleforgeHeaders {

    /** The header prefix from v4.0.0. */
    public static final String PREFIX = "x-teleforge-";
    /** The header prefix before v4.0.0. */
    public static final String LEGACY_PREFIX = "x-platforma-";

    private TeleforgeHeaders() {
    }

    /**
     * The inbound call the headers describe, or empty when there are no Teleforge headers at all.
     *
     * @throws TeleforgeFormatException naming the header's field, when the headers are there but unusable
     *                                  (no call reference, a hold time that is not a number)
     */
    public static Optional<InboundCall> fromSipHeaders(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        ObjectNode legacy = JsonNodeFactory.instance.objectNode();
        headers.forEach((name, value) -> {
            if (name == null) {
                return;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(PREFIX) && lower.length() > PREFIX.length()) {
                payload.put(field(lower, PREFIX), value);
            } else if (lower.startsWith(LEGACY_PREFIX) && lower.length() > LEGACY_PREFIX.length()) {
                legacy.put(field(lower, LEGACY_PREFIX), value);
            }
        });
        if (payload.isEmpty() && legacy.isEmpty()) {
            return Optional.empty();
        }
        legacy.fields().forEachRemaining(e -> {
            if (!payload.has(e.getKey())) {
                payload.set(e.getKey(), e.getValue());
            }
        });
        if (!payload.has("ref") && payload.has("agent")) {
            payload.set("ref", payload.remove("agent"));
        }
        return Optional.of(TeleforgeCodec.inbound(new TeleforgeCodec.Fields("SIP headers", payload, headers.toString())));
    }

    private static String field(String lowerName, String prefix) {
        return lowerName.substring(prefix.length()).replace('-', '_');
    }
}
