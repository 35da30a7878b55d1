package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A reply, {@code ["<request>_result", {"qid", "result", ...}]}. {@code result} is {@code "ok"} for commands and
 * the value itself (a path or link) for the file requests; every other field is in {@link #extra()}.
 *
 * <p>The error frame of the Token API is not documented; Forge treats a reply as failed when {@code result} is
 * missing, is not a string, or is {@code "error"}, and, for requests that answer {@code "ok"}, when it is any
 * other string. {@link #check()} turns a failed reply into an {@link IvrRequestException}.
 *
 * @since 0.1.0
 */
public record IvrReply(String request, Qid qid, JsonNode result, Map<String, JsonNode> extra) implements IvrFrame {

    private static final Set<String> VALUE_RESULTS = Set.of("ivrapi_file_get_path", "ivrapi_file_upload_temp",
            "ivrapi_file_upload_static", "file_upload_static");

    public IvrReply {
        Extra.require(request, "request");
        Objects.requireNonNull(qid, "qid");
        result = Extra.canonical(result);
        extra = Extra.copy(extra);
    }

    @Override
    public String name() {
        return request + "_result";
    }

    @Override
    public JsonNode result() {
        return result == null ? null : result.deepCopy();
    }

    /** The result as text, or null when it is missing or not a string. */
    public String resultText() {
        return result != null && result.isTextual() ? result.textValue() : null;
    }

    public boolean isOk() {
        String text = resultText();
        if (text == null || text.equals("error")) {
            return false;
        }
        return text.equals("ok") || VALUE_RESULTS.contains(request);
    }

    /** Returns this reply when it {@linkplain #isOk() is ok}, else throws {@link IvrRequestException}. */
    public IvrReply check() {
        if (!isOk()) {
            throw new IvrRequestException(this);
        }
        return this;
    }
}
