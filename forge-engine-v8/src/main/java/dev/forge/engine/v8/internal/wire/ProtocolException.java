package dev.forge.engine.v8.internal.wire;

import java.io.IOException;

/**
 * A frame that breaks the protocol: a length over the cap, a field past the frame's end, an unexpected tag,
 * or a request for something the host never handed out. From a child it means the child is broken or
 * compromised.
 */
public final class ProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
