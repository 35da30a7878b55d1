package dev.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.forge.driver.AlertDriver;
import dev.forge.driver.DidDriver;
import dev.forge.driver.DriverException;
import dev.forge.internal.Json;

import java.util.ArrayList;
import java.util.List;

/**
 * The typed driver views: call one exported function, check the shape of what it returns.
 */
final class Drivers {

    private Drivers() {
    }

    /** Calls {@code function(args...)} on the driver and returns its result as JSON. */
    static JsonNode call(Forge forge, String scriptId, String function, JsonNode... args) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (JsonNode a : args) {
            array.add(a);
        }
        Outcome outcome = forge.invoke(Invocation.builder(scriptId).call(function, Json.write(array)).build());
        if (outcome instanceof Outcome.Ok ok) {
            return ok.data();
        }
        throw new DriverException("driver " + scriptId + ": " + function + "() did not return: " + outcome.toJson(), outcome);
    }

    private static JsonNode object(String key, String value) {
        return Json.object().put(key, value);
    }

    private static DriverException shape(String scriptId, String function, String expected, JsonNode got) {
        String text = Json.write(got);
        if (text.length() > 200) {
            text = text.substring(0, 200) + "...";
        }
        return new DriverException("driver " + scriptId + ": " + function + "() must return " + expected + "; it returned "
                + text, new Outcome.Ok(Json.write(got), 0));
    }

    private static List<JsonNode> didList(String scriptId, String function, JsonNode result) {
        String expected = "an array of objects with a string 'did', e.g. [{\"did\":\"1234\"}]";
        if (!result.isArray()) {
            throw shape(scriptId, function, expected, result);
        }
        List<JsonNode> out = new ArrayList<>(result.size());
        for (JsonNode item : result) {
            if (!item.isObject() || !item.path("did").isTextual()) {
                throw shape(scriptId, function, expected, result);
            }
            out.add(item);
        }
        return List.copyOf(out);
    }

    private static boolean bool(String scriptId, String function, JsonNode result) {
        if (!result.isBoolean()) {
            throw shape(scriptId, function, "true or false", result);
        }
        return result.booleanValue();
    }

    record Did(Forge forge, String scriptId) implements DidDriver {
        @Override
        public List<JsonNode> search(String number) {
            return didList(scriptId, "search", call(forge, scriptId, "search", object("number", number)));
        }

        @Override
        public JsonNode allocate(String did) {
            JsonNode result = call(forge, scriptId, "allocate", object("did", did));
            if (!result.isObject()) {
                throw shape(scriptId, "allocate", "an object (passed on to the DID Create API)", result);
            }
            return result;
        }

        @Override
        public boolean release(String did) {
            return bool(scriptId, "release", call(forge, scriptId, "release", object("did", did)));
        }

        @Override
        public List<JsonNode> list() {
            return didList(scriptId, "list", call(forge, scriptId, "list"));
        }
    }

    record Alert(Forge forge, String scriptId) implements AlertDriver {
        @Override
        public boolean send(JsonNode alert) {
            return bool(scriptId, "send", call(forge, scriptId, "send", alert));
        }
    }
}
