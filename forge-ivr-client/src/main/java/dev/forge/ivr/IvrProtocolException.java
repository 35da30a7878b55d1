package dev.forge.ivr;

/** A frame that is not valid ivrapi JSON; {@link #raw()} holds the text as received. *
/** A frame that is not valid ivrapi JSON; {@link #raw()} holds the text as received. * @since 0.1.0
/** A frame that is not valid ivrapi JSON; {@link #raw()} holds the text as received. */
public final class IvrProtocolException extends IvrException {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 200;

    private final String raw;

    public IvrProtocolException(String problem, String raw, Throwable cause) {
        super("Malformed ivrapi frame: " + problem + ". Expected [\"name\", {...}], got: " + shorten(raw), cause);
        this.raw = raw;
    }

    /** The whole frame text as received. */
    public String raw() {
        return raw;
    }

    private static String shorten(String raw) {
        if (raw == null) {
            return "null";
        }
        return raw.length() <= SHOWN ? raw : raw.substring(0, SHOWN) + "... (" + raw.length() + " chars)";
    }
}
