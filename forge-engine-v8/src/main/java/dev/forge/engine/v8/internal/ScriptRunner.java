package dev.forge.engine.v8.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.EngineOptions;
import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import dev.forge.internal.Json;
import dev.forge.spi.Bindings;
import dev.forge.spi.HostServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the engine keeps for one version of one script: its isolates (never shared with another
 * script), the invocations waiting for one, its code cache, and a load failure that will not go away
 * (a syntax error) so that it is not rebuilt on every call.
 *
 * <p>A Script gets up to {@code concurrencyPerScript} isolates, each running one invocation at a time; an
 * App or Driver gets one isolate on which up to {@code appInFlight} invocations interleave.
 *
 * <p>Thread-safety: the queue, the isolates and the flags are guarded by the {@link IsolatePool}'s lock;
 * {@link #codeCache} is written by the thread that first loads the script.
 */
final class ScriptRunner {

    final Script script;
    final Limits limits;
    final EngineOptions options;
    final HostServices services;
    final String resourceName;
    final String preludeOptions;
    final Logger consoleLog;
    final boolean app;
    final boolean esModule;
    /** The script's extra bindings, or null. */
    final Bindings bindings;
    final int maxIsolates;
    volatile byte[] codeCache;

    // guarded by the pool's lock
    final ArrayDeque<Call> queue = new ArrayDeque<>();
    final List<Isolate> isolates = new ArrayList<>(1);
    boolean retired;
    boolean forgotten;
    ScriptException broken;

    ScriptRunner(Script script, Limits limits, EngineOptions options, HostServices services) {
        this.script = script;
        this.limits = limits;
        this.options = options;
        this.services = services;
        this.resourceName = script.name();
        this.bindings = script.bindings() == null ? null : services.bindings().get(script.bindings());
        if (script.bindings() != null && bindings == null) {
            throw new IllegalStateException("bindings: script '" + script.id() + "' asks for '" + script.bindings()
                    + "', which this engine was not given; register them with Forge.builder().bindings(...)");
        }
        this.app = script.kind() != ScriptKind.SCRIPT;
        this.esModule = app && TenantCode.ES_MODULE.matcher(script.source()).find();
        this.maxIsolates = app ? 1 : options.concurrencyPerScript();
        ObjectNode o = Json.object();
        o.put("app", app);
        o.put("driver", script.kind() == ScriptKind.DRIVER);
        o.put("consoleLineChars", options.consoleLineChars());
        o.put("allocationBudget", limits.heapBytes());
        ObjectNode env = o.putObject("env");
        env.put("scriptId", script.id());
        env.put("name", script.name());
        env.put("tenant", script.tenant());
        env.put("SCRIPTFORGE_ID", script.id());
        env.put("SCRIPTFORGE_NAME", script.name());
        script.env().forEach(env::put);
        this.preludeOptions = Json.write(o);
        this.consoleLog = LoggerFactory.getLogger("forge.script." + script.tenant());
    }

    /** The key isolates are kept under: the script's id and its version, so tenants never share. */
    static String key(Script script) {
        return script.id() + '@' + script.version();
    }
}
