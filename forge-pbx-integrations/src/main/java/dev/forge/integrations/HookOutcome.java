package dev.forge.integrations;

import dev.forge.Outcome;

import java.util.Objects;

/**
 * How one integration's hook took one event.
 *
 * <p>Thread-safety: immutable.
 *
 * @param identifier the integration
 * @param hook       the hook, e.g. {@code ongroup}
 * @param present    whether the backend defines that hook (when not, the outcome is {@link Outcome.Ok})
 * @param outcome    ok (with the hook's return value, when it is JSON), failed (the hook threw, or a promise
 *                   or callback of it failed), timeout (a stretch of the hook ran past its limit, or its work
 *                   outlasted the hook timeout) or overloaded
 *
 * @since 0.1.0
 */
public record HookOutcome(String identifier, String hook, boolean present, Outcome outcome) {
    public HookOutcome {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** Whether the hook ran and ended well (or is absent). */
    public boolean isOk() {
        return outcome.isOk();
    }
}
