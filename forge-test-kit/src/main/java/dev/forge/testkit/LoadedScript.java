package dev.forge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.SipStatus;

import java.time.Duration;
import java.util.Objects;

/**
 * A script stored in a test's Forge, ready to invoke with fixture data. The {@code with*} methods return
 * copies, so one loaded script can be invoked with several assignments.
 *
 * <p>Thread-safety: immutable; may be invoked from several threads.
 *
 * @since 0.1.0
 */
public final class LoadedScript {

    private final ScriptRunner runner;
    private final Script script;
    private final Duration timeout;
    private final SipStatus timeoutAction;

    LoadedScript(ScriptRunner runner, Script script, Duration timeout, SipStatus timeoutAction) {
        this.runner = runner;
        this.script = script;
        this.timeout = timeout;
        this.timeoutAction = timeoutAction;
    }

    public Script script() {
        return script;
    }

    /** The script's id in the store, {@code tenant/name}. */
    public String id() {
        return script.id();
    }

    /** A copy whose invocations have this deadline (the assignment's Timeout). */
    public LoadedScript withTimeout(Duration value) {
        return new LoadedScript(runner, script, Objects.requireNonNull(value, "timeout"), timeoutAction);
    }

    /** A copy whose invocations have this deadline, written like {@code 50ms} or {@code 2s}. */
    public LoadedScript withTimeout(String value) {
        return withTimeout(Limits.parseDuration("timeout", value));
    }

    /** A copy whose timed-out invocations get this status, written {@code "480 Temporarily Unavailable"}. */
    public LoadedScript withTimeoutAction(String value) {
        return new LoadedScript(runner, script, timeout, SipStatus.parse("timeoutAction", value));
    }

    /** Invokes with {@code {"routing":{}}}. */
    public OutcomeAssert invoke() {
        return invoke(ScriptRunner.DEFAULT_DATA);
    }

    /**
     * Invokes with fixture data: JSON text, or {@code @path} for a JSON resource on the class path.
     *
     * @throws IllegalArgumentException if the data is not JSON or the resource is missing
     */
    public OutcomeAssert invoke(String dataOrResource) {
        return run(invocation().data(runner.data(dataOrResource)));
    }

    /** Invokes with a Jackson tree. */
    public OutcomeAssert invoke(JsonNode data) {
        return run(invocation().data(data));
    }

    private Invocation.Builder invocation() {
        return Invocation.builder(script.id()).timeout(timeout).timeoutAction(timeoutAction);
    }

    private OutcomeAssert run(Invocation.Builder builder) {
        return new OutcomeAssert(script.id(), runner.forge().invoke(builder.build()));
    }
}
