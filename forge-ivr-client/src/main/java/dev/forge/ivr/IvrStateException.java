package dev.forge.ivr;

/**
 * A {@link ControlSession} refused an operation: the session is in a state where the operation breaks an
 * ivrapi rule. {@link #state()} is the state at the time and {@link #rule()} the rule, both also in the message.
 *
 * @since 0.1.0
 */
public final class IvrStateException extends IvrException {
    private static final long serialVersionUID = 1L;

    private final ControlSession.State state;
    private final String rule;

    public IvrStateException(String operation, ControlSession.State state, String rule) {
        super(operation + " refused in state " + state + ": " + rule);
        this.state = state;
        this.rule = rule;
    }

    public ControlSession.State state() {
        return state;
    }

    public String rule() {
        return rule;
    }
}
