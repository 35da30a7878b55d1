package dev.forge;

import java.util.Locale;

/**
 * How far an isolate process is confined by the operating system, chosen with
 * {@link EngineOptions.Builder#confinement(Confinement)}; it matters only with {@link Isolation#PROCESS}.
 *
 * <p>The layers, each found at start and reported in the log and in {@code Forge.stats().confinement()}:
 * an empty network namespace (no socket reaches anything), a mount namespace in which every file system is
 * read-only but the process's own temporary folder, a PID namespace (it sees and signals no other process),
 * no new privileges and no capabilities, and no core dumps (with a cap on open files). On Linux they need
 * util-linux's {@code unshare}, {@code setpriv} and {@code prlimit}, and either root or unprivileged user
 * namespaces. Whatever the confinement, an isolate process gets an environment with none of the host's
 * variables, no inherited descriptors but its channel, a session and process group of its own, and a
 * temporary folder of its own.
 *
 * @since 0.1.0
 */
public enum Confinement {
    /** Every layer the machine offers; the ones missing are named in the log and the stats. The default. */
    BEST_EFFORT,
    /** Every layer, or {@code Forge.builder().build()} fails naming the one missing and why. */
    REQUIRED,
    /** None of the layers (the isolate process is still a separate process with a scrubbed environment). */
    NONE;

    /** The name used on the command line: {@code best-effort}, {@code required} or {@code none}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@code best-effort}, {@code required} or {@code none}.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Confinement parse(String value) {
        if (value != null) {
            String v = value.trim().replace('_', '-');
            for (Confinement c : values()) {
                if (c.id().equalsIgnoreCase(v)) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("confinement: unknown confinement '" + value
                + "'; use best-effort, required or none");
    }
}
