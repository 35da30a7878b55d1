package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;

/**
 * The {@code qid} of a request: an opaque JSON scalar (integer, float or string) that the platform echoes in
 * the reply. The documentation's own examples use {@code 930293482233}, {@code 0.1234} and {@code 123}, so
 * Forge never assumes an integer. Two qids are equal when their JSON text is equal.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class Qid {
    private final JsonNode value;
    private final String json;

    private Qid(JsonNode value) {
        this.value = value;
        this.json = value.toString();
    }

    /** A qid from a JSON scalar; throws {@link IllegalArgumentException} for objects, arrays, booleans or null. */
    public static Qid of(JsonNode value) {
        Objects.requireNonNull(value, "value");
        if (!value.isNumber() && !value.isTextual()) {
            throw new IllegalArgumentException("qid must be a JSON number or string, got " + value.getNodeType()
                    + ": " + value);
        }
        return new Qid(Extra.canonical(value));
    }

    public static Qid of(long value) {
        return new Qid(JsonNodeFactory.instance.numberNode(value));
    }

    public static Qid of(double value) {
        return new Qid(JsonNodeFactory.instance.numberNode(value));
    }

    public static Qid of(String value) {
        return new Qid(JsonNodeFactory.instance.textNode(Objects.requireNonNull(value, "value")));
    }

    /** The JSON value as sent on the wire (a copy). */
    public JsonNode value() {
        return value.deepCopy();
    }

    /** The JSON text of the value, e.g. {@code 0.1234} or {@code "q-7"}. */
    public String json() {
        return json;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Qid other && json.equals(other.json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return json;
    }
}
