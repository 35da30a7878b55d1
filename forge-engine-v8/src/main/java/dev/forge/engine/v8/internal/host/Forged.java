package dev.forge.engine.v8.internal.host;

/**
 * A child asked for something the host never gave it: an invocation it was not dispatched, an operation
 * number it already used. The child is broken or compromised; its process is killed.
 */
final class Forged extends RuntimeException {

    private static final long serialVersionUID = 1L;

    Forged(String what) {
        super(what, null, false, false);
    }
}
