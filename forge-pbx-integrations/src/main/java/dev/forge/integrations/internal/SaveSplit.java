package dev.forge.integrations.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The rules of a front end's {@code save(form)}: what it returned is split into the public object and the
 * private part, and a private part left empty keeps the secret that was stored.
 *
 * <p>Thread-safety: stateless.
 */
public final class SaveSplit {

    /**
     * The two parts of a save.
     *
     * @param publicData  the public object
     * @param privateData the private part, or null when the save gave none
     */
    public record Parts(ObjectNode publicData, JsonNode privateData) {
    }

    private SaveSplit() {
    }

    /**
     * Splits {@code saved}: an array is {@code [public, private]}; anything else is the public object alone.
     *
     * @throws IllegalArgumentException if the public part is not an object
     */
    public static Parts split(JsonNode saved) {
        if (saved == null || saved.isNull() || saved.isMissingNode()) {
            throw new IllegalArgumentException("save: returned nothing; return the public object, or [public, private]");
        }
        JsonNode pub = saved;
        JsonNode pri = null;
        if (saved.isArray()) {
            if (saved.isEmpty() || saved.size() > 2) {
                throw new IllegalArgumentException("save: returned an array of " + saved.size()
                        + " entries; return [public, private] or just the public object");
            }
            pub = saved.get(0);
            pri = saved.size() > 1 ? saved.get(1) : null;
        }
        if (!pub.isObject()) {
            throw new IllegalArgumentException("save: the public part must be an object, got " + describe(pub));
        }
        return new Parts((ObjectNode) pub.deepCopy(), pri == null ? null : pri.deepCopy());
    }

    /** Whether a private part says nothing: absent, null, an empty string, or an object of such. */
    public static boolean isEmpty(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return true;
        }
        if (value.isTextual()) {
            return value.asText().isEmpty();
        }
        if (value.isObject()) {
            for (JsonNode entry : value) {
                if (!isEmpty(entry)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The secret to store after a save: entries left empty keep their old values, others replace them.
     *
     * @param old      the stored secret, or null
     * @param incoming the private part of the save, or null
     * @return the secret to store, or null to leave the stored one as it is
     */
    public static JsonNode mergeSecret(JsonNode old, JsonNode incoming) {
        if (isEmpty(incoming)) {
            return null;
        }
        if (!incoming.isObject()) {
            return incoming;
        }
        ObjectNode merged = old != null && old.isObject() ? ((ObjectNode) old).deepCopy() : EventJson.MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = incoming.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!isEmpty(field.getValue())) {
                merged.set(field.getKey(), field.getValue());
            }
        }
        return merged;
    }

    static String describe(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }
}
