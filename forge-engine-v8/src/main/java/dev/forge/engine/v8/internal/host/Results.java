package dev.forge.engine.v8.internal.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Outcome;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import dev.forge.SipStatus;
import dev.forge.engine.v8.internal.child.Stacks;
import dev.forge.engine.v8.internal.wire.Tags;
import dev.forge.internal.Json;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the prelude hands back (one tagged string, see {@link Tags}) into an outcome. Also decides
 * what counts as a SIP rejection: a thrown string or error message that starts with a code from 300 to
 * 699, or an array {@code [code, reason]}. Anything else a script throws is a failure.
 *
 * <p>Thread-safety: stateless.
 */
final class Results {

    private static final Pattern SIP = Pattern.compile("\\s*([3-6]\\d\\d)(?:\\s+(.*?))?\\s*", Pattern.DOTALL);

    private static final Map<Integer, String> PHRASES = Map.ofEntries(
            Map.entry(300, "Multiple Choices"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Moved Temporarily"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(402, "Payment Required"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(408, "Request Timeout"),
            Map.entry(480, "Temporarily Unavailable"), Map.entry(484, "Address Incomplete"),
            Map.entry(486, "Busy Here"), Map.entry(487, "Request Terminated"), Map.entry(488, "Not Acceptable Here"),
            Map.entry(500, "Server Internal Error"), Map.entry(503, "Service Unavailable"),
            Map.entry(600, "Busy Everywhere"), Map.entry(603, "Decline"), Map.entry(604, "Does Not Exist Anywhere"));

    private static final String STACK_OVERFLOW = "Maximum call stack size exceeded";

    /** Names that exist in Apps only: a Script that reaches for one is told why it is missing. */
    private static final Pattern APP_ONLY = Pattern.compile(
            "(require|setTimeout|setInterval|clearTimeout|clearInterval|fetch|datastore) is not defined");

    private Results() {
    }

    /**
     * The outcome of a settled result (the caller has handled {@link Tags#PENDING}).
     *
     * @throws IllegalArgumentException when the data the host passed is not JSON (a host mistake)
     */
    static Outcome outcome(Call call, String result, String resourceName) {
        if (result == null || result.isEmpty()) {
            return call.failed(ScriptException.Kind.HOST, "the engine returned no result");
        }
        return switch (result.charAt(0)) {
            case Tags.THROWN_STRING -> {
                String text = result.substring(1);
                yield thrownText(call, text, text, "", resourceName);
            }
            case Tags.THROWN_ARRAY -> thrownArray(call, result.substring(1));
            case Tags.THROWN_ERROR -> thrownError(call, result.substring(1), resourceName);
            case Tags.BAD_DATA -> throw new IllegalArgumentException("data: not valid JSON: " + result.substring(1));
            default -> new Outcome.Ok(result, call.elapsedMicros());
        };
    }

    /** The SIP status a thrown text stands for, or {@code null} if it is not a rejection. */
    static SipStatus rejection(String text) {
        Matcher m = SIP.matcher(text);
        if (!m.matches()) {
            return null;
        }
        int code = Integer.parseInt(m.group(1));
        String reason = m.group(2);
        if (reason == null || reason.isBlank()) {
            reason = PHRASES.getOrDefault(code, "Rejected");
        }
        return new SipStatus(code, reason);
    }

    private static Outcome thrownText(Call call, String text, String message, String stack, String resourceName) {
        SipStatus sip = rejection(text);
        if (sip != null) {
            return new Outcome.Rejected(sip, call.elapsedMicros());
        }
        int[] where = Stacks.position(stack, resourceName);
        return call.failed(new ScriptException(ScriptException.Kind.RUNTIME, message, stack, where[0], where[1]));
    }

    private static Outcome thrownArray(Call call, String json) {
        JsonNode array = Json.parse("rejection", json);
        if (array.size() >= 1 && array.get(0).canConvertToInt()) {
            int code = array.get(0).asInt();
            JsonNode reason = array.get(1);
            if (code >= 300 && code <= 699 && array.get(0).isIntegralNumber()) {
                String phrase = reason != null && reason.isTextual() && !reason.asText().isBlank()
                        ? reason.asText() : PHRASES.getOrDefault(code, "Rejected");
                return new Outcome.Rejected(new SipStatus(code, phrase), call.elapsedMicros());
            }
        }
        return call.failed(ScriptException.Kind.RUNTIME, "the script rejected with " + json
                + "; a rejection is [code, reason] with a SIP code from 300 to 699");
    }

    private static Outcome thrownError(Call call, String json, String resourceName) {
        JsonNode e = Json.parse("error", json);
        String name = e.path("name").asText("");
        String message = e.path("message").asText("");
        String stack = Stacks.withoutForgeFrames(e.path("stack").asText(""));
        if ("RangeError".equals(name) && message.contains(STACK_OVERFLOW)) {
            int[] where = Stacks.position(stack, resourceName);
            return call.failed(new ScriptException(ScriptException.Kind.STACK, "RangeError: " + message, stack, where[0], where[1]));
        }
        String full = name.isEmpty() ? message : name + ": " + message;
        if ("ReferenceError".equals(name) && call.script.kind() == ScriptKind.SCRIPT && APP_ONLY.matcher(message).matches()) {
            full += " (a Script is synchronous and has no modules, timers, datastore or fetch; make it an App, type app)";
        }
        return thrownText(call, message, full, stack, resourceName);
    }
}
