package dev.forge.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.Outcome;
import dev.forge.ScriptException;
import dev.forge.SipStatus;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Forge's one JSON codec: outcomes in the CLI's format, and strict parsing with errors that name the field.
 * For Forge's own modules only.
 */
public final class Json {

    /** Shared, thread-safe mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {
    }

    /**
     * Parses {@code text} as one JSON value.
     *
     * @throws IllegalArgumentException naming {@code field} and what is wrong, with the line and column
     */
    public static JsonNode parse(String field, String text) {
        if (text == null) {
            throw new IllegalArgumentException(field + ": missing; expected JSON");
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException(field + ": empty; expected JSON such as {\"routing\":{}}");
            }
            return node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new IllegalArgumentException(field + ": not valid JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    /** Writes a tree as compact JSON. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An outcome as one line of JSON in the {@code forge run} format. */
    public static String outcome(Outcome outcome) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("outcome", outcome.name());
            if (outcome instanceof Outcome.Ok ok) {
                g.writeFieldName("data");
                g.writeRawValue(ok.dataJson());
            } else if (outcome instanceof Outcome.Failed failed) {
                ScriptException e = failed.error();
                g.writeObjectFieldStart("error");
                g.writeStringField("kind", e.kind().id());
                g.writeStringField("message", e.getMessage());
                g.writeNumberField("line", e.line());
                g.writeNumberField("column", e.column());
                g.writeStringField("stack", e.scriptStack());
                g.writeEndObject();
            } else {
                SipStatus sip = outcome.sip();
                g.writeObjectFieldStart("sip");
                g.writeNumberField("code", sip.code());
                g.writeStringField("reason", sip.reason());
                g.writeEndObject();
                if (outcome instanceof Outcome.Overloaded o) {
                    g.writeStringField("why", o.why());
                }
            }
            g.writeNumberField("micros", outcome.micros());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Reads an outcome written by {@link #outcome}. */
    public static Outcome readOutcome(String json) {
        JsonNode n = parse("outcome", json);
        long micros = n.path("micros").asLong();
        String name = n.path("outcome").asText("");
        switch (name) {
            case "ok":
                return new Outcome.Ok(write(n.get("data")), micros);
            case "rejected":
                return new Outcome.Rejected(sip(n), micros);
            case "timeout":
                return new Outcome.TimedOut(sip(n), micros);
            case "overloaded":
                return new Outcome.Overloaded(sip(n), n.path("why").asText(""), micros);
            case "error":
                JsonNode e = n.path("error");
                return new Outcome.Failed(new ScriptException(ScriptException.Kind.parse(e.path("kind").asText("host")),
                        e.path("message").asText(""), e.path("stack").asText(""), e.path("line").asInt(),
                        e.path("column").asInt()), micros);
            default:
                throw new IllegalArgumentException("outcome: unknown outcome '" + name + "'");
        }
    }

    private static SipStatus sip(JsonNode n) {
        return new SipStatus(n.path("sip").path("code").asInt(), n.path("sip").path("reason").asText(""));
    }

    /** A fresh empty object node. */
    /** {@code text} as a JSON string literal. */
    public static String quote(String text) {
        return write(MAPPER.getNodeFactory().textNode(text));
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
