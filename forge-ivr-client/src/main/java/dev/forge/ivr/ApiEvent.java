package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The data of {@code ivrevents.api_start} and {@code ivrevents.api_stop}: IVR component 224 hands a call to
 * an external controller. {@code state} is {@code dialog | early | ringing | incoming} (may be null);
 * {@code reason} is set on api_stop only: {@code script | timeout | abort}. Thread-safety: immutable.
 *
 * @param type {@link Type#START} or {@link Type#STOP}
 *
 * @since 0.1.0
 */
public record ApiEvent(Type type, String ivrid, String key, String callid, String cid, String smId,
                       Integer componentid, String componentname, String params, String state, Long ivrts,
                       String reason) {

    public static final String EVENT_CLASS = "ivrevents";

    public enum Type {
        START("api_start"), STOP("api_stop");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public ApiEvent {
        Objects.requireNonNull(type, "type");
        Extra.require(ivrid, "ivrid");
        Extra.require(key, "key");
    }

    /** Reads an api_start / api_stop notify; empty for other events or when ivrid / key are missing. */
    public static Optional<ApiEvent> from(IvrEvent.Notify notify) {
        if (!EVENT_CLASS.equals(notify.eventClass())) {
            return Optional.empty();
        }
        Type type = notify.type().equals(Type.START.wireName) ? Type.START
                : notify.type().equals(Type.STOP.wireName) ? Type.STOP : null;
        JsonNode d = notify.data();
        if (type == null || !d.path("ivrid").isTextual() || !d.path("key").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(new ApiEvent(type, d.get("ivrid").textValue(), d.get("key").textValue(),
                text(d, "callid"), text(d, "cid"), text(d, "sm_id"),
                d.path("componentid").canConvertToInt() ? d.get("componentid").intValue() : null,
                text(d, "componentname"), text(d, "params"), text(d, "state"),
                d.path("ivrts").canConvertToLong() ? d.get("ivrts").longValue() : null, text(d, "reason")));
    }

    /** This event as the {@code notify} frame the platform sends (used by fakes and tests). */
    public IvrEvent.Notify toNotify(long eventts) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        put(d, "callid", callid);
        put(d, "cid", cid);
        if (componentid != null) {
            d.put("componentid", componentid);
        }
        put(d, "componentname", componentname);
        d.put("ivrid", ivrid);
        if (ivrts != null) {
            d.put("ivrts", ivrts);
        }
        d.put("key", key);
        put(d, "params", params);
        put(d, "sm_id", smId);
        put(d, "state", state);
        put(d, "reason", reason);
        return new IvrEvent.Notify(EVENT_CLASS, type.wireName, eventts, d, null);
    }

    private static String text(JsonNode d, String field) {
        JsonNode n = d.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    private static void put(ObjectNode d, String field, String value) {
        if (value != null) {
            d.put(field, value);
        }
    }
}
