package dev.forge.ivr;

/**
 * The root of the ivrapi client's unchecked exceptions: {@link IvrProtocolException} (a frame that is not
 * valid), {@link IvrRequestException} (the platform refused a request), {@link IvrTimeoutException} (no reply
 * in time) and {@link IvrConnectionException} (the socket could not be opened or is closed).
 *
 * @since 0.1.0
 */
public class IvrException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IvrException(String message) {
        super(message);
    }

    public IvrException(String message, Throwable cause) {
        super(message, cause);
    }
}
