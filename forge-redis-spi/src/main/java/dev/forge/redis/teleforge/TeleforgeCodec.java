package dev.forge.redis.teleforge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.internal.Json;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns Teleforge's JSON ({@code {type, payload}}) into {@link TeleforgeNotification} records and back.
 *
 * <p>The key decides the family (see {@link TeleforgeKeys}), the envelope's {@code type} the record. Text fields
 * accept JSON strings or numbers; second counts accept numbers or numeric strings ({@code ""} is absent).
 * Anything else wrong is a {@link TeleforgeFormatException} naming the field and the value.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 *
 * @since 0.1.0
 */
public final class TeleforgeCodec {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TeleforgeCodec() {
    }

    /**
     * Decodes one notification that arrived on {@code key} (a list or a Pub/Sub channel).
     *
     * @throws TeleforgeFormatException with the reason, when the text is not a notification Forge knows
     */
    public static TeleforgeNotification decode(String key, String json) {
        if (key == null) {
            throw new TeleforgeFormatException("(none)", "key: missing", json);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json == null ? "" : json);
        } catch (Exception e) {
            throw new TeleforgeFormatException(key, "not valid JSON: " + firstLine(e.getMessage()), json);
        }
        if (root == null || !root.isObject()) {
            throw new TeleforgeFormatException(key, "expected a JSON object {type, payload}, got "
                    + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)), json);
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw new TeleforgeFormatException(key, "type: missing or not a string", json);
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new TeleforgeFormatException(key, "payload: missing or not an object", json);
        }
        return decode(key, type.asText(), new Fields(key, (ObjectNode) payload.deepCopy(), json));
    }

    private static TeleforgeNotification decode(String key, String type, Fields f) {
        if (key.equals(TeleforgeKeys.INBOUND) && type.equals("call")) {
            return inbound(f);
        }
        if (key.startsWith(TeleforgeKeys.AGENT_CHANNELS) && type.equals("call")) {
            return new AgentCall(f.required("call_ref"), f.text("agent"), f.text("contact_ref"), f.text("number"),
                    f.text("ref"), f.rest());
        }
        if (key.startsWith(TeleforgeKeys.AGENT_CHANNELS) && type.equals("status")) {
            return new AgentStatus(f.state("status", AgentStatus.State.class), f.text("campaign_ref"), f.text("ref"),
                    f.rest());
        }
        if (key.startsWith(TeleforgeKeys.CAMPAIGN_CHANNELS) && type.equals("status")) {
            return new CampaignStatus(f.state("status", CampaignStatus.State.class), f.text("ref"), f.rest());
        }
        if (key.startsWith(TeleforgeKeys.CAMPAIGN_CHANNELS) && type.equals("dial_preview")) {
            return new CampaignPreview(f.callees(), f.text("ref"), f.rest());
        }
        if (key.equals(TeleforgeKeys.DIALLER_CDRS) && type.equals("cdr")) {
            return new DiallerCdr(f.text("extension"), f.required("call_ref"), f.text("contact_ref"),
                    f.text("dialed_at"), f.text("end_reason"), f.text("end_code"), f.seconds("call_time"),
                    f.text("call_dir"), f.text("recording_url"), f.text("ref"), f.text("client_number"),
                    f.text("dial_number"), f.rest());
        }
        if (key.equals(TeleforgeKeys.CLICK2DIAL_CDRS) && type.equals("cdr")) {
            String number = f.text("number");
            String extension = f.text("extension");
            String dialNumber = f.text("dial_number");
            String callRef = f.required("call_ref");
            String ref = f.text("ref");
            return new ClickToDialCdr(extension, number != null ? number : ref, dialNumber, callRef,
                    f.text("contact_ref"), f.text("dialed_at"), f.text("end_reason"), f.text("end_code"),
                    f.seconds("call_time"), f.seconds("hold_time"), f.text("call_dir"), f.text("recording_url"), ref,
                    f.rest());
        }
        if (!key.equals(TeleforgeKeys.INBOUND) && !key.equals(TeleforgeKeys.DIALLER_CDRS)
                && !key.equals(TeleforgeKeys.CLICK2DIAL_CDRS) && !key.startsWith(TeleforgeKeys.AGENT_CHANNELS)
                && !key.startsWith(TeleforgeKeys.CAMPAIGN_CHANNELS)) {
            throw f.error("key: '" + key + "' is not a Teleforge notification key (" + TeleforgeKeys.BASE + ":...)");
        }
        throw f.error("type: '" + type + "' is not a notification type on '" + key + "'");
    }

    /** The inbound payload, v3 ({@code call_dir}) or older ({@code campaign_ref: "inbound"}). */
    static InboundCall inbound(Fields f) {
        String number = f.text("number");
        String dialNumber = f.text("dial_number");
        Integer holdTime = f.seconds("hold_time");
        String callRef = f.required("call_ref");
        String contactRef = f.text("contact_ref");
        String direction = f.text("call_dir");
        if (direction == null && "inbound".equals(f.peek("campaign_ref"))) {
            direction = f.text("campaign_ref");
        }
        return new InboundCall(number, dialNumber, holdTime, callRef, contactRef, direction, f.text("ref"), f.rest());
    }

    /** The envelope a script receives: {@code {"key":..., "type":..., "payload":{...}}}, the payload in wire names. */
    public static ObjectNode envelope(TeleforgeNotification n) {
        ObjectNode root = NODES.objectNode();
        root.put("key", n.key());
        root.put("type", n.type());
        root.set("payload", payload(n));
        return root;
    }

    /** The payload in Teleforge's own field names (v3 form: {@code call_dir}), unknown fields after the known ones. */
    public static ObjectNode payload(TeleforgeNotification n) {
        return tree((Record) n, true);
    }

    /**
     * The record as JSON with its Java component names ({@code callRef}, {@code holdTime}, ...) and
     * {@code extra} as a nested object: the shape {@code forge teleforge listen} prints.
     */
    public static ObjectNode fields(TeleforgeNotification n) {
        return tree((Record) n, false);
    }

    private static ObjectNode tree(Record r, boolean wire) {
        ObjectNode out = NODES.objectNode();
        Map<?, ?> extra = Map.of();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(r);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("teleforge: cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
            }
            if (wire && c.getName().equals("extra")) {
                extra = (Map<?, ?>) value;
                continue;
            }
            out.set(wire ? wireName(c.getName()) : c.getName(), node(value, wire));
        }
        extra.forEach((k, v) -> {
            if (!out.has(k.toString())) {
                out.set(k.toString(), node(v, wire));
            }
        });
        return out;
    }

    private static JsonNode node(Object value, boolean wire) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Enum<?> e) {
            return NODES.textNode(e.name().toLowerCase(Locale.ROOT));
        }
        if (value instanceof Record r) {
            return tree(r, wire);
        }
        if (value instanceof Collection<?> list) {
            var array = NODES.arrayNode();
            list.forEach(v -> array.add(node(v, wire)));
            return array;
        }
        return Json.MAPPER.valueToTree(value);
    }

    private static String wireName(String component) {
        if (component.equals("direction")) {
            return "call_dir";
        }
        StringBuilder b = new StringBuilder();
        for (char c : component.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A payload being read: each field read is taken out, so what is left is {@code extra}. */
    static final class Fields {
        private final String key;
        private final ObjectNode payload;
        private final String raw;

        Fields(String key, ObjectNode payload, String raw) {
            this.key = key;
            this.payload = payload;
            this.raw = raw;
        }

        TeleforgeFormatException error(String reason) {
            return new TeleforgeFormatException(key, reason, raw);
        }

        String peek(String name) {
            JsonNode v = payload.get(name);
            return v == null || !v.isValueNode() || v.isNull() ? null : v.asText();
        }

        String text(String name) {
            JsonNode v = payload.remove(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isValueNode()) {
                throw error(name + ": expected a string, got " + v);
            }
            return v.asText();
        }

        String required(String name) {
            String v = text(name);
            if (v == null || v.isBlank()) {
                throw error(name + ": missing or empty; it is required");
            }
            return v;
        }

        Integer seconds(String name) {
            JsonNode v = payload.remove(name);
            if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
                return null;
            }
            if (v.canConvertToInt() && v.isIntegralNumber()) {
                return v.intValue();
            }
            if (v.isTextual()) {
                try {
                    return Integer.parseInt(v.asText().trim());
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw error(name + ": expected whole seconds, got " + v);
        }

        <E extends Enum<E>> E state(String name, Class<E> type) {
            String v = text(name);
            List<String> allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
            if (v == null || !allowed.contains(v.toLowerCase(Locale.ROOT))) {
                throw error(name + ": '" + v + "' is not one of " + allowed);
            }
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        }

        List<CampaignPreview.Callee> callees() {
            JsonNode v = payload.remove("callees");
            if (v == null || !v.isArray()) {
                throw error("callees: expected an array of {number, contact_ref}, got " + v);
            }
            List<CampaignPreview.Callee> out = new ArrayList<>();
            for (JsonNode c : v) {
                if (!c.isObject() || c.get("number") == null || !c.get("number").isValueNode() || c.get("number").isNull()) {
                    throw error("callees: each callee needs a number, got " + c);
                }
                JsonNode ref = c.get("contact_ref");
                out.add(new CampaignPreview.Callee(c.get("number").asText(),
                        ref == null || ref.isNull() ? null : ref.asText()));
            }
            return out;
        }

        Map<String, Object> rest() {
            Map<String, Object> extra = new LinkedHashMap<>();
            payload.fields().forEachRemaining(e -> extra.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class)));
            return extra;
        }
    }
}
