package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Copies the unknown fields of a frame, which the codec keeps so that a frame round-trips unchanged. */
final class Extra {
    private Extra() {
    }

    static Map<String, JsonNode> copy(Map<String, JsonNode> extra) {
        if (extra == null || extra.isEmpty()) {
            return Map.of();
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        extra.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "extra key"),
                Objects.requireNonNull(v, "extra value").deepCopy()));
        return Collections.unmodifiableMap(copy);
    }

    static String require(String value, String name) {
        return Objects.requireNonNull(value, name);
    }
}
