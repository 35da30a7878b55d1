package dev.forge;

import java.util.Locale;

/**
 * The three kinds of script a tenant can write, as ScriptForge defines them.
 *
 * @since 0.1.0
 */
public enum ScriptKind {
    /** Synchronous: {@code main(data)} returns the data. No modules, no timers, no promises. The fastest kind. */
    SCRIPT,
    /** May be asynchronous: {@code main} may return a promise, which is awaited inside the same deadline. */
    APP,
    /** Module exports that the host calls by name (a DID or alert driver). */
    DRIVER;

    /**
     * Parses a kind by name, ignoring case ({@code script}, {@code app}, {@code driver}).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ScriptKind parse(String value) {
        if (value != null) {
            for (ScriptKind kind : values()) {
                if (kind.name().equalsIgnoreCase(value.trim())) {
                    return kind;
                }
            }
        }
        throw new IllegalArgumentException("type: unknown script type '" + value + "'; use one of script, app, driver");
    }

    /** The lower-case name used on the command line and in JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
