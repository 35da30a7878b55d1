package dev.forge.testkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;

/**
 * JSON for the test kit's runtime parts (the JUnit extension, the fakes). They may run in a vendor's unnamed
 * module beside Forge's named ones (a modular project's tests on the module path), where forge-api's
 * {@code dev.forge.internal} is out of reach, so they use Jackson through this and never Forge's internals.
 *
 * <p>Thread-safety: stateless; the mapper is thread-safe.
 */
public final class TestJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }

    /** {@code text} as a tree; an error names {@code what} and where the text went wrong. */
    public static JsonNode parse(String what, String text) {
        try {
            JsonNode node = text == null ? null : MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException(what + ": no JSON value in '" + text + "'");
            }
            return node;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new IllegalArgumentException(what + ": not valid JSON" + (at == null ? "" : " at line "
                    + at.getLineNr() + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage(), e);
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
