package dev.forge.redis.teleforge;

/**
 * A notification that could not be decoded: not JSON, no envelope, an unknown key or type, or a field of the
 * wrong kind. {@link #reason()} says which; {@link #raw()} is the text as received.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class TeleforgeFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String reason;
    private final String raw;

    public TeleforgeFormatException(String key, String reason, String raw) {
        super("teleforge: " + reason + " (notification on '" + key + "')", null, false, false);
        this.key = key;
        this.reason = reason;
        this.raw = raw;
    }

    /** The list, channel or source it came from. */
    public String key() {
        return key;
    }

    /** What is wrong, naming the field and the value. */
    public String reason() {
        return reason;
    }

    /** The text as received. */
    public String raw() {
        return raw;
    }
}
