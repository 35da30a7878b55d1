package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One frame of the Token API socket, {@code ["name", {...}]}: a {@link IvrRequest} the client sends, the
 * {@link IvrReply} to it, an {@link IvrEvent} the platform pushes, or an {@link UnknownFrame} this version does
 * not model. {@link IvrCodec} turns frames into text and back.
 *
 * <p>Every frame keeps the fields it does not model in {@link #extra()}, so a frame from a newer platform
 * round-trips unchanged. Thread-safety: frames are immutable.
 *
 * @since 0.1.0
 */
public sealed interface IvrFrame permits IvrRequest, IvrReply, IvrEvent, IvrFrame.UnknownFrame {

    /** The frame name, the first element of the array, e.g. {@code ivrapi_accept}. */
    String name();

    /** Fields that the typed model does not name, in arrival order. */
    Map<String, JsonNode> extra();

    /** A frame whose name this version does not know; the whole body is in {@link #extra()}. */
    record UnknownFrame(String name, Map<String, JsonNode> extra) implements IvrFrame {
        public UnknownFrame {
            Extra.require(name, "name");
            extra = Extra.copy(extra);
        }
    }
}
