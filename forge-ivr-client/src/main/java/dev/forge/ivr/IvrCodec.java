package dev.forge.ivr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes {@link IvrFrame}s as ivrapi JSON text, {@code ["name", {...}]}, and decodes text into frames. Known
 * fields are written first, then the frame's unknown fields in order, so {@code decode(encode(f))} equals
 * {@code f}. A frame that is not a two-element array of a name and an object, or whose known fields have the
 * wrong type, throws {@link IvrProtocolException}; a frame with an unknown name decodes to
 * {@link IvrFrame.UnknownFrame}.
 *
 * <p>Thread-safety: immutable and safe to share.
 *
 * @since 0.1.0
 */
public final class IvrCodec {
    private final ObjectMapper mapper;

    public IvrCodec() {
        this(new ObjectMapper());
    }

    /** A codec using the host's mapper; Forge only reads trees with it. */
    public IvrCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    public String encode(IvrFrame frame) {
        Objects.requireNonNull(frame, "frame");
        ObjectNode body = mapper.createObjectNode();
        writeKnown(frame, body);
        frame.extra().forEach((k, v) -> {
            if (body.has(k)) {
                throw new IllegalArgumentException("extra field '" + k + "' of " + frame.name()
                        + " collides with a typed field; set it through the record component instead");
            }
            body.set(k, v);
        });
        ArrayNode array = mapper.createArrayNode().add(frame.name());
        array.add(body);
        return array.toString();
    }

    public IvrFrame decode(String text) {
        JsonNode tree;
        try {
            tree = mapper.readTree(Objects.requireNonNull(text, "text"));
        } catch (JsonProcessingException e) {
            throw new IvrProtocolException("not JSON (" + e.getOriginalMessage() + ")", text, e);
        }
        if (tree == null || !tree.isArray() || tree.size() != 2 || !tree.get(0).isTextual()
                || !tree.get(1).isObject()) {
            throw new IvrProtocolException("not a two-element array of a name and an object", text, null);
        }
        try {
            return read(tree.get(0).textValue(), new Body((ObjectNode) tree.get(1)));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IvrProtocolException(tree.get(0).textValue() + ": " + e.getMessage(), text, e);
        }
    }

    private static void writeKnown(IvrFrame frame, ObjectNode b) {
        if (frame instanceof IvrRequest r) {
            b.set("qid", r.qid().value());
        }
        if (frame instanceof IvrRequest.Subscribe s) {
            b.put("class", s.eventClass()).put("id", s.id()).put("expires", s.expires());
        } else if (frame instanceof IvrRequest.SessionCommand c) {
            b.put("key", c.key()).put("ivrid", c.ivrid());
        } else if (frame instanceof IvrRequest.ComponentApply a) {
            b.put("key", a.key()).put("ivrid", a.ivrid()).set("data", a.data());
        } else if (frame instanceof IvrRequest.FileGetPath f) {
            b.put("key", f.key()).put("ivrid", f.ivrid()).put("path", f.path());
        } else if (frame instanceof IvrRequest.FileUploadTemp f) {
            b.put("key", f.key()).put("ivrid", f.ivrid()).put("url", f.url());
        } else if (frame instanceof IvrRequest.FileUploadStatic f) {
            if (!f.sessionless()) {
                b.put("key", f.key()).put("ivrid", f.ivrid());
            }
            b.put("url", f.url()).put("destpath", f.destpath());
        } else if (frame instanceof IvrReply r) {
            b.set("qid", r.qid().value());
            if (r.result() != null) {
                b.set("result", r.result());
            }
        } else if (frame instanceof IvrEvent.Notify n) {
            b.put("class", n.eventClass()).put("type", n.type()).put("eventts", n.eventts()).set("data", n.data());
        } else if (frame instanceof IvrEvent.Dtmf d) {
            b.put("key", d.key()).put("ivrid", d.ivrid()).put("mode", d.mode());
            if (d.oId() != null) {
                b.put("oId", d.oId());
            }
            b.put("dtmf", d.dtmf());
        } else if (frame instanceof IvrEvent.ComponentStopped s) {
            if (s.oId() != null) {
                b.put("oId", s.oId());
            }
            if (s.transferKey() != null) {
                b.put("transferKey", s.transferKey());
            }
            if (s.results() != null) {
                b.set("results", s.results());
            }
        }
    }

