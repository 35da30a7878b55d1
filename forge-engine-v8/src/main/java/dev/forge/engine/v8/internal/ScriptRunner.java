package dev.forge.engine.v8.internal;

import dev.forge.EngineOptions;
import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Everything the engine keeps for one version of one script: its isolates (never shared with another
 * script), the invocations waiting for one, its code cache, and a load failure that will not go away
 * (a syntax error) so that it is not rebuilt on every call.
 *
 * <p>Thread-safety: the queue, the idle isolates and the counters are guarded by the {@link IsolatePool}'s
 * lock; {@link #codeCache} is written by the thread that first loads the script.
 */
final class ScriptRunner {

    final Script script;
    final Limits limits;
    final EngineOptions options;
    final String resourceName;
    final String preludeOptions;
    final Logger consoleLog;
    final boolean app;
    volatile byte[] codeCache;

    // guarded by the pool's lock
    final ArrayDeque<Call> queue = new ArrayDeque<>();
    final ArrayDeque<Isolate> idle = new ArrayDeque<>();
    int live;
    boolean retired;
    ScriptException broken;

    ScriptRunner(Script script, Limits limits, EngineOptions options) {
        this.script = script;
        this.limits = limits;
        this.options = options;
        this.resourceName = script.name();
        this.app = script.kind() != ScriptKind.SCRIPT;
        this.preludeOptions = "{\"app\":" + app
                + ",\"consoleLineChars\":" + options.consoleLineChars()
                + ",\"allocationBudget\":" + limits.heapBytes() + "}";
        this.consoleLog = LoggerFactory.getLogger("forge.script." + script.tenant());
    }

    /** The key isolates are kept under: the script's id and its version, so tenants never share. */
    static String key(Script script) {
        return script.id() + '@' + script.version();
    }
}
