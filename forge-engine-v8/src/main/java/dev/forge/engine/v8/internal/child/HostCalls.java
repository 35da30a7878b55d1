package dev.forge.engine.v8.internal.child;

/**
 * What a running turn asks of the host: the prelude's host functions, as the isolate runner passes them on.
 * In-process the host implements it directly; in an isolate process each call becomes a frame on the turn's
 * lane. Every call names the invocation it is for; the host checks that against its own record.
 *
 * <p>Thread-safety: called on the thread running the turn.
 */
public interface HostCalls {

    /** A console line at {@code level} (error, warn, info, debug). */
    void log(String level, String line);

    /** An App's invocation settled with a tagged result. */
    void settle(int inv, String result);

    /** Starts host operation {@code op} (numbered by the isolate) for {@code inv}; its result is delivered later. */
    void op(int inv, int op, String kind, String argsJson);

    /** Cancels host operation {@code op}. */
    void cancel(int op);

    /** A module's source: 'S' + CommonJS source, or 'E' + why not. */
    String module(String name);

    /** A synchronous bindings function: 'O' + JSON, 'U', or 'E' + the error's message. */
    String sync(int inv, String fn, String argsJson);
}
