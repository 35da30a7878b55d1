package dev.forge.ivr;

/**
 * The session ended (api_stop, or a local {@link StopReason}) before or while an operation ran: nothing more is
 * sent for it. A hangup or transfer that ends the call may see this instead of its result when the platform
 * sends api_stop without stopping the component first.
 *
 * @since 0.1.0
 */
public final class IvrSessionEndedException extends IvrException {
    private static final long serialVersionUID = 1L;

    private final String ivrid;
    private final StopReason reason;

    public IvrSessionEndedException(String ivrid, StopReason reason, String operation) {
        super("Session " + ivrid + " ended (" + (reason.local() ? "locally: " : "api_stop reason ")
                + reason.name().toLowerCase() + ") " + operation + "; nothing more is sent for it");
        this.ivrid = ivrid;
        this.reason = reason;
    }

    public String ivrid() {
        return ivrid;
    }

    public StopReason reason() {
        return reason;
    }
}
