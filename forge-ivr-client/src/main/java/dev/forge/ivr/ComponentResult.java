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
 * @param ending      how Forge learnt that it ended: by its stop event, or otherwise (see {@link Ending})
 *
 * @since 0.1.0
 */
public record ComponentResult(Component component, Component sentAs, long oId, String transferKey,
                              ObjectNode results, Map<String, JsonNode> extra, Ending ending) {

    /**
     * How a component's end was known. Only {@link #STOPPED} and {@link #INTERRUPTED} can carry the platform's
     * {@code transferKey} and {@code results}; the others have none (null and empty).
     */
    public enum Ending {
        /** Its {@code ivrapi_component_stopped} arrived: it ended by itself, or after your terminate. */
        STOPPED,
        /**
         * Your {@code ivrapi_component_terminate} (or a cancelled stage) was answered and no stop event came within
         * {@link ControlOptions#terminateGrace()}.
         */
        TERMINATED,
        /**
         * It was still running after a reconnect, and the probe that settles such a component (an
         * {@code ivrapi_component_terminate} sent {@link ControlOptions#settleAfterReaccept()} after the reaccept)
         * stopped it: it did not run to its end. The branch and results are those of its stop event, if one came.
         */
        INTERRUPTED,
        /**
         * It ended while the socket was down and its stop event was lost (a platform that does not keep a session's
         * events for a dropped socket): after the reaccept the probe found nothing to terminate, or went unanswered.
         * Its branch and return values are unknown.
         */
        LOST
    }

    public ComponentResult {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(sentAs, "sentAs");
        Objects.requireNonNull(ending, "ending");
        results = results == null ? JsonNodeFactory.instance.objectNode() : Extra.canonical(results);
        extra = Extra.copy(extra);
    }

    @Override
    public ObjectNode results() {
        return results.deepCopy();
    }

    /**
     * True when it ended because of your {@code ivrapi_component_terminate} and no stop event came within
     * {@link ControlOptions#terminateGrace()} ({@link Ending#TERMINATED}).
     */
    public boolean terminated() {
        return ending == Ending.TERMINATED;
    }

    /** True when Forge did not see it end: it ended during a disconnect and its stop event was lost. */
    public boolean lost() {
        return ending == Ending.LOST;
    }

    /** True when the probe after a reconnect stopped it before its end ({@link Ending#INTERRUPTED}). */
    public boolean interrupted() {
        return ending == Ending.INTERRUPTED;
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
