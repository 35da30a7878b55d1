package dev.forge;

import java.util.Locale;
import java.util.Objects;

/**
 * Why an invocation failed: the one error type a host sees from a script.
 *
 * <p>{@link #kind()} says what went wrong; {@link #getMessage()} is the script's own message (or Forge's,
 * for limits); {@link #scriptStack()}, {@link #line()} and {@link #column()} point into the script's
 * source. Line and column are 1-based and 0 when unknown.
 *
 * <p>Thread-safety: immutable once thrown.
 *
 * @since 0.1.0
 */
public final class ScriptException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure. */
    public enum Kind {
        /** The source does not compile. */
        SYNTAX,
        /** The script threw, or returned something that is not JSON. */
        RUNTIME,
        /** The script used more memory than its limit. */
        MEMORY,
        /** The script recursed past the stack limit. */
        STACK,
        /** Forge or the host failed on the script's behalf (engine error, bad binding, isolate lost). */
        HOST,
        /** The invocation was cancelled: by the host, at shutdown, or because its isolate was terminated. */
        CANCELLED;

        /** The lower-case name used in JSON. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a lower- or upper-case name. */
        public static Kind parse(String text) {
            return valueOf(Objects.requireNonNull(text, "kind").trim().toUpperCase(Locale.ROOT));
        }
    }

    private final Kind kind;
    private final String scriptStack;
    private final int line;
    private final int column;

    public ScriptException(Kind kind, String message, String scriptStack, int line, int column) {
        this(kind, message, scriptStack, line, column, null);
    }

    public ScriptException(Kind kind, String message) {
        this(kind, message, "", 0, 0, null);
    }

    /** A failure of Forge or the host, with the Java exception behind it. */
    public ScriptException(Kind kind, String message, Throwable cause) {
        this(kind, message, "", 0, 0, cause);
    }

    private ScriptException(Kind kind, String message, String scriptStack, int line, int column, Throwable cause) {
        super(message == null ? "" : message, cause, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.scriptStack = scriptStack == null ? "" : scriptStack;
        this.line = Math.max(0, line);
        this.column = Math.max(0, column);
    }

    public Kind kind() {
        return kind;
    }

    /** The JavaScript stack as V8 printed it, or empty. */
    public String scriptStack() {
        return scriptStack;
    }

    /** 1-based line in the script's source, 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column in the script's source, 0 when unknown. */
    public int column() {
        return column;
    }

    public boolean isSyntaxError() {
        return kind == Kind.SYNTAX;
    }

    public boolean isResourceExhausted() {
        return kind == Kind.MEMORY || kind == Kind.STACK;
    }

    public boolean isCancelled() {
        return kind == Kind.CANCELLED;
    }

    @Override
    public String toString() {
        String where = line > 0 ? " at line " + line + ", column " + column : "";
        return "ScriptException[" + kind.id() + "]" + where + ": " + getMessage();
    }
}
