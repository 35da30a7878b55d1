package dev.forge.ivr;

/** No reply arrived within the request timeout; the pending request is forgotten. *
/** No reply arrived within the request timeout; the pending request is forgotten. * @since 0.1.0
/** No reply arrived within the request timeout; the pending request is forgotten. */
public final class IvrTimeoutException extends IvrException {
    private static final long serialVersionUID = 1L;

    public IvrTimeoutException(String message) {
        super(message);
    }
}
