package dev.forge.spi;

import java.util.concurrent.CompletionStage;

/**
 * Host functions that a module built on Forge adds to the scripts that ask for them, with the JavaScript
 * that turns them into the script's API. Voice scripts' {@code ctx} and the integrations framework's
 * {@code system}, {@code loadIntr} and hooks are made this way; a host can add its own.
 *
 * <p>A script opts in with {@code script.withBindings(name)}; the host registers the bindings with
 * {@code Forge.builder().bindings(...)}. The engine then evaluates {@link #installer()} in each of the
 * script's isolates, after Forge's own prelude and before the tenant's code. The installer is the source of
 * one JavaScript function expression taking {@code host}, a frozen object with:
 * <ul>
 *   <li>{@code host.call(fn, args[, inv])}: starts {@link #call} and returns a promise of its parsed JSON
 *       result (rejected with an {@code Error} carrying the failure's message);</li>
 *   <li>{@code host.callSync(fn, args)}: {@link #callSync}, returning the parsed result or throwing;</li>
 *   <li>{@code host.invocation()}: the id of the invocation running now;</li>
 *   <li>{@code host.global(name, value)}: defines a global the tenant's code sees;</li>
 *   <li>{@code host.log(level, text)}: a line in the script's log.</li>
 * </ul>
 * It may return {@code {bind(main)}}: {@code bind} is called once the tenant's code has run, with its
 * {@code main} function (or undefined), and returns {@code entry(fn, data, inv)}, which Forge then calls for
 * every invocation instead of {@code main(data)} ({@code fn} is the invocation's function name or '').
 * Whatever {@code entry} returns or throws is the invocation's outcome, as for {@code main}.
 *
 * <p>Installers run in the tenant's isolate, so they must not trust what the tenant's code can change:
 * capture the intrinsics they need before returning.
 *
 * <p>Thread-safety: implementations must be thread-safe; {@link #call} is called on isolate threads and
 * must not block.
 *
 * @since 0.1.0
 */
public interface Bindings {

    /** The name scripts use to ask for these bindings: lower-case letters, digits and dashes. */
    String name();

    /** The JavaScript function expression that installs the bindings; see the class description. */
    String installer();

    /**
     * An asynchronous host function.
     *
     * @param call     the invocation that called it, with the host's attachment
     * @param function the function's name, as the installer passed it
     * @param argsJson its argument, as JSON text
     * @return a stage completing with the result as JSON text ({@code null} for undefined), or failing with
     *         an exception whose message the script sees
     */
    CompletionStage<String> call(HostCall call, String function, String argsJson);

    /**
     * A synchronous host function. It holds the isolate's thread until it returns: only for work that takes
     * microseconds (reading an attachment's state, say).
     *
     * @return the result as JSON text, or {@code null} for undefined
     * @throws RuntimeException whose message the script sees as an {@code Error}
     */
    default String callSync(HostCall call, String function, String argsJson) {
        throw new IllegalArgumentException(function + ": no synchronous host function of that name in bindings '"
                + name() + "'");
    }
}
