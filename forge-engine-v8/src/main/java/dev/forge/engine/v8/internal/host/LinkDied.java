package dev.forge.engine.v8.internal.host;

/**
 * The isolate's process died during a turn (or before it); the {@link Death} says why and whom it blames.
 */
final class LinkDied extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Death death;

    LinkDied(Death death) {
        super(death.message(), null, false, false);
        this.death = death;
    }

    Death death() {
        return death;
    }
}
