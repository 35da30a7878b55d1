package dev.forge.ivr;

/** The socket could not be opened, was closed, or a frame could not be sent. *
/** The socket could not be opened, was closed, or a frame could not be sent. * @since 0.1.0
/** The socket could not be opened, was closed, or a frame could not be sent. */
public final class IvrConnectionException extends IvrException {
    private static final long serialVersionUID = 1L;

    public IvrConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