    private static IvrFrame read(String name, Body b) {
        IvrRequest.Command command = IvrRequest.Command.byWireName(name);
        if (command != null) {
            return new IvrRequest.SessionCommand(command, b.qid(), b.text("key"), b.text("ivrid"), b.rest());
        }
        if (name.endsWith("_result")) {
            return new IvrReply(name.substring(0, name.length() - "_result".length()), b.qid(), b.take("result"),
                    b.rest());
        }
        switch (name) {
            case "connection_info":
                return new IvrRequest.ConnectionInfo(b.qid(), b.rest());
            case "subscribe":
                return new IvrRequest.Subscribe(b.qid(), b.text("class"), b.text("id"), b.number("expires"),
                        b.rest());
            case "ivrapi_component_apply":
                JsonNode data = b.take("data");
                if (!(data instanceof ObjectNode)) {
                    throw new IllegalArgumentException("field 'data' must be an object, got " + data);
                }
                return new IvrRequest.ComponentApply(b.qid(), b.text("key"), b.text("ivrid"), (ObjectNode) data,
                        b.rest());
            case "ivrapi_file_get_path":
                return new IvrRequest.FileGetPath(b.qid(), b.text("key"), b.text("ivrid"), b.text("path"),
                        b.rest());
            case "ivrapi_file_upload_temp":
                return new IvrRequest.FileUploadTemp(b.qid(), b.text("key"), b.text("ivrid"), b.text("url"),
                        b.rest());
            case "ivrapi_file_upload_static":
                return new IvrRequest.FileUploadStatic(b.qid(), b.text("key"), b.text("ivrid"), b.text("url"),
                        b.text("destpath"), b.rest());
            case "file_upload_static":
                return new IvrRequest.FileUploadStatic(b.qid(), null, null, b.text("url"), b.text("destpath"),
                        b.rest());
            case "notify":
                JsonNode payload = b.take("data");
                return new IvrEvent.Notify(b.text("class"), b.text("type"), b.number("eventts"),
                        Objects.requireNonNull(payload, "field 'data' is missing"), b.rest());
            case "ivrapi_dtmf":
                return new IvrEvent.Dtmf(b.text("key"), b.text("ivrid"), b.text("mode"), b.optionalNumber("oId"),
                        b.text("dtmf"), b.rest());
            case "ivrapi_component_stopped":
                return new IvrEvent.ComponentStopped(b.optionalNumber("oId"), b.optionalText("transferKey"),
                        b.take("results"), b.rest());
            default:
                return new IvrFrame.UnknownFrame(name, b.rest());
        }
    }

    /** The body of a frame being decoded: each typed read removes its field, {@link #rest()} keeps the others. */
    private static final class Body {
        private final Map<String, JsonNode> fields = new LinkedHashMap<>();

        Body(ObjectNode node) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), e.getValue());
            }
        }

        JsonNode take(String name) {
            return fields.remove(name);
        }

        Qid qid() {
            JsonNode qid = take("qid");
            if (qid == null) {
                throw new IllegalArgumentException("field 'qid' is missing");
            }
            return Qid.of(qid);
        }

        String text(String name) {
            String value = optionalText(name);
            if (value == null) {
                throw new IllegalArgumentException("field '" + name + "' is missing");
            }
            return value;
        }

        String optionalText(String name) {
            JsonNode n = take(name);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw new IllegalArgumentException("field '" + name + "' must be a string, got " + n);
            }
            return n.textValue();
        }

        long number(String name) {
            Long value = optionalNumber(name);
            if (value == null) {
                throw new IllegalArgumentException("field '" + name + "' is missing");
            }
            return value;
        }

        Long optionalNumber(String name) {
            JsonNode n = take(name);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw new IllegalArgumentException("field '" + name + "' must be an integer, got " + n);
            }
            return n.longValue();
        }

        Map<String, JsonNode> rest() {
            return fields;
        }
    }
}
