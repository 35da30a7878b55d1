package dev.forge.engine.v8.internal.host;

import java.util.Set;

/**
 * Why an isolate process died, and whom it blames: the isolates whose turns caused it, or, when that cannot
 * be known (a fatal V8 error with several turns running), every isolate that was running a turn.
 *
 * @param kind     what happened
 * @param message  what the host's log and the invocations say (never the script's data)
 * @param culprits the links to blame, or null if unknown
 * @param active   the links that were running a turn when it died
 */
record Death(Kind kind, String message, Set<IsolateLink> culprits, Set<IsolateLink> active) {

    enum Kind {
        /** Out of memory: V8's fatal heap or size error, or the process's memory ceiling. */
        MEMORY,
        /** Killed because a turn ran past its deadline plus the grace and ignored termination. */
        OVERRUN,
        /** Killed because it broke the protocol (a malformed or forged frame). */
        PROTOCOL,
        /** Died of something else (a signal, a V8 bug). */
        CRASH,
        /** Stopped by the engine (closing, or retired): nobody's fault. */
        CLOSED
    }

    Death {
        active = Set.copyOf(active);
        culprits = culprits == null ? (active.size() == 1 ? active : null) : Set.copyOf(culprits);
    }

    /** Whether this death is {@code link}'s fault (or may be). */
    boolean blames(IsolateLink link) {
        return kind != Kind.CLOSED && (culprits == null ? active.contains(link) : culprits.contains(link));
    }

    /** The culprit is not known: every running turn is a suspect. */
    boolean suspectsOnly() {
        return culprits == null;
    }
}
