package dev.forge.spi;

import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;

import java.util.concurrent.CompletableFuture;

/**
 * Runs scripts. Made by a {@link ScriptEngineProvider}; used by {@link dev.forge.Forge}.
 *
 * <p>An engine never throws for a script's misbehaviour: every failure of the script becomes an
 * {@link Outcome}. It throws only for the host's mistakes (bad arguments, use after close).
 *
 * <p>Thread-safety: implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface ScriptEngine extends AutoCloseable {

    /**
     * Runs {@code script} with the invocation's data, completing with its outcome.
     *
     * @param startNanos {@link System#nanoTime()} when the host called Forge, for the outcome's micros
     */
    CompletableFuture<Outcome> invokeAsync(Script script, Invocation invocation, long startNanos);

    /**
     * Runs {@code script} and waits for its outcome. An engine may run it on the calling thread.
     *
     * @param startNanos {@link System#nanoTime()} when the host called Forge, for the outcome's micros
     */
    Outcome invoke(Script script, Invocation invocation, long startNanos);

    /**
     * Gets {@code script} ready to run: builds its first isolate (and code cache) now, so that its first
     * invocation costs what a warm one costs. Called by {@code Forge.load}. A script that fails to load is
     * not an error here: its invocations report the failure. The default does nothing.
     */
    default void prepare(Script script) {
    }

    /** Closes the idle isolates of every version of the script; called when the host replaces or removes it. */
    void evict(String scriptId);

    /** Counters for monitoring. */
    EngineStats stats();

    /** Stops the engine: queued invocations end as cancelled, isolates are closed. Idempotent. */
    @Override
    void close();
}
