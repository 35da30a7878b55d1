package dev.forge.testkit.ivr;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened to one call of a {@link FakeIvrPlatform}, for assertions and for {@code forge ivr-sim}'s output.
 *
 * <p>Thread-safety: immutable.
 *
 * @param outcome      how it ended
 * @param stopReason   the api_stop reason sent (null while running)
 * @param applied      the {@code data} of every component applied, in order
 * @param dtmfSent     the digits the fake pressed
 * @param transferTo   the number of a transfer or 3xx redirect, else null
 * @param sipCode      the code of the final SIP response the controller sent, else null
 * @param accepts      accepted {@code ivrapi_accept}s (0 or 1)
 * @param reaccepts    {@code ivrapi_reaccept}s answered ok
 * @param rivalRefused true when a competing controller's accept was refused because a controller was first
 *
 * @since 0.1.0
 */
public record CallRecord(String ivrid, String key, Outcome outcome, String stopReason, List<ObjectNode> applied,
                         String dtmfSent, String transferTo, Integer sipCode, int accepts, int reaccepts,
                         boolean rivalRefused) {

    public enum Outcome {
        RUNNING("running"),
        /** A hangup (201) in the dialog, or a final 4xx–6xx SIP response before it. */
        HANGUP("hangup"),
        /** A transfer (203) in the dialog, or a 3xx SIP response before it. */
        TRANSFER("transfer"),
        /** The controller handed the call back (ivrapi_abort). */
        ABORTED("aborted"),
        /** No controller accepted in time. */
        TIMEOUT("timeout"),
        /** The caller hung up, or the test stopped the call. */
        CALLER_HANGUP("caller-hangup"),
        /** A competing controller had the call. */
        RIVAL("rival");

        private final String text;

        Outcome(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public CallRecord {
        applied = List.copyOf(applied);
    }

    /** The oTypes applied, in order. */
    public List<Integer> oTypes() {
        List<Integer> list = new ArrayList<>();
        applied.forEach(d -> list.add(d.path("oType").asInt()));
        return list;
    }

    /** One JSON object, as {@code forge ivr-sim} prints it. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("ivrid", ivrid).put("key", key).put("outcome", outcome.text());
        o.put("stopReason", stopReason);
        ArrayNode types = o.putArray("components");
        oTypes().forEach(types::add);
        o.put("dtmf", dtmfSent);
        if (transferTo != null) {
            o.put("transferTo", transferTo);
        }
        if (sipCode != null) {
            o.put("sipCode", sipCode);
        }
        o.put("accepts", accepts).put("reaccepts", reaccepts);
        if (rivalRefused) {
            o.put("rivalRefused", true);
        }
        return o;
    }
}
