package dev.forge;

import java.util.Locale;

/**
 * Where an engine runs scripts, chosen with {@link EngineOptions.Builder#isolation(Isolation)}.
 *
 * <p>{@link #PROCESS}, the default, keeps V8 out of the host's JVM: scripts run in child processes that the
 * engine starts, supervises and replaces. Whatever a script does to V8 (an allocation that aborts the
 * process, a built-in that ignores termination, a V8 bug) costs at most that child and the invocations
 * running in it; the host and every other call carry on.
 *
 * <p>{@link #IN_PROCESS} runs V8 inside the host's JVM: the fastest path, for scripts the host trusts. It
 * keeps the time and memory limits, but cannot contain what V8 itself cannot survive: one allocation past
 * the heap ceiling, or one of V8's fatal size checks, aborts the whole JVM; and a built-in that never
 * checks for interrupts holds its thread (on a caller's thread, the caller) until it finishes, although the
 * call is answered at its deadline.
 *
 * @since 0.1.0
 */
public enum Isolation {
    /** Scripts run in supervised child processes; the default. */
    PROCESS,
    /** Scripts run inside the host's JVM: for trusted scripts only. */
    IN_PROCESS;

    /** The name used on the command line: {@code process} or {@code in-process}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@code process} or {@code in-process} (case and {@code _} for {@code -} do not matter).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Isolation parse(String value) {
        if (value != null) {
            String v = value.trim().replace('_', '-');
            for (Isolation i : values()) {
                if (i.id().equalsIgnoreCase(v)) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("isolation: unknown isolation '" + value + "'; use process or in-process");
    }
}
