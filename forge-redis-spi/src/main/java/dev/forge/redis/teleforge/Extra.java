package dev.forge.redis.teleforge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The records' unknown fields: an unmodifiable copy that keeps order and JSON nulls. Thread-safety: stateless. */
final class Extra {

    private Extra() {
    }

    static Map<String, Object> copy(Map<String, Object> extra) {
        return extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    static String channel(String prefix, String ref) {
        return prefix + (ref == null ? "*" : ref);
    }
}
