package dev.forge.ivr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Copies the JSON held by frames. Values are stored in the form the parser gives them (an {@code int} that
 * fits is an IntNode, not a LongNode), so that two frames with the same JSON are equal however they were built.
 * Copies the unknown fields of a frame, which the codec keeps so that a frame round-trips unchanged. */
final class Extra {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Extra() {
    }

    /** A deep copy of {@code node} in canonical parsed form, or null. */
    @SuppressWarnings("unchecked")
    static <T extends JsonNode> T canonical(T node) {
        if (node == null) {
            return null;
        }
        try {
            return (T) MAPPER.readTree(node.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Jackson could not re-read its own output: " + node, e);
        }
    }

    static Map<String, JsonNode> copy(Map<String, JsonNode> extra) {
        if (extra == null || extra.isEmpty()) {
            return Map.of();
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        extra.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "extra key"),
                canonical(Objects.requireNonNull(v, "extra value"))));
        return Collections.unmodifiableMap(copy);
    }

    static String require(String value, String name) {
        return Objects.requireNonNull(value, name);
    }
}
