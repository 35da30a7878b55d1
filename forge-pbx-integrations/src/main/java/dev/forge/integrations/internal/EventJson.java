package dev.forge.integrations.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON of the events: records bound by Jackson, absent optional fields left out, and errors turned into
 * messages that name the event, the field's path and what was wrong, e.g.
 * {@code cdr: trunklegs[1].start: expected a whole number, got "soon"}.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class EventJson {

    /** Lenient about fields it does not know (newer PBX versions), strict about the ones it does. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private EventJson() {
    }

    /** Writes a record as one line of JSON. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@code json} as a {@code type}.
     *
     * @param what the name of the thing in errors, e.g. {@code group event}
     * @throws IllegalArgumentException {@code <what>: <path>: <problem>}
     */
    public static <T> T read(String what, String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException(what + ": missing; expected a JSON object");
        }
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new IllegalArgumentException(what + ": expected a JSON object, got null");
            }
            return value;
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            String detail = cause instanceof IllegalArgumentException && cause.getMessage() != null
                    ? cause.getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException(what + ": " + prefix(e.getPath()) + detail);
        } catch (InvalidFormatException e) {
            throw new IllegalArgumentException(what + ": " + path(e.getPath()) + ": expected " + kind(e.getTargetType())
                    + ", got " + shown(e.getValue()));
        } catch (MismatchedInputException e) {
            String where = e.getPath().isEmpty() ? "the whole event" : path(e.getPath());
            throw new IllegalArgumentException(what + ": " + (e.getPath().isEmpty() ? "" : where + ": ") + "expected "
                    + (e.getPath().isEmpty() ? "a JSON object" : kind(e.getTargetType())) + ", got something else");
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(what + ": " + prefix(e.getPath()) + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new IllegalArgumentException(what + ": not valid JSON"
                    + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
                    + ": " + e.getOriginalMessage());
        }
    }

    /** The path of the object being built, as a prefix for a message about one of its fields. */
    private static String prefix(List<JsonMappingException.Reference> refs) {
        String p = path(refs);
        return p.isEmpty() ? "" : p + ".";
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String shown(Object value) {
        if (value instanceof String s) {
            return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        return String.valueOf(value);
    }
}
