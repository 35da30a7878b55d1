package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A frame the platform pushes without a request: a subscription {@code notify}, a DTMF digit, a stopped component. *
/** A frame the platform pushes without a request: a subscription {@code notify}, a DTMF digit, a stopped component. * @since 0.1.0
/** A frame the platform pushes without a request: a subscription {@code notify}, a DTMF digit, a stopped component. */
public sealed interface IvrEvent extends IvrFrame {

    /**
     * {@code ["notify", {"class", "type", "eventts", "data"}]}: one event of a subscribed class. For
     * {@code ivrevents} {@code api_start} / {@code api_stop}, {@link #apiEvent()} reads {@code data}.
     */
    record Notify(String eventClass, String type, long eventts, JsonNode data, Map<String, JsonNode> extra)
            implements IvrEvent {
        public Notify {
            Extra.require(eventClass, "eventClass");
            Extra.require(type, "type");
            data = Extra.canonical(Objects.requireNonNull(data, "data"));
            extra = Extra.copy(extra);
        }

        @Override
        public JsonNode data() {
            return data.deepCopy();
        }

        @Override
        public String name() {
            return "notify";
        }

        /** The typed {@code ivrevents.api_start} / {@code api_stop} event, or empty for any other notify. */
        public Optional<ApiEvent> apiEvent() {
            return ApiEvent.from(this);
        }
    }

    /**
     * {@code ["ivrapi_dtmf", {"key", "ivrid", "mode", "oId"?, "dtmf"}]}: a digit pressed while the session is
     * controlled; {@code mode} is {@code idle} or {@code component} (then {@code oId} names the component).
     */
    record Dtmf(String key, String ivrid, String mode, Long oId, String dtmf, Map<String, JsonNode> extra)
            implements IvrEvent {
        public Dtmf {
            Extra.require(key, "key");
            Extra.require(ivrid, "ivrid");
            Extra.require(mode, "mode");
            Extra.require(dtmf, "dtmf");
            extra = Extra.copy(extra);
        }

        @Override
        public String name() {
            return "ivrapi_dtmf";
        }
    }

    /**
     * {@code ["ivrapi_component_stopped", {"oId", "transferKey", "results"}]}: an applied component ended on the
     * branch {@code transferKey} with its return values. The seed shows no session fields; a platform that sends
     * {@code key} / {@code ivrid} has them kept in {@link #extra()} and readable by {@link #ivrid()}.
     */
    record ComponentStopped(Long oId, String transferKey, JsonNode results, Map<String, JsonNode> extra)
            implements IvrEvent {
        public ComponentStopped {
            results = Extra.canonical(results);
            extra = Extra.copy(extra);
        }

        @Override
        public JsonNode results() {
            return results == null ? null : results.deepCopy();
        }

        @Override
        public String name() {
            return "ivrapi_component_stopped";
        }

        /** The {@code ivrid} field if the platform sent one. */
        public Optional<String> ivrid() {
            JsonNode node = extra.get("ivrid");
            return node != null && node.isTextual() ? Optional.of(node.textValue()) : Optional.empty();
        }
    }
}
