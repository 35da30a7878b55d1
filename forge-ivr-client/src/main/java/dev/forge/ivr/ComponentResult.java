package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How an applied component ended: the fields of its {@code ivrapi_component_stopped}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param component   the component as applied
 * @param sentAs      the component as sent: differs from {@code component} when a transfer or hangup went out
 *                    as a SIP response before the dialog was confirmed
 * @param oId         the oId the controller gave it
 * @param transferKey the branch the component left by (e.g. {@code transfer}), or null
 * @param results     its return values, e.g. {@code {"dtmfBuffer": "78"}}; empty when none were sent
 * @param extra       the event's other fields
 * @param terminated  true when it ended because of {@code ivrapi_component_terminate} and no stop event came
 *                    within {@link ControlOptions#terminateGrace()} (then {@code transferKey} is null and
 *                    {@code results} empty)
 */
public record ComponentResult(Component component, Component sentAs, long oId, String transferKey,
                              ObjectNode results, Map<String, JsonNode> extra, boolean terminated) {

    public ComponentResult {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(sentAs, "sentAs");
        results = results == null ? JsonNodeFactory.instance.objectNode() : Extra.canonical(results);
        extra = Extra.copy(extra);
    }

    @Override
    public ObjectNode results() {
        return results.deepCopy();
    }

    /** A return value as text (numbers and booleans as their JSON text), or empty when it is missing or null. */
    public Optional<String> result(String name) {
        JsonNode n = results.get(name);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        return Optional.of(n.isValueNode() ? n.asText() : n.toString());
    }

    /** The digits the component collected, the seed's {@code dtmfBuffer} result; empty string when none. */
    public String dtmfBuffer() {
        return result("dtmfBuffer").orElse("");
    }
}
