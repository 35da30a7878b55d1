package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The platform answered a request with a failed {@code <name>_result}; {@link #reply()} holds all its fields. *
/** The platform answered a request with a failed {@code <name>_result}; {@link #reply()} holds all its fields. * @since 0.1.0
/** The platform answered a request with a failed {@code <name>_result}; {@link #reply()} holds all its fields. */
public final class IvrRequestException extends IvrException {
    private static final long serialVersionUID = 1L;

    private final transient IvrReply reply;

    public IvrRequestException(IvrReply reply) {
        super(reply.request() + " (qid " + reply.qid() + ") was refused: result=" + reply.result()
                + (reply.extra().isEmpty() ? "" : ", " + reply.extra()));
        this.reply = reply;
    }

    public IvrReply reply() {
        return reply;
    }

    /** The request name, e.g. {@code ivrapi_accept}. */
    public String request() {
        return reply.request();
    }

    /** The reply's result value (e.g. {@code "error"}), or null. */
    public JsonNode result() {
        return reply.result();
    }

    /** The reply's other fields, e.g. a reason or code. */
    public Map<String, JsonNode> fields() {
        return reply.extra();
    }
}
