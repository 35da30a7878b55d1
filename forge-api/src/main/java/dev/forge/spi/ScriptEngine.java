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
 * <h2>The contract</h2>
 * What {@code ScriptEngineContract} in forge-test-kit checks through {@link dev.forge.Forge}, with one engine
 * serving every test as one serves a host:
 * <ul>
 *   <li><b>Routing.</b> {@code main(data)} gets the invocation's data parsed, and what it returns, as JSON, is
 *       {@link Outcome.Ok#dataJson()}; data without {@code routing} works; an App's {@code main} may be
 *       {@code async} and is awaited; {@code console} output never changes the outcome.</li>
 *   <li><b>Rejections.</b> Throwing an {@code Error} or a string whose text starts with a SIP code from 300
 *       to 699 and a reason ({@code '486 Busy Here'}), or an App rejecting with {@code [604, 'Number on DNC
 *       List']}, before or after an await, is {@link Outcome.Rejected} with that status.</li>
 *   <li><b>Errors.</b> Anything else thrown ({@code 'oops'}, {@code '200 OK'}, {@code '700 Out Of Range'}, a
 *       {@code TypeError}) is {@link Outcome.Failed} of kind {@code runtime} whose message contains the thrown
 *       text ({@code TypeError} included); so is returning something that is not JSON (a {@code BigInt}). A
 *       source that does not compile is kind {@code syntax} with the 1-based line and column of the error; a
 *       runtime error carries its line.</li>
 *   <li><b>Limits, and recovery.</b> An endless loop and a promise that never settles end
 *       {@link Outcome.TimedOut} with the invocation's timeout action ({@code 408 Request Timeout} when it
 *       names none); a heap bomb and an ArrayBuffer bomb end {@link Outcome.Failed} of kind {@code memory};
 *       endless recursion ends kind {@code stack}. Each time, the next invocation of the same script, and
 *       every other script, runs normally.</li>
 *   <li><b>The sandbox.</b> {@code require}, {@code process}, {@code java}, {@code Java}, {@code Packages},
 *       {@code load}, {@code quit}, {@code javet} and {@code exit} are undefined (calling one is a
 *       {@code runtime} failure with a {@code ReferenceError}); globals and prototype changes one script makes
 *       are invisible to another; a script that replaces {@code JSON.parse} or {@code JSON.stringify} does not
 *       change how the engine passes data in or reads results out.</li>
 * </ul>
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
